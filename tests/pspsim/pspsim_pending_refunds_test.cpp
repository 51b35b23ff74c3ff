// Refunds that do not end at once: Stripe's refund test cards
// (pm_card_pendingRefund, pm_card_refundFail, and their numbers on the
// hosted page) and --refund-pending-ms; their refund.updated and
// charge.refund.updated webhooks; what settles; and the /sim/refund_counts
// that prove how often a refund was asked for. Black-box against the real
// pspsim process.
#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/reconcile/settlement_csv.hpp"
#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

const std::string secret = "whsec_refunds";

class pending_refunds : public pspsim_with_webhooks {
 protected:
  explicit pending_refunds(const std::vector<std::string>& options = {})
      : pspsim_with_webhooks(secret, options) {}

  std::string charge(const std::string& token) {
    return id_of(
      post("/v1/payment_intents", with_card(visa_payment("1000"), token)));
  }
  http::sync_result refund(const std::string& intent,
                           const std::string& key = {}) {
    return post("/v1/refunds",
                {{"payment_intent", intent}, {"metadata[refund_id]", key}},
                key);
  }
  boost::json::object get_refund(const std::string& id) {
    return json_of(get("/v1/refunds/" + id));
  }
  std::vector<domain::settlement_line> refund_lines_today() {
    const std::time_t t = static_cast<std::time_t>(now());
    std::tm utc{};
    gmtime_r(&t, &utc);
    char day[11];
    std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
    const auto csv = get(std::string("/v1/settlement_files/") + day);
    const auto parsed = domain::parse_settlement_csv(csv.res.body());
    std::vector<domain::settlement_line> out;
    for (const auto& line : parsed.file.lines) {
      if (line.type == domain::settlement_type::refund) out.push_back(line);
    }
    return out;
  }
};

TEST_F(pending_refunds, ordinary_refund_succeeds_at_once_without_an_update) {
  const auto r = refund(charge("pm_card_visa"), "rf_now");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("status"), "succeeded");
  EXPECT_TRUE(json_of(r).at("failure_reason").is_null());
  EXPECT_EQ(refund_lines_today().size(), 1u);
}

TEST_F(pending_refunds, pending_refund_card_is_pending_then_succeeds) {
  const std::string intent = charge("pm_card_pendingRefund");
  const auto r = refund(intent, "rf_pending");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto created = json_of(r);
  const std::string id(created.at("id").as_string());
  EXPECT_EQ(id.rfind("re_", 0), 0u);
  EXPECT_EQ(created.at("status"), "pending");
  EXPECT_EQ(get_refund(id).at("status"), "pending");
  // Pending refunds settle nothing yet.
  EXPECT_TRUE(refund_lines_today().empty());

  advance_clock(*client_, 2);
  const auto done = get_refund(id);
  EXPECT_EQ(done.at("status"), "succeeded");
  const auto hooks = hooks_of(id, 2);
  ASSERT_EQ(hooks.size(), 2u);
  std::vector<std::string> types{hooks[0].type, hooks[1].type};
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"charge.refund.updated",
                                             "refund.updated"}));
  for (const auto& hook : hooks) {
    EXPECT_EQ(hook.verified, domain::webhook_verify_result::ok);
    const auto object =
      boost::json::parse(hook.body).at("data").at("object").as_object();
    EXPECT_EQ(object.at("object"), "refund");
    EXPECT_EQ(object.at("status"), "succeeded");
    EXPECT_EQ(object.at("amount"), 1000);
    EXPECT_EQ(object.at("currency"), "eur");
    EXPECT_EQ(object.at("payment_intent"), intent.c_str());
    EXPECT_EQ(object.at("metadata").at("refund_id"), "rf_pending");
    EXPECT_TRUE(object.at("failure_reason").is_null());
  }
  const auto lines = refund_lines_today();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].psp_reference, id);
  EXPECT_EQ(lines[0].idempotency_key, "rf_pending");
}

