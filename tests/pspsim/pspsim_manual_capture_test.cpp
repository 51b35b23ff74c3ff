// Manual capture on PaymentIntents, black-box against the real pspsim
// process: authorize (capture_method=manual), capture in full or in part,
// cancel, the refusals Stripe answers (payment_intent_unexpected_state with
// the intent), idempotent replays, and what settles: only the captured
// part, on the day of the capture.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/reconcile/settlement_csv.hpp"
#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "pspsim/utc_date.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

class manual_capture : public pspsim_suite<manual_capture> {
 public:
  static std::vector<std::string> pspsim_options() {
    // Pending cards stay pending while a test looks at them.
    return {"--processing-ms", "600000", "--three-ds-ms", "600000"};
  }

 protected:
  static http::form_fields manual(const std::string& card = "pm_card_visa",
                                  const std::string& amount = "1000") {
    auto fields = with_card(visa_payment(amount), card);
    fields.emplace_back("capture_method", "manual");
    return fields;
  }
  // A manual-capture intent in requires_capture.
  std::string authorize(const std::string& amount = "1000",
                        const std::string& key = {}) {
    const auto r = post("/v1/payment_intents", manual("pm_card_visa", amount),
                        key);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    EXPECT_EQ(json_of(r).at("status"), "requires_capture");
    return id_of(r);
  }
  http::sync_result capture(const std::string& id,
                            const http::form_fields& fields = {},
                            const std::string& key = {}) {
    return post("/v1/payment_intents/" + id + "/capture", fields, key);
  }
  http::sync_result cancel(const std::string& id,
                           const http::form_fields& fields = {},
                           const std::string& key = {}) {
    return post("/v1/payment_intents/" + id + "/cancel", fields, key);
  }
  boost::json::object intent(const std::string& id) {
    return json_of(get("/v1/payment_intents/" + id));
  }
  boost::json::object amounts(const std::string& id) {
    return json_of(client_->get("/sim/payment_intents/" + id));
  }
  boost::json::object stats() { return json_of(client_->get("/sim/stats")); }
  boost::json::array sim_charges() {
    return json_of(client_->get("/sim/charges")).at("data").as_array();
  }
  // The charge lines of a day's settlement file.
  std::vector<domain::settlement_line> charge_lines(std::int64_t unix_s) {
    const auto r = get("/v1/settlement_files/" + utc_date_of(unix_s));
    const auto parsed = domain::parse_settlement_csv(r.res.body());
    EXPECT_EQ(parsed.error, "") << r.res.body();
    std::vector<domain::settlement_line> out;
    for (const auto& line : parsed.file.lines) {
      if (line.type == domain::settlement_type::charge) out.push_back(line);
    }
    return out;
  }
  // Refused with payment_intent_unexpected_state, the intent embedded in
  // `status`.
  static void expect_unexpected_state(const http::sync_result& r,
                                      const std::string& id,
                                      const std::string& status) {
    ASSERT_EQ(r.res.result_int(), 400u) << r.res.body();
    const auto error = json_of(r).at("error").as_object();
    EXPECT_EQ(error.at("type"), "invalid_request_error");
    EXPECT_EQ(error.at("code"), "payment_intent_unexpected_state");
    EXPECT_NE(std::string(error.at("message").as_string()).find(status),
              std::string::npos);
    EXPECT_EQ(error.at("payment_intent").at("id"), id.c_str());
    EXPECT_EQ(error.at("payment_intent").at("status"), status.c_str());
  }
};

TEST_F(manual_capture,
       manual_capture_authorizes_then_captures_the_whole_amount) {
  const auto created = post("/v1/payment_intents", manual());
  ASSERT_EQ(created.res.result_int(), 200u) << created.res.body();
  const auto pi = json_of(created);
  const std::string id(pi.at("id").as_string());
  EXPECT_EQ(pi.at("status"), "requires_capture");
  EXPECT_EQ(pi.at("capture_method"), "manual");
  EXPECT_EQ(pi.at("amount_capturable"), 1000);
  EXPECT_EQ(pi.at("amount_received"), 0);
  EXPECT_TRUE(pi.at("canceled_at").is_null());
  EXPECT_TRUE(pi.at("cancellation_reason").is_null());
  const auto& charge = pi.at("charges").at("data").at(0).as_object();
  EXPECT_EQ(charge.at("captured"), false);
  EXPECT_EQ(charge.at("amount_captured"), 0);
  EXPECT_EQ(charge.at("status"), "succeeded");

  const auto captured = capture(id);
  ASSERT_EQ(captured.res.result_int(), 200u) << captured.res.body();
  const auto after = json_of(captured);
  EXPECT_EQ(after.at("status"), "succeeded");
  EXPECT_EQ(after.at("amount_received"), 1000);
  EXPECT_EQ(after.at("amount_capturable"), 0);
  EXPECT_EQ(intent(id), after);
  EXPECT_EQ(after.at("charges").at("data").at(0).at("captured"), true);
  const auto charges = sim_charges();
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(charges[0].at("amount"), 1000);
  EXPECT_EQ(charges[0].at("amount_captured"), 1000);
  EXPECT_EQ(charges[0].at("captured"), true);
  const auto s = stats();
  EXPECT_EQ(s.at("authorizations"), 1);
  EXPECT_EQ(s.at("captures"), 1);
  EXPECT_EQ(s.at("captured_minor"), 1000);
}

