// Signed webhooks and pending token charges, black-box: a real pspsim
// process posts to an in-process receiver that verifies every signature
// with domain::verify_webhook.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_harness.hpp"
#include "tests/pspsim/webhook_receiver.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

constexpr const char* form_type = "application/x-www-form-urlencoded";
const std::string secret = "whsec_test_secret";

struct sim_with_receiver {
  explicit sim_with_receiver(std::vector<std::string> extra = {},
                             int failures_first = 0)
      : receiver(secret, failures_first),
        sim([&] {
          std::vector<std::string> args{"--port",
                                        "0",
                                        "--webhook-url",
                                        receiver.url(),
                                        "--webhook-secret",
                                        secret,
                                        "--webhook-backoff-base-ms",
                                        "20",
                                        "--webhook-backoff-max-ms",
                                        "100"};
          args.insert(args.end(), extra.begin(), extra.end());
          return args;
        }()),
        client("127.0.0.1", sim.port()) {}

  http::sync_result charge(const std::string& token, const std::string& key) {
    const http::form_fields fields{{"amount", "700"},
                                   {"currency", "eur"},
                                   {"payment_method", token},
                                   {"confirm", "true"}};
    return client.post("/v1/payment_intents", http::form_encode(fields),
                       form_type, auth_headers(key));
  }
  boost::json::array events() {
    return json_of(client.get("/sim/webhooks")).at("data").as_array();
  }
  // Waits until every recorded event is delivered or dropped.
  boost::json::array settled_events(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      auto all = events();
      const bool settled = all.size() >= count
                           && std::all_of(all.begin(), all.end(),
                                          [](const auto& e) {
                                            const auto& state = e.at("state");
                                            return state == "delivered"
                                                   || state == "dropped";
                                          });
      if (settled || std::chrono::steady_clock::now() > deadline) return all;
      std::this_thread::sleep_for(20ms);
    }
  }

  webhook_receiver receiver;
  pspsim_process sim;
  http::sync_client client;
};

std::vector<std::string> types_of(const std::vector<received_webhook>& got) {
  std::vector<std::string> out;
  for (const auto& w : got) out.push_back(w.type);
  return out;
}

// Deliveries run concurrently: events published together may arrive in
// either order.
std::vector<std::string> sorted_types_of(
  const std::vector<received_webhook>& got) {
  auto out = types_of(got);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(pspsim_webhooks, succeeded_charge_is_delivered_signed_with_the_secret) {
  sim_with_receiver s;
  ASSERT_TRUE(s.receiver.start_error().empty());
  const auto r = s.charge("pm_card_visa", "k1");
  ASSERT_EQ(r.res.result_int(), 200u);
  const std::string intent(json_of(r).at("id").as_string());
  const auto got = s.receiver.wait_for([](const auto& v) { return !v.empty(); },
                                       5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].verified, domain::webhook_verify_result::ok)
    << got[0].signature;
  EXPECT_EQ(got[0].type, "payment_intent.succeeded");
  EXPECT_EQ(got[0].object_id, intent);
  const auto event = boost::json::parse(got[0].body).as_object();
  EXPECT_EQ(event.at("object"), "event");
  EXPECT_TRUE(event.at("created").is_int64());
  const auto recorded = s.settled_events(1);
  EXPECT_EQ(std::string(recorded[0].at("id").as_string()), got[0].event_id);
  EXPECT_EQ(recorded[0].at("state"), "delivered");
  EXPECT_EQ(recorded[0].at("last_status"), 200);
}

TEST(pspsim_webhooks, a_receiver_with_another_secret_rejects_every_event) {
  webhook_receiver other("whsec_other");
  pspsim_process sim(
    {"--port", "0", "--webhook-url", other.url()});  // default secret
  http::sync_client c("127.0.0.1", sim.port());
  c.post("/v1/payment_intents",
         "amount=100&currency=eur&payment_method=pm_card_visa&confirm=true",
         form_type, auth_headers());
  const auto got = other.wait_for([](const auto& v) { return v.size() >= 2; },
                                  5s);
  ASSERT_GE(got.size(), 2u);  // refused with 400, so retried
  EXPECT_EQ(got[0].verified, domain::webhook_verify_result::signature_mismatch);
}

