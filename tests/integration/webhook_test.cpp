// Pending payments and the PSP's signed webhooks, against the real pspsim:
// 3-D Secure and review that finish by webhook or by poll (the same single
// transition either way), every way a webhook's signature can be wrong, the
// clock's edges, duplicates and drops.

#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "domain/payin/webhook_signature.hpp"
#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

constexpr const char* secret =
  "whsec_pspsim";  // pspsim's and paymentd's default

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

class webhooks : public integration {
 protected:
  void TearDown() override {
    sim().post("/sim/faults", "{}", "application/json");
    integration::TearDown();
  }

  checkout_spec one_order(const std::string& name, const std::string& token) {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.psp_token = token;
    spec.orders.push_back(
      {unique("po_" + name), unique("seller_" + name), "25.00", "EUR"});
    // 3-D Secure waits for the buyer only when they can come back.
    if (token == "pm_card_threeDSecureRequired")
      spec.return_url = status_page_url(spec.checkout_id);
    return spec;
  }

  // Polls GET /v1/payments/{id} until `status`; returns the order.
  boost::json::object wait_for_status(const std::string& id,
                                      const std::string& status,
                                      std::uint32_t timeout_ms = 10'000) {
    auto deadline = std::chrono::steady_clock::now()
                    + std::chrono::milliseconds{timeout_ms};
    boost::json::object last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto v = json_of(api().get("/v1/payments/" + id));
      if (v.is_object()) {
        last = v.as_object();
        if (string_at(last, {"status"}) == status) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    ADD_FAILURE() << id << " never reached " << status << ": "
                  << boost::json::serialize(last);
    return last;
  }

  std::string pending_intent(const checkout_spec& spec) {
    EXPECT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
    auto order = wait_for_status(spec.orders[0].payment_order_id, "PENDING");
    return string_at(order, {"psp_reference"});
  }

  std::int64_t transitions(const std::string& id, const std::string& to) {
    return query_int(database_url(),
                     "SELECT count(*) FROM payment_order_history WHERE"
                     " payment_order_id = $1 AND to_status = '"
                       + to + "'",
                     id);
  }

  std::int64_t webhook_rows() {
    return query_int(database_url(),
                     "SELECT count(*) FROM webhook_event WHERE $1 = $1", "x");
  }

  http::sync_result post_webhook(const std::string& body,
                                 const std::string& signature) {
    header_list headers;
    if (!signature.empty()) headers.push_back({"Stripe-Signature", signature});
    return api().post("/v1/webhooks/psp", body, "application/json", headers);
  }

  std::string event_about(const std::string& order_id,
                          const std::string& event_id) {
    return R"({"id":")" + event_id
           + R"(","object":"event","type":"payment_intent.succeeded",)"
             R"("data":{"object":{"id":"pi_x","metadata":{"payment_order_id":")"
           + order_id + R"("}}}})";
  }
};

TEST_F(webhooks,
       three_d_secure_token_without_return_url_fails_at_once_uncharged) {
  auto spec = one_order("3ds_no_return", "pm_card_threeDSecureRequired");
  spec.return_url.clear();
  const auto& id = spec.orders[0].payment_order_id;
  auto r = post_payment_and_wait(api(), checkout_body(spec));
  ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  auto checkout = json_of(r);
  EXPECT_EQ(string_at(checkout, {"status"}), "failed");
  auto order = json_of(api().get("/v1/payments/" + id));
  EXPECT_EQ(string_at(order, {"status"}), "FAILED");
  EXPECT_EQ(string_at(order, {"failure_code"}), "authentication_required");
  EXPECT_EQ(string_at(order, {"redirect_url"}), "<null>");
  // Declined by the PSP at once: never PENDING, nobody charged or credited.
  EXPECT_EQ(transitions(id, "PENDING"), 0);
  EXPECT_EQ(charges_of(id), 0u);
  EXPECT_EQ(sim_idempotency_keys(sim()).at(id), 0);
  EXPECT_EQ(
    api().get("/v1/wallets/" + spec.orders[0].seller_account).res.result_int(),
    404u);
}

