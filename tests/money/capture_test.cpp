// Authorize now, capture on fulfilment, and the card rules, against the real
// paymentd, pspsim and PostgreSQL: a held authorization books nothing, a
// fulfilment captures all or part (the rest released), a cancel voids, an
// authorization nobody captures voids itself, and the risk test cards end
// where the rules say. The fixture checks the invariants after every test:
// nothing captured twice, nothing captured after a void, never more than
// authorized.

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/money/money_fixture.hpp"
#include "tests/money/own_world.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;

class capture : public money_test {
 protected:
  // One order of `amount` USD for a connected seller; "on_fulfillment" or
  // "immediate". Returns the order id once the checkout's first answer is in.
  std::string order(const std::string& name, const std::string& amount,
                    const std::string& capture_method,
                    const std::string& token = "pm_card_visa") {
    connect(seller(name));
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.psp_token = token;
    spec.orders.push_back({unique("po_" + name), seller(name), amount, "USD"});
    auto body = checkout_json(spec);
    body["capture"] = capture_method;
    auto r = post_payment_and_wait(api(), json::serialize(body));
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.res.result_int(), 201u) << r.res.body();
    return spec.orders[0].payment_order_id;
  }

  std::string seller(const std::string& name) const {
    return unique("acct_" + name);
  }

  json::value payment(const std::string& id) {
    return json_of(api().get("/v1/payments/" + id));
  }

  // Polls GET /v1/payments/{id} until the order is `status` (10 s).
  json::value wait_status(const std::string& id, const std::string& status) {
    json::value v;
    for (int i = 0; i < 500; ++i) {
      v = payment(id);
      if (string_at(v, {"status"}) == status) return v;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    ADD_FAILURE() << id << " never reached " << status << ": "
                  << json::serialize(v);
    return v;
  }

  // pspsim's view of the order's intent: authorized, captured, released.
  json::value intent(const std::string& order_id) {
    auto pi = string_at(payment(order_id), {"psp_reference"});
    return json_of(sim().get("/sim/payment_intents/" + pi));
  }

  http::sync_result settle_call(const std::string& id, const std::string& what,
                                const std::string& body = "") {
    return api().post("/v1/payment_orders/" + id + "/" + what, body,
                      "application/json");
  }

  std::int64_t payins_booked(const std::string& id) {
    return count(
      "SELECT count(*) FROM ledger_transaction"
      " WHERE kind = 'payin' AND reference = $1",
      id);
  }
};

TEST_F(capture, an_authorization_holds_the_money_and_books_nothing) {
  auto id = order("hold", "50.00", "on_fulfillment");
  auto v = wait_status(id, "AUTHORIZED");
  EXPECT_EQ(string_at(v, {"authorized_amount"}), "50.00");
  EXPECT_TRUE(v.at("captured_amount").is_null());
  EXPECT_EQ(payins_booked(id), 0);
  EXPECT_EQ(count("SELECT count(*) FROM wallet_credit"
                  " WHERE payment_order_id = $1",
                  id),
            0);
  auto at_psp = intent(id);
  EXPECT_EQ(at_psp.at("amount_authorized"), json::value(5000));
  EXPECT_EQ(at_psp.at("amount_captured"), json::value(0));
  auto checkout = json_of(api().get("/v1/checkouts/" + unique("co_hold")));
  EXPECT_EQ(string_at(checkout, {"status"}), "authorized");
  EXPECT_EQ(string_at(checkout, {"capture"}), "on_fulfillment");
}

TEST_F(capture, fulfilment_captures_everything_and_books_it) {
  auto id = order("full", "50.00", "on_fulfillment");
  wait_status(id, "AUTHORIZED");
  auto r = settle_call(id, "fulfill");
  ASSERT_EQ(r.res.result_int(), 202u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"status"}), "CAPTURING");
  auto v = wait_status(id, "SUCCESS");
  EXPECT_EQ(string_at(v, {"captured_amount"}), "50.00");
  EXPECT_EQ(payins_booked(id), 1);
  EXPECT_EQ(intent(id).at("amount_captured"), json::value(5000));
  // The fulfilment is the pay-out release condition too.
  EXPECT_EQ(count("SELECT count(*) FROM payment_order"
                  " WHERE payment_order_id = $1 AND fulfilled_at IS NOT NULL",
                  id),
            1);
}