TEST_F(manual_capture, partial_capture_takes_part_and_releases_the_rest) {
  const std::string id = authorize("1000");
  const auto r = capture(id, {{"amount_to_capture", "600"}});
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("status"), "succeeded");
  EXPECT_EQ(json_of(r).at("amount_received"), 600);
  EXPECT_EQ(json_of(r).at("amount_capturable"), 0);
  const auto money = amounts(id);
  EXPECT_EQ(money.at("amount_authorized"), 1000);
  EXPECT_EQ(money.at("amount_captured"), 600);
  EXPECT_EQ(money.at("amount_released"), 400);
  EXPECT_EQ(money.at("amount_capturable"), 0);
  EXPECT_TRUE(money.at("captured_at").is_int64());
  // The released rest cannot be captured afterwards.
  expect_unexpected_state(capture(id, {{"amount_to_capture", "400"}}), id,
                          "succeeded");
  EXPECT_EQ(stats().at("captured_minor"), 600);
}

TEST_F(manual_capture,
       capture_replays_under_its_key_and_refuses_other_parameters) {
  const std::string id = authorize();
  const auto first = capture(id, {{"amount_to_capture", "600"}}, "cap-1");
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  EXPECT_EQ(header_of(first, "Idempotency-Key"), "cap-1");
  const auto replay = capture(id, {{"amount_to_capture", "600"}}, "cap-1");
  ASSERT_EQ(replay.res.result_int(), 200u) << replay.res.body();
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), first.res.body());
  const auto conflict = capture(id, {{"amount_to_capture", "500"}}, "cap-1");
  ASSERT_EQ(conflict.res.result_int(), 400u);
  EXPECT_EQ(error_field(conflict, "type"), "idempotency_error");
  EXPECT_EQ(error_field(conflict, "code"), "idempotency_key_reused");
  const auto s = stats();
  EXPECT_EQ(s.at("captures"), 1);
  EXPECT_EQ(s.at("captured_minor"), 600);
  EXPECT_EQ(s.at("double_captures"), 0);
}

TEST_F(manual_capture,
       a_second_capture_is_refused_and_double_captures_stays_zero) {
  const std::string id = authorize();
  ASSERT_EQ(capture(id).res.result_int(), 200u);
  expect_unexpected_state(capture(id), id, "succeeded");
  // A second key is a second request, refused the same way.
  expect_unexpected_state(capture(id, {}, "cap-other"), id, "succeeded");
  const auto s = stats();
  EXPECT_EQ(s.at("captures"), 1);
  EXPECT_EQ(s.at("captures_refused"), 2);
  EXPECT_EQ(s.at("double_captures"), 0);
  EXPECT_EQ(sim_charges()[0].at("amount_captured"), 1000);
}

TEST_F(manual_capture, cancel_releases_an_authorization_and_charges_nothing) {
  const std::string id = authorize();
  const auto r = cancel(id, {{"cancellation_reason", "requested_by_customer"}});
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto pi = json_of(r);
  EXPECT_EQ(pi.at("status"), "canceled");
  EXPECT_EQ(pi.at("cancellation_reason"), "requested_by_customer");
  EXPECT_TRUE(pi.at("canceled_at").is_int64());
  EXPECT_EQ(pi.at("amount_capturable"), 0);
  EXPECT_EQ(pi.at("amount_received"), 0);
  const auto money = amounts(id);
  EXPECT_EQ(money.at("amount_captured"), 0);
  EXPECT_EQ(money.at("amount_released"), 1000);
  EXPECT_EQ(sim_charges()[0].at("captured"), false);
  EXPECT_EQ(stats().at("cancels"), 1);
}

TEST_F(manual_capture, cancel_without_a_reason_leaves_it_null) {
  const std::string id = authorize();
  const auto r = cancel(id);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_TRUE(json_of(r).at("cancellation_reason").is_null());
}

