// Parsing POST /v1/payment_intents form fields into create_params.
#include "pspsim/create_params.hpp"

#include <gtest/gtest.h>

namespace pay::pspsim {
namespace {

http::form_fields valid_fields() {
  return {{"amount", "1000"},
          {"currency", "EUR"},
          {"payment_method", "pm_card_visa"},
          {"confirm", "true"}};
}

TEST(create_params, valid_fields_parse_into_the_struct) {
  auto fields = valid_fields();
  fields.emplace_back("metadata[b]", "2");
  fields.emplace_back("metadata[a]", "1");
  fields.emplace_back("metadata[a]", "3");  // last value wins
  fields.emplace_back("unknown_param", "ignored");
  const auto parsed = parse_create_params(fields);
  ASSERT_TRUE(parsed.params.has_value()) << parsed.error.message;
  EXPECT_EQ(parsed.params->amount_minor, 1000);
  EXPECT_EQ(parsed.params->currency, "eur");
  EXPECT_EQ(parsed.params->outcome, card_outcome::succeeds);
  EXPECT_EQ(parsed.params->metadata, (metadata_map{{"a", "3"}, {"b", "2"}}));
  EXPECT_FALSE(parsed.params->description.has_value());
}

TEST(create_params, metadata_at_its_key_limit_passes_and_one_more_fails) {
  auto fields = valid_fields();
  for (std::size_t i = 0; i < metadata_keys_max; ++i) {
    fields.emplace_back("metadata[k" + std::to_string(i) + "]", "v");
  }
  EXPECT_TRUE(parse_create_params(fields).params.has_value());
  fields.emplace_back("metadata[one_more]", "v");
  const auto parsed = parse_create_params(fields);
  ASSERT_FALSE(parsed.params.has_value());
  EXPECT_EQ(parsed.error.code, "parameter_invalid_metadata");
}

TEST(create_params, metadata_key_and_value_lengths_are_bounded) {
  auto key_ok = valid_fields();
  key_ok.emplace_back(
    "metadata[" + std::string(metadata_key_chars_max, 'k') + "]", "v");
  EXPECT_TRUE(parse_create_params(key_ok).params.has_value());
  auto key_long = valid_fields();
  key_long.emplace_back(
    "metadata[" + std::string(metadata_key_chars_max + 1, 'k') + "]", "v");
  EXPECT_FALSE(parse_create_params(key_long).params.has_value());
  auto value_long = valid_fields();
  value_long.emplace_back("metadata[k]",
                          std::string(metadata_value_chars_max + 1, 'v'));
  EXPECT_FALSE(parse_create_params(value_long).params.has_value());
  auto empty_key = valid_fields();
  empty_key.emplace_back("metadata[]", "v");
  EXPECT_FALSE(parse_create_params(empty_key).params.has_value());
}

TEST(create_params, leading_zeros_do_not_change_the_amount) {
  auto fields = valid_fields();
  fields[0].second = "000000000000000042";
  const auto parsed = parse_create_params(fields);
  ASSERT_TRUE(parsed.params.has_value());
  EXPECT_EQ(parsed.params->amount_minor, 42);
}

}  // namespace
}  // namespace pay::pspsim