TEST_F(pending_refunds, refund_fail_card_succeeds_first_then_fails) {
  const std::string intent = charge("pm_card_refundFail");
  const auto r = refund(intent, "rf_fail");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const std::string id(json_of(r).at("id").as_string());
  EXPECT_EQ(json_of(r).at("status"), "succeeded");
  advance_clock(*client_, 2);
  const auto failed = get_refund(id);
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_EQ(failed.at("failure_reason"), "expired_or_canceled_card");
  const auto hooks = hooks_of(id, 2);
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(hooks[0].object_status, "failed");
  // A failed refund never settles, and its amount can be refunded again.
  EXPECT_TRUE(refund_lines_today().empty());
  const auto again = refund(intent, "rf_fail_2");
  ASSERT_EQ(again.res.result_int(), 200u) << again.res.body();
  EXPECT_EQ(json_of(again).at("amount"), 1000);
}

TEST_F(pending_refunds, replay_answers_the_refund_as_created) {
  const std::string intent = charge("pm_card_pendingRefund");
  const auto first = refund(intent, "rf_r");
  advance_clock(*client_, 2);
  const auto replay = refund(intent, "rf_r");
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), first.res.body());
  EXPECT_EQ(
    get_refund(std::string(json_of(first).at("id").as_string())).at("status"),
    "succeeded");
}

TEST_F(pending_refunds, refund_counts_prove_posts_per_key_and_refunds_per_pi) {
  const std::string intent = charge("pm_card_visa");
  refund(intent, "rf_c");
  refund(intent, "rf_c");  // replay: received, nothing created
  client_->post("/sim/faults", R"({"error_500":1})", "application/json");
  EXPECT_EQ(refund(intent, "rf_c").res.result_int(), 500u);
  client_->send(
    http::request{boost::beast::http::verb::delete_, "/sim/faults", 11});
  client_->post("/v1/refunds", http::form_encode({{"payment_intent", intent}}),
                form_type,
                auth_headers());  // no key; nothing left: refused
  const auto counts = json_of(client_->get("/sim/refund_counts"));
  EXPECT_EQ(counts.at("posts_by_idempotency_key"),
            (boost::json::object{{"rf_c", 3}}));
  EXPECT_EQ(counts.at("posts_without_key"), 1);
  EXPECT_EQ(counts.at("refunds_by_payment_intent"),
            (boost::json::object{{intent, 1}}));
  client_->post("/sim/reset", "", "text/plain");
  EXPECT_TRUE(json_of(client_->get("/sim/refund_counts"))
                .at("posts_by_idempotency_key")
                .as_object()
                .empty());
}

TEST_F(pending_refunds, hosted_refund_test_numbers_behave_like_the_tokens) {
  const auto reg = client_->post("/v1/checkout/sessions",
                                 http::form_encode(session_form("1000")),
                                 form_type, auth_headers());
  const std::string session(json_of(reg).at("id").as_string());
  client_->post("/pay/" + session,
                "card_number=4000000000007726&card_expiry=12%2F39&card_cvc=123&"
                "card_name=A",
                form_type);
  const std::string intent(
    json_of(client_->get("/v1/checkout/sessions/" + session, auth_headers()))
      .at("payment_intent")
      .as_string());
  EXPECT_EQ(json_of(refund(intent, "rf_h")).at("status"), "pending");
}

class chaos_refunds : public pending_refunds {
 protected:
  chaos_refunds() : pending_refunds({"--refund-pending-ms", "150"}) {}
};

TEST_F(chaos_refunds, refund_pending_ms_keeps_every_refund_pending_a_while) {
  const auto r = refund(charge("pm_card_visa"), "rf_slow");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const std::string id(json_of(r).at("id").as_string());
  EXPECT_EQ(json_of(r).at("status"), "pending");
  // On a timer: the webhook goes out even if nobody asks.
  const auto hooks = hooks_of(id, 2);
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(hooks[0].object_status, "succeeded");
  EXPECT_EQ(get_refund(id).at("status"), "succeeded");
}

}  // namespace
}  // namespace pay::pspsim