TEST_F(webhooks,
       three_d_secure_token_with_return_url_waits_on_the_psps_challenge_page) {
  auto spec = one_order("3ds_redirect", "pm_card_threeDSecureRequired");
  const auto& id = spec.orders[0].payment_order_id;
  auto intent = pending_intent(spec);
  ASSERT_FALSE(intent.empty());
  auto order = json_of(api().get("/v1/payments/" + id));
  EXPECT_EQ(string_at(order, {"status"}), "PENDING");
  // The buyer is sent to pspsim's 3-D Secure page of the intent.
  const auto redirect = string_at(order, {"redirect_url"});
  const auto page = "http://127.0.0.1:" + std::to_string(stack().pspsim_port())
                    + "/authenticate/" + intent;
  EXPECT_EQ(redirect.substr(0, page.size()), page) << redirect;
  EXPECT_EQ(charges_of(id), 0u);
  // The buyer passes the challenge there and comes back to the return_url.
  ASSERT_NE(redirect.find("/authenticate/"), std::string::npos) << redirect;
  auto challenge = redirect.substr(redirect.find("/authenticate/"));
  auto shown = sim().get(challenge);
  EXPECT_EQ(shown.res.result_int(), 200u) << shown.res.body();
  EXPECT_NE(shown.res.body().find("challenge-complete"), std::string::npos);
  auto done = sim().post(challenge, "result=complete",
                         "application/x-www-form-urlencoded");
  ASSERT_EQ(done.res.result_int(), 303u) << done.res.body();
  const auto back = header_of(done, "Location");
  EXPECT_EQ(back.rfind(spec.return_url, 0), 0u) << back;
  EXPECT_NE(back.find("redirect_status=succeeded"), std::string::npos) << back;
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  EXPECT_EQ(string_at(json_of(api().get("/v1/payments/" + id)), {"status"}),
            "SUCCESS");
  EXPECT_EQ(transitions(id, "SUCCESS"), 1);
  EXPECT_EQ(charges_of(id), 1u);
}

TEST_F(webhooks,
       three_d_secure_order_waits_pending_and_succeeds_once_when_completed) {
  auto spec = one_order("3ds_ok", "pm_card_threeDSecureRequired");
  const auto& id = spec.orders[0].payment_order_id;
  auto intent = pending_intent(spec);
  ASSERT_FALSE(intent.empty());
  auto done = sim().post("/sim/payment_intents/" + intent
                           + "/complete_action?result=succeed",
                         "", "application/x-www-form-urlencoded");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  EXPECT_EQ(string_at(json_of(api().get("/v1/payments/" + id)), {"status"}),
            "SUCCESS");
  // The webhook and the poll both asked; one transition happened.
  EXPECT_EQ(transitions(id, "PENDING"), 1);
  EXPECT_EQ(transitions(id, "SUCCESS"), 1);
  EXPECT_EQ(charges_of(id), 1u);
}

TEST_F(webhooks,
       failed_three_d_secure_challenge_fails_the_order_with_its_code) {
  auto spec = one_order("3ds_fail", "pm_card_threeDSecureRequired");
  const auto& id = spec.orders[0].payment_order_id;
  auto intent = pending_intent(spec);
  sim().post("/sim/payment_intents/" + intent + "/complete_action?result=fail",
             "", "application/x-www-form-urlencoded");
  auto order = wait_for_status(id, "FAILED");
  EXPECT_EQ(string_at(order, {"failure_code"}),
            "payment_intent_authentication_failure");
  EXPECT_EQ(transitions(id, "FAILED"), 1);
}