TEST_F(manual_capture, cancel_after_capture_is_refused_with_the_intent) {
  const std::string id = authorize();
  ASSERT_EQ(capture(id).res.result_int(), 200u);
  expect_unexpected_state(cancel(id), id, "succeeded");
  EXPECT_EQ(intent(id).at("amount_received"), 1000);
}

TEST_F(manual_capture, capture_after_cancel_is_refused_with_the_intent) {
  const std::string id = authorize();
  ASSERT_EQ(cancel(id).res.result_int(), 200u);
  expect_unexpected_state(capture(id), id, "canceled");
  expect_unexpected_state(cancel(id), id, "canceled");
  EXPECT_EQ(stats().at("captures"), 0);
}

TEST_F(manual_capture, capturing_an_intent_never_authorized_is_refused) {
  const auto declined = post("/v1/payment_intents",
                             manual("pm_card_chargeDeclined"));
  ASSERT_EQ(declined.res.result_int(), 402u);
  const std::string id = intent_id_of(declined);
  expect_unexpected_state(capture(id), id, "requires_payment_method");
  // An automatic intent has nothing left to capture.
  const std::string automatic = id_of(
    post("/v1/payment_intents", visa_payment()));
  expect_unexpected_state(capture(automatic), automatic, "succeeded");
}

TEST_F(manual_capture, amount_to_capture_outside_one_to_capturable_is_refused) {
  const std::string id = authorize("1000");
  for (const std::string amount : {"0", "1001", "-5", "12.5", "abc", ""}) {
    const auto r = capture(id, {{"amount_to_capture", amount}});
    ASSERT_EQ(r.res.result_int(), 400u) << amount;
    EXPECT_EQ(error_field(r, "type"), "invalid_request_error");
    EXPECT_EQ(error_field(r, "code"), "parameter_invalid_integer") << amount;
    EXPECT_EQ(error_field(r, "param"), "amount_to_capture");
  }
  EXPECT_EQ(intent(id).at("status"), "requires_capture");
  EXPECT_EQ(capture(id, {{"amount_to_capture", "1000"}}).res.result_int(),
            200u);
}

TEST_F(manual_capture, an_unknown_intent_is_resource_missing) {
  for (const auto& r : {capture("pi_nobody"), cancel("pi_nobody")}) {
    ASSERT_EQ(r.res.result_int(), 404u);
    EXPECT_EQ(error_field(r, "code"), "resource_missing");
  }
}

TEST_F(manual_capture, cancel_is_refused_while_processing) {
  const auto r = post("/v1/payment_intents", manual("pm_card_processing"));
  const std::string id = id_of(r);
  expect_unexpected_state(cancel(id), id, "processing");
}

TEST_F(manual_capture,
       a_declined_intent_and_an_open_challenge_can_be_canceled) {
  const std::string declined = intent_id_of(
    post("/v1/payment_intents",
         with_card(visa_payment(), "pm_card_chargeDeclined")));
  const auto a = cancel(declined, {{"cancellation_reason", "abandoned"}});
  ASSERT_EQ(a.res.result_int(), 200u) << a.res.body();
  EXPECT_EQ(json_of(a).at("status"), "canceled");
  const std::string challenge = id_of(
    post("/v1/payment_intents", manual("pm_card_threeDSecureRequired")));
  EXPECT_EQ(stats().at("processing"), 1);
  const auto b = cancel(challenge, {{"cancellation_reason", "duplicate"}});
  ASSERT_EQ(b.res.result_int(), 200u) << b.res.body();
  EXPECT_TRUE(json_of(b).at("next_action").is_null());
  EXPECT_EQ(stats().at("processing"), 0);
  // Its 3-D Secure can no longer complete.
  EXPECT_EQ(client_
              ->post("/sim/payment_intents/" + challenge
                       + "/complete_action?result=succeed",
                     "", "text/plain")
              .res.result_int(),
            409u);
}

TEST_F(manual_capture, cancel_replays_under_its_key) {
  const std::string id = authorize();
  const auto first = cancel(id, {{"cancellation_reason", "fraudulent"}}, "c-1");
  ASSERT_EQ(first.res.result_int(), 200u);
  const auto replay = cancel(id, {{"cancellation_reason", "fraudulent"}},
                             "c-1");
  ASSERT_EQ(replay.res.result_int(), 200u);
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), first.res.body());
  EXPECT_EQ(error_field(cancel(id, {}, "c-1"), "code"),
            "idempotency_key_reused");
  EXPECT_EQ(stats().at("cancels"), 1);
}