TEST(pspsim_webhooks, decline_emits_payment_failed) {
  sim_with_receiver s;
  s.charge("pm_card_chargeDeclined", "k1");
  const auto got = s.receiver.wait_for([](const auto& v) { return !v.empty(); },
                                       5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, "payment_intent.payment_failed");
  EXPECT_EQ(got[0].object_status, "requires_payment_method");
}

TEST(pspsim_webhooks, delivery_is_retried_with_backoff_until_a_2xx) {
  sim_with_receiver s({}, 3);  // the first three attempts get a 500
  s.charge("pm_card_visa", "k1");
  const auto events = s.settled_events(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("state"), "delivered");
  EXPECT_EQ(events[0].at("attempts_total"), 4);
  const auto& attempts = events[0].at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(attempts[0].at("status"), 500);
  EXPECT_EQ(attempts[3].at("status"), 200);
  EXPECT_EQ(s.receiver.received().size(), 1u);
  EXPECT_EQ(s.receiver.received()[0].verified,
            domain::webhook_verify_result::ok);
}

TEST(pspsim_webhooks, delivery_survives_a_receiver_that_is_down_at_first) {
  // From the brief's port range: nothing listens there until the receiver
  // starts, as when paymentd restarts.
  constexpr std::uint16_t receiver_port = 18151;
  const std::string url = "http://127.0.0.1:" + std::to_string(receiver_port)
                          + "/hooks";
  pspsim_process sim({"--port", "0", "--webhook-url", url, "--webhook-secret",
                      secret, "--webhook-backoff-base-ms", "20",
                      "--webhook-backoff-max-ms", "50"});
  http::sync_client c("127.0.0.1", sim.port());
  c.post("/v1/payment_intents",
         "amount=100&currency=eur&payment_method=pm_card_visa&confirm=true",
         form_type, auth_headers());
  std::this_thread::sleep_for(300ms);
  auto events = json_of(c.get("/sim/webhooks")).at("data").as_array();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("state"), "pending");
  EXPECT_GE(events[0].at("attempts_total").as_int64(), 3);
  EXPECT_TRUE(events[0].at("attempts").as_array()[0].at("status").is_null());

  webhook_receiver receiver(secret, 0, receiver_port);
  ASSERT_TRUE(receiver.start_error().empty()) << receiver.start_error();
  const auto got = receiver.wait_for([](const auto& v) { return !v.empty(); },
                                     5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].verified, domain::webhook_verify_result::ok);
}

TEST(pspsim_webhooks,
     three_ds_token_requires_action_then_succeeds_after_the_delay) {
  sim_with_receiver s({"--three-ds-ms", "200"});
  const auto r = s.charge("pm_card_threeDSecureRequired", "k1");
  ASSERT_EQ(r.res.result_int(), 200u);
  const auto intent = json_of(r);
  EXPECT_EQ(intent.at("status"), "requires_action");
  EXPECT_EQ(intent.at("next_action").at("type"), "use_stripe_sdk");
  // Nobody polls: the timer resolves it and the webhook says so.
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  EXPECT_EQ(types_of(got),
            (std::vector<std::string>{"payment_intent.requires_action",
                                      "payment_intent.succeeded"}));
  const std::string id(intent.at("id").as_string());
  EXPECT_EQ(json_of(s.client.get("/v1/payment_intents/" + id, auth_headers()))
              .at("status"),
            "succeeded");
  EXPECT_EQ(json_of(s.client.get("/sim/idempotency_keys")).at("k1"), 1);
}

