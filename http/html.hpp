#pragma once
// Text into HTML: the server-rendered pages (paymentd's status page,
// pspsim's hosted card form) put every value through here.

#include <string>
#include <string_view>

namespace pay::http {

// &, <, >, " and ' as entities: safe in element text and quoted attributes.
std::string html_escape(std::string_view text);

}  // namespace pay::http
