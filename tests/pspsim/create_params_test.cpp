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
  fields[0].second = "000000000000000420";
  const auto parsed = parse_create_params(fields);
  ASSERT_TRUE(parsed.params.has_value());
  EXPECT_EQ(parsed.params->amount_minor, 420);
}

TEST(create_params, amount_below_stripes_minimum_for_its_currency_is_refused) {
  auto fields = valid_fields();
  fields[0].second = "49";
  auto parsed = parse_create_params(fields);
  ASSERT_FALSE(parsed.params.has_value());
  EXPECT_EQ(parsed.error.code, "amount_too_small");
  EXPECT_EQ(parsed.error.param, "amount");
  EXPECT_EQ(parsed.error.message, "Amount must be at least 0.50 eur");
  fields[0].second = "50";
  EXPECT_TRUE(parse_create_params(fields).params.has_value());
}

TEST(create_params, three_ds_card_with_error_on_requires_action_declines) {
  auto fields = valid_fields();
  fields[2].second = "pm_card_threeDSecureRequired";
  fields.emplace_back("error_on_requires_action", "true");
  const auto parsed = parse_create_params(fields);
  ASSERT_TRUE(parsed.params.has_value()) << parsed.error.message;
  EXPECT_EQ(parsed.params->outcome,
            card_outcome::declined_authentication_required);
}

TEST(create_params, payment_method_types_other_than_card_is_refused) {
  auto fields = valid_fields();
  fields.emplace_back("payment_method_types[0]", "sepa_debit");
  const auto parsed = parse_create_params(fields);
  ASSERT_FALSE(parsed.params.has_value());
  EXPECT_EQ(parsed.error.param, "payment_method_types[0]");
}

TEST(create_params, return_url_must_be_a_web_url) {
  auto fields = valid_fields();
  fields.emplace_back("return_url", "ftp://shop.example/back");
  const auto parsed = parse_create_params(fields);
  ASSERT_FALSE(parsed.params.has_value());
  EXPECT_EQ(parsed.error.code, "url_invalid");
  EXPECT_EQ(parsed.error.param, "return_url");
}

TEST(create_params, refund_test_cards_charge_like_visa_and_mark_their_refunds) {
  auto fields = valid_fields();
  fields[2].second = "pm_card_pendingRefund";
  auto parsed = parse_create_params(fields);
  ASSERT_TRUE(parsed.params.has_value());
  EXPECT_EQ(parsed.params->outcome, card_outcome::succeeds);
  EXPECT_EQ(parsed.params->refunds, refund_behaviour::pending_then_succeeds);
  fields[2].second = "pm_card_refundFail";
  parsed = parse_create_params(fields);
  ASSERT_TRUE(parsed.params.has_value());
  EXPECT_EQ(parsed.params->refunds, refund_behaviour::fails_later);
}

}  // namespace
}  // namespace pay::pspsim