TEST(pspsim_webhooks, three_ds_outcome_fail_fails_after_the_delay) {
  sim_with_receiver s({"--three-ds-ms", "50", "--three-ds-outcome", "fail"});
  const std::string id(json_of(s.charge("pm_card_threeDSecureRequired", "k1"))
                         .at("id")
                         .as_string());
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(sorted_types_of(got),
            (std::vector<std::string>{"payment_intent.payment_failed",
                                      "payment_intent.requires_action"}));
  const auto intent = json_of(
    s.client.get("/v1/payment_intents/" + id, auth_headers()));
  EXPECT_EQ(intent.at("last_payment_error").at("code"),
            "payment_intent_authentication_failure");
  EXPECT_EQ(json_of(s.client.get("/sim/idempotency_keys")).at("k1"), 0);
}

TEST(pspsim_webhooks, complete_action_resolves_at_once_and_only_once) {
  sim_with_receiver s({"--three-ds-ms", "60000"});
  const std::string id(json_of(s.charge("pm_card_threeDSecureRequired", "k1"))
                         .at("id")
                         .as_string());
  const std::string path = "/sim/payment_intents/" + id + "/complete_action";
  EXPECT_EQ(
    s.client.post(path + "?result=maybe", "", "text/plain").res.result_int(),
    400u);
  const auto done = s.client.post(path + "?result=fail", "", "text/plain");
  ASSERT_EQ(done.res.result_int(), 200u);
  EXPECT_EQ(json_of(done).at("status"), "requires_payment_method");
  EXPECT_EQ(
    s.client.post(path + "?result=succeed", "", "text/plain").res.result_int(),
    409u);
  EXPECT_EQ(s.client
              .post("/sim/payment_intents/pi_nope/complete_action?result=fail",
                    "", "text/plain")
              .res.result_int(),
            404u);
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  EXPECT_EQ(sorted_types_of(got),
            (std::vector<std::string>{"payment_intent.payment_failed",
                                      "payment_intent.requires_action"}));
}

TEST(pspsim_webhooks, review_token_is_processing_with_a_note_then_approved) {
  sim_with_receiver s({"--review-ms", "150"});
  const auto intent = json_of(s.charge("pm_card_review", "k1"));
  EXPECT_EQ(intent.at("status"), "processing");
  EXPECT_TRUE(intent.at("review").is_string());
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  EXPECT_EQ(types_of(got),
            (std::vector<std::string>{"payment_intent.processing",
                                      "payment_intent.succeeded"}));
  EXPECT_EQ(json_of(s.client.get("/sim/idempotency_keys")).at("k1"), 1);
}

TEST(pspsim_webhooks, review_reject_declines_as_fraudulent) {
  sim_with_receiver s({"--review-ms", "60000"});
  const std::string id(
    json_of(s.charge("pm_card_review", "k1")).at("id").as_string());
  const auto done = s.client.post(
    "/sim/payment_intents/" + id + "/review?result=reject", "", "text/plain");
  ASSERT_EQ(done.res.result_int(), 200u);
  const auto intent = json_of(done);
  EXPECT_EQ(intent.at("status"), "requires_payment_method");
  EXPECT_EQ(intent.at("last_payment_error").at("decline_code"), "fraudulent");
  // A review decision does not apply to a 3-D Secure intent, nor twice.
  EXPECT_EQ(s.client
              .post("/sim/payment_intents/" + id + "/review?result=approve", "",
                    "text/plain")
              .res.result_int(),
            409u);
  EXPECT_EQ(json_of(s.client.get("/sim/stats")).at("charges"), 0);
}

TEST(pspsim_webhooks, hosted_payment_emits_the_intent_and_session_completed) {
  sim_with_receiver s;
  auto form = session_form("100");
  form.emplace_back("client_reference_id", "po_h");
  const auto reg = s.client.post("/v1/checkout/sessions",
                                 http::form_encode(form), form_type,
                                 auth_headers());
  const std::string id(json_of(reg).at("id").as_string());
  s.client.post(
    "/pay/" + id,
    "card_number=4242424242424242&card_expiry=12%2F39&card_cvc=123&card_name=A",
    form_type);
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(sorted_types_of(got),
            (std::vector<std::string>{"checkout.session.completed",
                                      "payment_intent.succeeded"}));
  const auto& completed = got[0].type == "checkout.session.completed" ? got[0]
                                                                      : got[1];
  EXPECT_EQ(completed.object_id, id);
  const auto session =
    boost::json::parse(completed.body).at("data").at("object");
  EXPECT_EQ(session.at("payment_status"), "paid");
  EXPECT_EQ(session.at("client_reference_id"), "po_h");
}

