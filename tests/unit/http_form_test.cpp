#include "http/form.hpp"

#include <gtest/gtest.h>

namespace pay::http {
namespace {

TEST(http_form, encode_then_decode_returns_the_same_fields_in_order) {
  const form_fields fields{{"amount", "1000"},
                           {"description", "Tea & cake: 100% = \"yes\"?"},
                           {"metadata[order_id]", "o-1/2"},
                           {"amount", "dup"},
                           {"unicode", "caf\xC3\xA9 \xE2\x82\xAC"}};
  const auto decoded = form_decode(form_encode(fields));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, fields);
}

TEST(http_form, encode_keeps_only_unreserved_characters_literal) {
  EXPECT_EQ(form_encode({{"a-b.c_d~e", "AZaz09-._~"}}), "a-b.c_d~e=AZaz09-._~");
  EXPECT_EQ(form_encode({{"k", "a b+c&d=e/f"}}), "k=a%20b%2Bc%26d%3De%2Ff");
  EXPECT_EQ(form_encode({{"metadata[x]", ""}}), "metadata%5Bx%5D=");
  EXPECT_EQ(form_encode({{"k", "\xC3\xA9"}}), "k=%C3%A9");
  EXPECT_EQ(form_encode({}), "");
}

TEST(http_form, plus_decodes_as_space) {
  const auto decoded = form_decode("description=two+words&x=a%2Bb");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded,
            (form_fields{{"description", "two words"}, {"x", "a+b"}}));
}

TEST(http_form, url_decode_component_keeps_plus_when_asked) {
  EXPECT_EQ(url_decode_component("a+b%20c", false), "a+b c");
  EXPECT_EQ(url_decode_component("a+b%20c", true), "a b c");
}

TEST(http_form, bad_percent_escapes_are_rejected) {
  EXPECT_FALSE(form_decode("a=%").has_value());
  EXPECT_FALSE(form_decode("a=%4").has_value());
  EXPECT_FALSE(form_decode("a=%zz").has_value());
  EXPECT_FALSE(form_decode("a=%4g&b=1").has_value());
  EXPECT_FALSE(form_decode("%G1=x").has_value());
  EXPECT_FALSE(url_decode_component("100%").has_value());
}

TEST(http_form, lowercase_and_uppercase_hex_both_decode) {
  EXPECT_EQ(url_decode_component("%2f%2F"), "//");
}

TEST(http_form, empty_values_and_keys_without_equals_are_kept) {
  const auto decoded = form_decode("a=&b&c=3");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, (form_fields{{"a", ""}, {"b", ""}, {"c", "3"}}));
}

TEST(http_form, empty_pairs_are_skipped_and_empty_body_has_no_fields) {
  const auto decoded = form_decode("&a=1&&b=2&");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, (form_fields{{"a", "1"}, {"b", "2"}}));
  const auto empty = form_decode("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(http_form, value_may_contain_equals_signs) {
  const auto decoded = form_decode("token=abc==");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, (form_fields{{"token", "abc=="}}));
}

TEST(http_form, bracketed_metadata_keys_are_kept_literally) {
  const auto raw = form_decode("metadata[order_id]=42&metadata%5Bshop%5D=s1");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, (form_fields{{"metadata[order_id]", "42"},
                               {"metadata[shop]", "s1"}}));
}

TEST(http_form, parse_query_reads_only_after_question_mark) {
  const auto fields = parse_query(
    "/v1/things?limit=10&starting_after=pi_1#top");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(*fields,
            (form_fields{{"limit", "10"}, {"starting_after", "pi_1"}}));
  const auto none = parse_query("/v1/things");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(parse_query("/x?a=%G0").has_value());
}

TEST(http_form, target_path_drops_the_query) {
  EXPECT_EQ(target_path("/v1/payment_intents/pi_1?expand=x"),
            "/v1/payment_intents/pi_1");
  EXPECT_EQ(target_path("/healthz"), "/healthz");
}

TEST(http_form, form_value_finds_the_first_match_only) {
  const form_fields fields{{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(form_value(fields, "a"), "1");
  EXPECT_EQ(form_value(fields, "b"), "2");
  EXPECT_FALSE(form_value(fields, "c").has_value());
}

}  // namespace
}  // namespace pay::http