TEST_F(capture, a_partial_fulfilment_captures_part_and_releases_the_rest) {
  auto id = order("part", "50.00", "on_fulfillment");
  wait_status(id, "AUTHORIZED");
  auto r = settle_call(id, "fulfill", R"({"amount":"30.00"})");
  ASSERT_EQ(r.res.result_int(), 202u) << r.res.body();
  auto v = wait_status(id, "SUCCESS");
  EXPECT_EQ(string_at(v, {"amount"}), "30.00");
  EXPECT_EQ(string_at(v, {"captured_amount"}), "30.00");
  EXPECT_EQ(string_at(v, {"authorized_amount"}), "50.00");
  auto at_psp = intent(id);
  EXPECT_EQ(at_psp.at("amount_captured"), json::value(3000));
  EXPECT_EQ(at_psp.at("amount_released"), json::value(2000));
  EXPECT_EQ(count("SELECT sum(amount_minor) FROM wallet_credit"
                  " WHERE payment_order_id = $1",
                  id),
            3000);
}

TEST_F(capture, a_fulfilment_larger_than_the_authorization_changes_nothing) {
  auto id = order("toolarge", "50.00", "on_fulfillment");
  wait_status(id, "AUTHORIZED");
  auto r = settle_call(id, "fulfill", R"({"amount":"50.01"})");
  ASSERT_EQ(r.res.result_int(), 400u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"error", "code"}), "amount_too_large");
  EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "amount");
  auto bad = settle_call(id, "fulfill", R"({"amount":"3.001"})");
  ASSERT_EQ(bad.res.result_int(), 400u) << bad.res.body();
  EXPECT_EQ(string_at(json_of(bad), {"error", "param"}), "amount");
  EXPECT_EQ(string_at(payment(id), {"status"}), "AUTHORIZED");
  EXPECT_EQ(intent(id).at("amount_captured"), json::value(0));
}

TEST_F(capture, a_cancel_voids_and_nothing_is_ever_charged) {
  auto id = order("cancel", "20.00", "on_fulfillment");
  wait_status(id, "AUTHORIZED");
  auto r = settle_call(id, "cancel");
  ASSERT_EQ(r.res.result_int(), 202u) << r.res.body();
  auto v = wait_status(id, "VOIDED");
  EXPECT_EQ(string_at(v, {"failure_code"}), "canceled");
  auto at_psp = intent(id);
  EXPECT_EQ(at_psp.at("amount_captured"), json::value(0));
  EXPECT_EQ(string_at(at_psp, {"cancellation_reason"}),
            "requested_by_customer");
  EXPECT_EQ(payins_booked(id), 0);
  // Too late to capture, and too late to cancel twice.
  auto late = settle_call(id, "fulfill");
  ASSERT_EQ(late.res.result_int(), 409u) << late.res.body();
  EXPECT_EQ(string_at(json_of(late), {"error", "code"}), "order_not_succeeded");
  EXPECT_EQ(settle_call(id, "cancel").res.result_int(), 409u);
}

TEST_F(capture,
       an_immediate_checkout_is_captured_at_once_and_shows_its_checks) {
  auto id = order("now", "12.34", "immediate");
  auto v = wait_status(id, "SUCCESS");
  EXPECT_EQ(string_at(v, {"captured_amount"}), "12.34");
  EXPECT_EQ(string_at(v, {"card_checks", "cvc_check"}), "pass");
  EXPECT_EQ(string_at(v, {"risk_level"}), "normal");
  EXPECT_TRUE(v.at("risk_score").is_int64()) << json::serialize(v);
  EXPECT_EQ(string_at(v, {"card_decision", "action"}), "capture");
  // Captured, so cancelling is too late; fulfilling only marks it.
  EXPECT_EQ(settle_call(id, "cancel").res.result_int(), 409u);
  EXPECT_EQ(fulfill(id).res.result_int(), 200u);
}