TEST(pspsim_webhooks, unpaid_session_expiry_emits_checkout_session_expired) {
  sim_with_receiver s({"--session-expiry-s", "60"});
  const auto reg = s.client.post("/v1/checkout/sessions",
                                 http::form_encode(session_form("100")),
                                 form_type, auth_headers());
  const std::string id(json_of(reg).at("id").as_string());
  // A declined card leaves the session open; only expiry ends it unpaid.
  s.client.post(
    "/pay/" + id,
    "card_number=4000000000000002&card_expiry=12%2F39&card_cvc=123&card_name=A",
    form_type);
  advance_clock(s.client, 60);
  const auto got = s.receiver.wait_for(
    [&](const auto& v) {
      return std::any_of(v.begin(), v.end(),
                         [&](const auto& w) { return w.object_id == id; });
    },
    5s);
  std::vector<std::string> session_events;
  for (const auto& w : got) {
    if (w.object_id == id) session_events.push_back(w.type);
  }
  EXPECT_EQ(session_events,
            (std::vector<std::string>{"checkout.session.expired"}));
  const auto expired = std::find_if(got.begin(), got.end(), [&](const auto& w) {
    return w.object_id == id;
  });
  ASSERT_NE(expired, got.end());
  EXPECT_EQ(expired->object_status, "expired");
}

// The faults: each at probability 1, then seeded reproducibility.
TEST(pspsim_webhooks, duplicate_fault_delivers_the_same_event_twice) {
  sim_with_receiver s;
  s.client.post("/sim/faults", R"({"seed":1,"webhook_duplicate":1})",
                "application/json");
  s.charge("pm_card_visa", "k1");
  const auto events = s.settled_events(1);
  EXPECT_EQ(events[0].at("duplicate"), true);
  EXPECT_EQ(events[0].at("deliveries"), 2);
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].event_id, got[1].event_id);
  EXPECT_EQ(got[1].verified, domain::webhook_verify_result::ok);
}

TEST(pspsim_webhooks, drop_fault_never_delivers_and_resend_does) {
  sim_with_receiver s;
  s.client.post("/sim/faults", R"({"seed":1,"webhook_drop":1})",
                "application/json");
  s.charge("pm_card_visa", "k1");
  auto events = s.settled_events(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("state"), "dropped");
  EXPECT_EQ(events[0].at("drop_reason"), "webhook_drop");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(s.receiver.requests(), 0);
  const std::string id(events[0].at("id").as_string());
  EXPECT_EQ(s.client.post("/sim/webhooks/" + id + "/resend", "", "text/plain")
              .res.result_int(),
            200u);
  const auto got = s.receiver.wait_for([](const auto& v) { return !v.empty(); },
                                       5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event_id, id);
  EXPECT_EQ(s.client.post("/sim/webhooks/evt_nope/resend", "", "text/plain")
              .res.result_int(),
            404u);
  EXPECT_EQ(
    json_of(s.client.get("/sim/faults")).at("injected").at("webhook_drop"), 1);
}

