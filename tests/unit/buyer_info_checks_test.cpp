#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/common/text_checks.hpp"
#include "gateway/payin/buyer_info_checks.hpp"

using namespace pay::gateway;

namespace {

std::optional<api_error> check(const std::string& json_text,
                               buyer_info_limits limits = {}) {
  auto v = boost::json::parse(json_text);
  return check_buyer_info(v.as_object(), json_text.size(), limits);
}

}  // namespace

TEST(buyer_info_checks, an_ordinary_buyer_passes) {
  EXPECT_FALSE(check(R"({"email":"a@example.com","country":"US","age":42,
                         "tags":["x","y"],"vip":true,"note":null})"));
}

TEST(buyer_info_checks, too_many_bytes_is_413_naming_buyer_info) {
  auto err = check(R"({"pad":")" + std::string(5000, 'x') + R"("})",
                   buyer_info_limits{4096, 32, 10'000});
  ASSERT_TRUE(err);
  EXPECT_EQ(err->http_status, 413u);
  EXPECT_EQ(err->param, "buyer_info");
}

TEST(buyer_info_checks, too_many_members_even_nested_is_refused) {
  std::string many = "{";
  for (int i = 0; i < 40; ++i)
    many += (i ? "," : "") + std::string{"\"k"} + std::to_string(i) + "\":1";
  many += "}";
  auto err = check(many);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, "parameter_too_large");
  EXPECT_TRUE(check(R"({"a":[[[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,
                       19,20,21,22,23,24,25,26,27,28,29,30,31,32,33]]]})"));
}

TEST(buyer_info_checks,
     numbers_that_cannot_be_stored_exactly_name_their_field) {
  auto inf = check(R"({"score":1e400})");
  ASSERT_TRUE(inf);
  EXPECT_EQ(inf->param, "buyer_info.score");
  auto big = check(R"({"id":123456789012345678901234567890})");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->param, "buyer_info.id");
  auto past_2_53 = check(R"({"n":{"m":9007199254740993}})");
  ASSERT_TRUE(past_2_53);
  EXPECT_EQ(past_2_53->param, "buyer_info.n.m");
  EXPECT_FALSE(check(R"({"n":9007199254740991,"m":-9007199254740991})"));
  auto lowest = check(R"({"n":-9223372036854775808})");  // found by fuzzing
  ASSERT_TRUE(lowest);
  EXPECT_EQ(lowest->param, "buyer_info.n");
  auto fraction = check(R"({"f":2.5})");
  ASSERT_TRUE(fraction);
  EXPECT_EQ(fraction->param, "buyer_info.f");
  // Found by fuzzing: more digits than a double holds came back changed.
  EXPECT_TRUE(check(R"({"k":900719925474099190071992.5E-33})"));
}

TEST(buyer_info_checks, long_strings_and_control_characters_are_refused) {
  auto long_email = check(R"({"email":")" + std::string(600, 'a')
                            + R"(@example.com"})",
                          buyer_info_limits{100'000, 32, 512});
  ASSERT_TRUE(long_email);
  EXPECT_EQ(long_email->param, "buyer_info.email");
  auto nul = check(R"({"name":"a\u0000b"})");
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->param, "buyer_info.name");
  EXPECT_TRUE(check(R"({"name":"line\nbreak"})"));
}

TEST(text_checks, limits_count_characters_not_bytes) {
  EXPECT_EQ(utf8_chars("abc"), 3u);
  EXPECT_EQ(utf8_chars("\xC3\xA9t\xC3\xA9"), 3u);  // "été"
  EXPECT_EQ(utf8_chars("\xF0\x9F\x92\xB3"), 1u);   // one emoji, 4 bytes
  EXPECT_TRUE(has_control_chars(std::string{"a\0b", 3}));
  EXPECT_TRUE(has_control_chars("a\x7f"));
  EXPECT_FALSE(has_control_chars("plain text, \xC3\xA9"));
}