TEST_F(capture, the_highest_risk_is_voided_and_never_captured) {
  auto id = order("highest", "15.00", "immediate", "pm_card_riskLevelHighest");
  auto v = wait_status(id, "VOIDED");
  EXPECT_EQ(string_at(v, {"failure_code"}), "risk_voided");
  EXPECT_EQ(string_at(v, {"risk_level"}), "highest");
  EXPECT_EQ(string_at(v, {"card_decision", "action"}), "void");
  auto at_psp = intent(id);
  EXPECT_EQ(at_psp.at("amount_captured"), json::value(0));
  EXPECT_EQ(string_at(at_psp, {"cancellation_reason"}), "fraudulent");
}

TEST_F(capture, an_elevated_risk_waits_for_review_then_is_captured) {
  auto id = order("elevated", "15.00", "immediate",
                  "pm_card_riskLevelElevated");
  auto v = wait_status(id, "REVIEW");
  EXPECT_EQ(string_at(v, {"risk_level"}), "elevated");
  EXPECT_EQ(string_at(v, {"card_decision", "action"}), "review");
  EXPECT_EQ(string_at(v, {"authorized_amount"}), "15.00");
  auto queue = json_of(api().get("/admin/reviews", admin_auth));
  EXPECT_NE(json::serialize(queue).find(id), std::string::npos)
    << json::serialize(queue);
  auto approve = api().post(
    "/admin/reviews/" + unique("co_elevated") + "/approve",
    R"({"reason":"known buyer"})", "application/json", admin_auth);
  ASSERT_EQ(approve.res.result_int(), 200u) << approve.res.body();
  auto captured = wait_status(id, "SUCCESS");
  // What the rules decided stays on record, approved or not.
  EXPECT_EQ(string_at(captured, {"card_decision", "action"}), "review");
  EXPECT_EQ(intent(id).at("amount_captured"), json::value(1500));
}

TEST_F(capture, a_failed_cvc_check_rejected_in_review_is_voided) {
  auto id = order("cvc", "9.00", "on_fulfillment", "pm_card_cvcCheckFail");
  auto v = wait_status(id, "REVIEW");
  EXPECT_EQ(string_at(v, {"card_checks", "cvc_check"}), "fail");
  auto reject = api().post("/admin/reviews/" + unique("co_cvc") + "/reject",
                           R"({"reason":"stolen card"})", "application/json",
                           admin_auth);
  ASSERT_EQ(reject.res.result_int(), 200u) << reject.res.body();
  auto voided = wait_status(id, "VOIDED");
  EXPECT_EQ(string_at(voided, {"failure_code"}), "risk_rejected");
  EXPECT_EQ(intent(id).at("amount_captured"), json::value(0));
}

TEST_F(capture, a_hosted_page_checkout_cannot_wait_for_fulfilment) {
  auto body = checkout_json(checkout_spec{
    unique("co_hosted"), "", {{unique("po_hosted"), "acct_h", "5.00", "USD"}}});
  body["credit_card_info"] = json::object{
    {"hosted", true}, {"return_url", "https://shop.example/return"}};
  body["capture"] = "on_fulfillment";
  auto before = count_rows(database_url(), sim());
  auto r = post_payment(api(), json::serialize(body));
  ASSERT_EQ(r.res.result_int(), 400u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"error", "code"}), "capture_unsupported");
  EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "capture");
  EXPECT_EQ(count_rows(database_url(), sim()), before);
}