TEST(pspsim_webhooks, reorder_fault_lets_the_later_event_arrive_first) {
  sim_with_receiver s({"--three-ds-ms", "60000"});
  s.client.post("/sim/faults", R"({"seed":1,"webhook_reorder":1})",
                "application/json");
  const std::string id(json_of(s.charge("pm_card_threeDSecureRequired", "k1"))
                         .at("id")
                         .as_string());
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(s.receiver.requests(), 0);  // requires_action is held back
  // Faults off, so the second event is not held itself and overtakes.
  s.client.post("/sim/faults", "{}", "application/json");
  s.client.post("/sim/payment_intents/" + id
                  + "/complete_action?result=succeed",
                "", "text/plain");
  const auto got = s.receiver.wait_for(
    [](const auto& v) { return v.size() >= 2; }, 5s);
  EXPECT_EQ(types_of(got),
            (std::vector<std::string>{"payment_intent.succeeded",
                                      "payment_intent.requires_action"}));
  const auto events = s.settled_events(2);
  EXPECT_EQ(events[0].at("reordered"), true);
  EXPECT_EQ(events[0].at("state"), "delivered");
}

TEST(pspsim_webhooks, webhook_faults_are_reproducible_from_the_seed) {
  const auto run = [](std::uint64_t seed) {
    sim_with_receiver s;
    s.client.post("/sim/faults",
                  R"({"seed":)" + std::to_string(seed)
                    + R"(,"webhook_drop":0.3,"webhook_duplicate":0.3})",
                  "application/json");
    for (int i = 0; i < 20; ++i)
      s.charge("pm_card_visa", "k" + std::to_string(i));
    std::string pattern;
    for (const auto& e : s.settled_events(20)) {
      pattern += e.at("dropped").as_bool()     ? 'D'
                 : e.at("duplicate").as_bool() ? '2'
                                               : '.';
    }
    return pattern;
  };
  const std::string first = run(7);
  EXPECT_EQ(first.size(), 20u);
  EXPECT_EQ(run(7), first);
  EXPECT_NE(first.find('D'), std::string::npos);
  EXPECT_NE(first.find('2'), std::string::npos);
  EXPECT_NE(run(8), first);
}

TEST(pspsim_webhooks, webhook_fault_fields_are_validated_and_echoed) {
  sim_with_receiver s;
  const auto bad = s.client.post("/sim/faults", R"({"webhook_drop":2})",
                                 "application/json");
  EXPECT_EQ(bad.res.result_int(), 400u);
  EXPECT_EQ(error_field(bad, "param"), "webhook_drop");
  const auto ok = s.client.post(
    "/sim/faults", R"({"webhook_delay_ms":5,"webhook_reorder":0.5})",
    "application/json");
  ASSERT_EQ(ok.res.result_int(), 200u);
  EXPECT_EQ(json_of(ok).at("webhook_delay_ms"), 5);
  EXPECT_EQ(json_of(ok).at("webhook_reorder"), 0.5);
}

TEST(pspsim_webhooks, no_card_number_reaches_stdout_or_stderr) {
  auto s = std::make_unique<sim_with_receiver>(std::vector<std::string>{});
  auto form = session_form("100");
  form.emplace_back("client_reference_id", "po_c");
  const auto reg = s->client.post("/v1/checkout/sessions",
                                  http::form_encode(form), form_type,
                                  auth_headers());
  const std::string id(json_of(reg).at("id").as_string());
  for (const char* number :
       {"4242424242424241", "4000002760003184", "4242424242424242"}) {
    s->client.post("/pay/" + id,
                   std::string("card_number=") + number
                     + "&card_expiry=12%2F39&card_cvc=123&card_name=A",
                   form_type);
  }
  s->client.post("/pay/" + id + "/challenge", "result=complete", form_type);
  s->receiver.wait_for([](const auto& v) { return v.size() >= 3; }, 5s);
  for (const auto& w : s->receiver.received()) {
    EXPECT_EQ(w.body.find("424242424242"), std::string::npos);
    EXPECT_EQ(w.body.find("400000276000"), std::string::npos);
  }
  EXPECT_EQ(s->sim.terminate(), 0);
  const std::string output = s->sim.drain_output();
  for (const char* digits :
       {"4242424242424241", "4000002760003184", "4242424242424242",
        "424242424242", "400000276000"}) {
    EXPECT_EQ(output.find(digits), std::string::npos) << digits;
  }
}

}  // namespace
}  // namespace pay::pspsim