TEST_F(webhooks, psp_review_rejected_fails_and_approved_succeeds) {
  auto rejected = one_order("review_no", "pm_card_review");
  auto approved = one_order("review_yes", "pm_card_review");
  auto rejected_intent = pending_intent(rejected);
  auto approved_intent = pending_intent(approved);
  sim().post("/sim/payment_intents/" + rejected_intent
               + "/review?result=reject",
             "", "application/x-www-form-urlencoded");
  sim().post("/sim/payment_intents/" + approved_intent
               + "/review?result=approve",
             "", "application/x-www-form-urlencoded");
  auto no = wait_for_status(rejected.orders[0].payment_order_id, "FAILED");
  EXPECT_EQ(string_at(no, {"failure_code"}), "fraudulent");
  wait_for_status(approved.orders[0].payment_order_id, "SUCCESS");
  ASSERT_TRUE(wait_until_settled(api(), approved.checkout_id).settled);
}

TEST_F(webhooks, dropped_webhooks_are_recovered_by_polling) {
  sim().post("/sim/faults", R"({"seed": 11, "webhook_drop": 1})",
             "application/json");
  auto spec = one_order("dropped", "pm_card_threeDSecureRequired");
  auto intent = pending_intent(spec);
  sim().post("/sim/payment_intents/" + intent
               + "/complete_action?result=succeed",
             "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id, 20'000).settled);
  auto events = json_of(sim().get("/sim/webhooks"));
  bool dropped = false;
  for (const auto& e : events.at("data").as_array())
    dropped = dropped || string_at(e.as_object(), {"state"}) == "dropped";
  EXPECT_TRUE(dropped) << "no webhook was dropped: the test proved nothing";
}

TEST_F(webhooks,
       reordered_and_duplicated_events_move_the_order_once_and_forward) {
  // Every event is held back until the next one of its intent arrived, and
  // every event is delivered twice: requires_action lands after succeeded.
  sim().post("/sim/faults",
             R"({"seed": 12, "webhook_reorder": 1, "webhook_duplicate": 1})",
             "application/json");
  auto spec = one_order("reorder", "pm_card_threeDSecureRequired");
  const auto& id = spec.orders[0].payment_order_id;
  auto intent = pending_intent(spec);
  sim().post("/sim/payment_intents/" + intent
               + "/complete_action?result=succeed",
             "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  // Let the held and duplicated deliveries arrive after the order is final.
  std::this_thread::sleep_for(std::chrono::milliseconds{1'500});
  EXPECT_EQ(string_at(json_of(api().get("/v1/payments/" + id)), {"status"}),
            "SUCCESS");
  EXPECT_EQ(transitions(id, "PENDING"), 1);
  EXPECT_EQ(transitions(id, "SUCCESS"), 1);
  auto faults = json_of(sim().get("/sim/faults"));
  EXPECT_GE(
    faults.at("injected").at("webhook_reorder").to_number<std::int64_t>(), 1)
    << "nothing was reordered: the test proved nothing";
  EXPECT_EQ(charges_of(id), 1u);
}

TEST_F(webhooks, duplicate_deliveries_are_answered_and_change_nothing) {
  auto spec = one_order("dup", "pm_card_threeDSecureRequired");
  const auto& id = spec.orders[0].payment_order_id;
  auto intent = pending_intent(spec);
  auto body = event_about(id, unique("evt_dup"));
  auto first = post_webhook(body, domain::sign_webhook(secret, now_s(), body));
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  EXPECT_EQ(string_at(json_of(first), {"outcome"}), "applied");
  auto again = post_webhook(body, domain::sign_webhook(secret, now_s(), body));
  ASSERT_EQ(again.res.result_int(), 200u);
  EXPECT_EQ(string_at(json_of(again), {"outcome"}), "duplicate");
  // The event said "succeeded"; the PSP says it still waits: the PSP wins.
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  EXPECT_EQ(string_at(json_of(api().get("/v1/payments/" + id)), {"status"}),
            "PENDING");
  // Finish it, so the invariants after the test find nothing pending.
  sim().post("/sim/payment_intents/" + intent + "/complete_action?result=fail",
             "", "application/x-www-form-urlencoded");
  wait_for_status(id, "FAILED");
}

TEST_F(webhooks, event_about_no_order_of_ours_is_acknowledged_and_ignored) {
  auto body = R"({"id":")" + unique("evt_other")
              + R"(","type":"payout.paid","data":{"object":{"id":"po_1"}}})";
  auto r = post_webhook(body, domain::sign_webhook(secret, now_s(), body));
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"outcome"}), "ignored");
}