// The hold is short here, so the engine voids it while the test waits.
class capture_expiry : public in_a_world_of_their_own<capture> {
 protected:
  env_list pspsim_env() const override { return {}; }
  env_list paymentd_env() const override {
    return {{"PAYMENTD_CAPTURE_AUTHORIZATION_HOLD_MS", "1500"},
            {"PAYMENTD_ORDERS_WAKE_INTERVAL_MS", "100"}};
  }
};

TEST_F(capture_expiry, an_authorization_nobody_captures_voids_itself) {
  auto id = order("expiry", "25.00", "on_fulfillment");
  auto v = wait_status(id, "AUTHORIZED");
  EXPECT_FALSE(string_at(v, {"authorization_expires_at"}).empty());
  auto voided = wait_status(id, "VOIDED");
  EXPECT_EQ(string_at(voided, {"failure_code"}), "authorization_expired");
  EXPECT_EQ(intent(id).at("amount_captured"), json::value(0));
  EXPECT_EQ(settle_call(id, "fulfill").res.result_int(), 409u);
}

}  // namespace
}  // namespace pay::it

namespace pay::it {
namespace {

// A PENDING order does not wait forever: 3-D Secure nobody completes
// expires at the PSP (pspsim's clock moved past --action-expiry-s) and the
// order ends FAILED "expired", nothing charged.
class pending_expiry : public in_a_world_of_their_own<capture> {
 protected:
  env_list pspsim_env() const override {
    // The stack's simulated buyer passes the challenge after 10 minutes
    // (--three-ds-ms): it expires 5 minutes in, before that.
    return {{"PSPSIM_ACTION_EXPIRY_S", "300"}};
  }
  env_list paymentd_env() const override { return {}; }
};

TEST_F(pending_expiry, an_abandoned_three_d_secure_order_fails_expired) {
  connect(seller("abandoned"));
  checkout_spec spec{unique("co_abandoned"),
                     "pm_card_threeDSecureRequired",
                     {{unique("po_abandoned"), seller("abandoned"), "8.00",
                       "USD"}},
                     "https://shop.example/return"};
  auto r = post_payment(api(), checkout_body(spec));
  ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  const auto id = spec.orders[0].payment_order_id;
  wait_status(id, "PENDING");
  auto advanced = sim().post("/sim/clock/advance?seconds=301", "",
                             "application/json");
  ASSERT_EQ(advanced.res.result_int(), 200u) << advanced.res.body();
  auto v = wait_status(id, "FAILED");
  EXPECT_EQ(string_at(v, {"failure_code"}), "expired");
  EXPECT_EQ(payins_booked(id), 0);
}

// With no card rule that could hold or void a charge, nothing needs an
// authorization of its own: the PSP captures at once (one call), and the
// card's checks are still stored. A checkout that captures on fulfilment
// is still only authorized.
class capture_without_card_rules : public in_a_world_of_their_own<capture> {
 protected:
  env_list pspsim_env() const override { return {}; }
  env_list paymentd_env() const override {
    return {{"PAYMENTD_RISK_CARD_RULES", ""}};
  }
};

TEST_F(capture_without_card_rules,
       an_immediate_charge_is_captured_in_one_call) {
  auto id = order("once", "20.00", "immediate", "pm_card_riskLevelHighest");
  auto v = wait_status(id, "SUCCESS");
  EXPECT_EQ(string_at(v, {"captured_amount"}), "20.00");
  EXPECT_EQ(string_at(v, {"risk_level"}), "highest");
  EXPECT_EQ(string_at(v, {"card_decision", "action"}), "capture");
  EXPECT_EQ(payins_booked(id), 1);
  auto at_psp = intent(id);
  EXPECT_EQ(string_at(at_psp, {"capture_method"}), "automatic");
  EXPECT_EQ(at_psp.at("amount_captured"), json::value(2000));

  auto held = order("later", "20.00", "on_fulfillment");
  wait_status(held, "AUTHORIZED");
  EXPECT_EQ(string_at(intent(held), {"capture_method"}), "manual");
}

}  // namespace
}  // namespace pay::it
