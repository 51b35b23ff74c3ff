// Error mapping, Prefer: wait parsing and canonical JSON.

#include <gtest/gtest.h>

#include "actors/common/actor_errors.hpp"
#include "gateway/common/canonical_json.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/gateway.hpp"
#include "gateway/common/render.hpp"

namespace {

using namespace pay::gateway;

TEST(error_mapping_test, currency_errors_name_the_currency_field) {
  auto err = money_error_to_api(pay::domain::money_error::currency_unknown, "a",
                                "c");
  EXPECT_EQ(err.http_status, 400u);
  EXPECT_EQ(err.param, "c");
  EXPECT_EQ(err.code, "currency_unknown");
}

TEST(error_mapping_test, amount_errors_name_the_amount_field) {
  auto err = money_error_to_api(pay::domain::money_error::amount_zero, "a",
                                "c");
  EXPECT_EQ(err.param, "a");
  EXPECT_EQ(err.code, "amount_zero");
}

TEST(error_mapping_test, database_down_is_503_and_reveals_nothing) {
  auto err = system_error_to_api(
    pay::make_error(pay::actor_errc::database_unavailable));
  EXPECT_EQ(err.http_status, 503u);
  EXPECT_EQ(err.type, "api_error");
  EXPECT_EQ(err.message.find("pqxx"), std::string::npos);
}

TEST(error_mapping_test, timeouts_are_503_other_failures_500) {
  EXPECT_EQ(
    system_error_to_api(caf::make_error(caf::sec::request_timeout)).http_status,
    503u);
  EXPECT_EQ(system_error_to_api(
              pay::make_error(pay::actor_errc::command_failed))
              .http_status,
            500u);
}

TEST(error_mapping_test, conflicts_are_409_with_the_given_param) {
  auto a = conflict_to_api(pay::insert_outcome::checkout_id_conflict,
                           "checkout_id");
  EXPECT_EQ(a.http_status, 409u);
  EXPECT_EQ(a.code, "checkout_id_conflict");
  auto b = conflict_to_api(pay::insert_outcome::order_id_conflict,
                           "payment_orders[2].payment_order_id");
  EXPECT_EQ(b.code, "payment_order_id_conflict");
  EXPECT_EQ(b.param, "payment_orders[2].payment_order_id");
}

TEST(error_mapping_test, error_body_has_the_stripe_shape) {
  auto body = render_error(invalid("c", "m", ""));
  EXPECT_EQ(
    body,
    R"({"error":{"type":"invalid_request_error","code":"c","message":"m","param":null}})");
}

TEST(prefer_wait_test, reads_seconds_and_caps_them) {
  EXPECT_EQ(preferred_wait_ms("wait=5", 30), 5'000u);
  EXPECT_EQ(preferred_wait_ms("respond-async, wait=100", 30), 30'000u);
  EXPECT_EQ(preferred_wait_ms("", 30), 0u);
  EXPECT_EQ(preferred_wait_ms("wait=abc", 30), 0u);
  EXPECT_EQ(preferred_wait_ms("wait=99999999999999", 30), 30'000u);
}

TEST(prefer_wait_test, follows_rfc_7240_names_values_and_parameters) {
  EXPECT_EQ(preferred_wait_ms("nowait=10", 30), 0u);
  EXPECT_EQ(preferred_wait_ms("wait=0000010", 30), 10'000u);
  EXPECT_EQ(preferred_wait_ms("WAIT=3", 30), 3'000u);
  EXPECT_EQ(preferred_wait_ms("wait=\"4\"", 30), 4'000u);
  EXPECT_EQ(preferred_wait_ms("respond-async; x=1, wait = 2 ; y", 30), 2'000u);
  EXPECT_EQ(preferred_wait_ms("handling=lenient, wait=", 30), 0u);
}

TEST(canonical_json_test, sorts_keys_at_every_level) {
  auto v = boost::json::parse(R"({"b":1,"a":{"d":[{"y":1,"x":2}],"c":null}})");
  EXPECT_EQ(canonical_json(v), R"({"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1})");
}

TEST(canonical_json_test, sha256_matches_a_known_vector) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(render_test, checkout_status_follows_its_orders) {
  pay::checkout_view c;
  c.orders.resize(2);
  c.orders[0].status = pay::domain::order_status::success;
  c.orders[1].status = pay::domain::order_status::executing;
  EXPECT_EQ(checkout_status(c), "processing");
  c.orders[1].status = pay::domain::order_status::failed;
  EXPECT_EQ(checkout_status(c), "failed");
  c.orders[1].status = pay::domain::order_status::success;
  EXPECT_EQ(checkout_status(c), "succeeded");
}

TEST(render_test, amounts_leave_as_decimal_strings) {
  pay::order_view o;
  o.amount_minor = 1005;
  o.currency = "BHD";
  auto body = render_order(o);
  EXPECT_NE(body.find(R"("amount":"1.005")"), std::string::npos) << body;
}

}  // namespace