struct bad_signature {
  const char* name;
  std::function<std::string(const std::string& body)> header;
  std::string body_suffix;  // appended after signing: a tampered body
  const char* code;
};

TEST_F(webhooks, every_bad_signature_is_refused_with_400_and_changes_nothing) {
  auto t = now_s();
  const bad_signature cases[] = {
    {"missing", [](const std::string&) { return std::string{}; }, "",
     "webhook_missing_header"},
    {"malformed", [](const std::string&) { return std::string{"v1=abc"}; }, "",
     "webhook_malformed_header"},
    {"not a number",
     [](const std::string&) { return std::string{"t=x,v1=ab"}; }, "",
     "webhook_malformed_header"},
    {"no v1",
     [t](const std::string& b) {
       return "t=" + std::to_string(t)
              + ",v0=" + domain::webhook_signature_hex(secret, t, b);
     },
     "", "webhook_no_v1_signature"},
    {"wrong secret",
     [t](const std::string& b) {
       return domain::sign_webhook("whsec_wrong", t, b);
     },
     "", "webhook_signature_mismatch"},
    {"tampered body",
     [t](const std::string& b) { return domain::sign_webhook(secret, t, b); },
     " ", "webhook_signature_mismatch"},
    {"tampered timestamp",
     [t](const std::string& b) {
       auto good = domain::webhook_signature_hex(secret, t, b);
       return "t=" + std::to_string(t + 1) + ",v1=" + good;
     },
     "", "webhook_signature_mismatch"},
    {"301 s old",
     [t](const std::string& b) {
       return domain::sign_webhook(secret, t - 301, b);
     },
     "", "webhook_timestamp_outside_tolerance"},
    {"301 s ahead",
     [t](const std::string& b) {
       return domain::sign_webhook(secret, t + 301, b);
     },
     "", "webhook_timestamp_outside_tolerance"},
  };
  auto before = webhook_rows();
  for (const auto& c : cases) {
    auto body = event_about(unique("po_nobody"), unique("evt_bad"));
    auto header = c.header(body);
    auto r = post_webhook(body + c.body_suffix, header);
    EXPECT_EQ(r.res.result_int(), 400u) << c.name << ": " << r.res.body();
    EXPECT_EQ(string_at(json_of(r), {"error", "code"}), c.code) << c.name;
    EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "Stripe-Signature")
      << c.name;
  }
  EXPECT_EQ(webhook_rows(), before);
  auto metrics = api().get("/metrics").res.body();
  EXPECT_NE(metrics.find("paymentd_webhook_verification_failures_total{reason="
                         "\"signature_mismatch\"}"),
            std::string::npos);
}

TEST_F(webhooks, signatures_299_seconds_off_either_way_are_accepted) {
  auto t = now_s();
  for (auto skew : {-299, 299}) {
    auto body = event_about(unique("po_nobody"),
                            unique("evt_skew" + std::to_string(skew + 300)));
    auto r = post_webhook(body, domain::sign_webhook(secret, t + skew, body));
    EXPECT_EQ(r.res.result_int(), 200u) << skew << ": " << r.res.body();
  }
}

TEST_F(webhooks, second_signature_of_a_rotation_is_accepted) {
  auto body = event_about(unique("po_nobody"), unique("evt_rotation"));
  auto t = now_s();
  auto header = "t=" + std::to_string(t)
                + ",v1=" + domain::webhook_signature_hex("whsec_old", t, body)
                + ",v1=" + domain::webhook_signature_hex(secret, t, body);
  EXPECT_EQ(post_webhook(body, header).res.result_int(), 200u);
}

}  // namespace
}  // namespace pay::it
