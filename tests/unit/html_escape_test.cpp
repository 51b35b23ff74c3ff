#include "http/html.hpp"

#include <gtest/gtest.h>

namespace {

TEST(html_escape, markup_and_quotes_become_entities) {
  EXPECT_EQ(pay::http::html_escape(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(html_escape, plain_text_and_utf8_pass_unchanged) {
  EXPECT_EQ(pay::http::html_escape("po_1 12.34 \xc3\xa9"),
            "po_1 12.34 \xc3\xa9");
}

}  // namespace