TEST_F(manual_capture, capture_method_is_checked_and_echoed) {
  EXPECT_EQ(
    json_of(post("/v1/payment_intents", visa_payment())).at("capture_method"),
    "automatic");
  const auto async = post("/v1/payment_intents",
                          with_value(visa_payment(), "capture_method",
                                     "automatic_async"));
  ASSERT_EQ(async.res.result_int(), 200u) << async.res.body();
  EXPECT_EQ(json_of(async).at("capture_method"), "automatic_async");
  EXPECT_EQ(json_of(async).at("status"), "succeeded");
  EXPECT_EQ(json_of(async).at("amount_received"), 1000);
  const auto bad = post("/v1/payment_intents",
                        with_value(visa_payment(), "capture_method", "later"),
                        "cm-bad");
  ASSERT_EQ(bad.res.result_int(), 400u);
  EXPECT_EQ(error_field(bad, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(bad, "param"), "capture_method");
  EXPECT_EQ(stats().at("intents"), 2);
}

TEST_F(manual_capture, a_three_ds_authorization_then_waits_for_its_capture) {
  const std::string id = id_of(
    post("/v1/payment_intents", manual("pm_card_threeDSecureRequired")));
  const auto done = client_->post("/sim/payment_intents/" + id
                                    + "/complete_action?result=succeed",
                                  "", "text/plain");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  EXPECT_EQ(json_of(done).at("status"), "requires_capture");
  EXPECT_EQ(capture(id).res.result_int(), 200u);
}

TEST_F(manual_capture, refunding_an_uncaptured_intent_is_refused) {
  const std::string id = authorize();
  const auto r = post("/v1/refunds", {{"payment_intent", id}});
  ASSERT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(r, "code"), "charge_not_refundable");
  EXPECT_EQ(error_field(r, "param"), "payment_intent");
}

TEST_F(manual_capture, refunds_reach_only_the_captured_amount) {
  const std::string id = authorize("1000");
  ASSERT_EQ(capture(id, {{"amount_to_capture", "600"}}).res.result_int(), 200u);
  const auto over = post("/v1/refunds",
                         {{"payment_intent", id}, {"amount", "601"}});
  EXPECT_EQ(error_field(over, "code"), "amount_too_large");
  const auto all = post("/v1/refunds", {{"payment_intent", id}});
  ASSERT_EQ(all.res.result_int(), 200u) << all.res.body();
  EXPECT_EQ(json_of(all).at("amount"), 600);
}

TEST_F(manual_capture, capture_and_cancel_expand_the_latest_charge) {
  const std::string id = authorize();
  const auto r = capture(id, {{"expand[]", "latest_charge"}});
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto charge = json_of(r).at("latest_charge").as_object();
  EXPECT_EQ(charge.at("object"), "charge");
  EXPECT_EQ(charge.at("captured"), true);
  EXPECT_EQ(charge.at("amount_captured"), 1000);
  const std::string other = authorize();
  const auto c = cancel(other, {{"expand[0]", "latest_charge"}});
  ASSERT_EQ(c.res.result_int(), 200u) << c.res.body();
  EXPECT_EQ(json_of(c).at("latest_charge").at("captured"), false);
  // The refusal embeds the intent expanded too.
  const auto refused = capture(other, {{"expand[]", "latest_charge"}});
  EXPECT_TRUE(json_of(refused)
                .at("error")
                .at("payment_intent")
                .at("latest_charge")
                .is_object());
}

TEST_F(manual_capture, settlement_lists_only_the_captured_part_on_its_day) {
  const std::int64_t day1 = now();
  const std::string captured = authorize("1000");
  const std::string canceled = authorize("2000");
  authorize("3000");  // never captured
  ASSERT_EQ(cancel(canceled).res.result_int(), 200u);
  EXPECT_TRUE(charge_lines(day1).empty());
  advance_clock(*client_, 86'400);
  const std::int64_t day2 = now();
  ASSERT_EQ(capture(captured, {{"amount_to_capture", "600"}}).res.result_int(),
            200u);
  EXPECT_TRUE(charge_lines(day1).empty());
  const auto lines = charge_lines(day2);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].psp_reference, captured);
  EXPECT_EQ(lines[0].gross_minor, 600);
  // The balance transactions say the same.
  const auto txns = json_of(
                      get("/v1/balance_transactions?limit=100&type=charge"))
                      .at("data")
                      .as_array();
  ASSERT_EQ(txns.size(), 1u);
  EXPECT_EQ(txns[0].at("amount"), 600);
  EXPECT_GE(txns[0].at("created").as_int64(), day2 - 5);
}

}  // namespace
}  // namespace pay::pspsim
