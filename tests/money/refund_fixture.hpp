// The refund tests' fixture: paid orders, refund requests, what paymentd
// stored and what pspsim did (GET /sim/refund_counts), and a world of the
// test's own for the tests that need pspsim or paymentd started otherwise.
#pragma once

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"
#include "tests/money/own_world.hpp"

namespace pay::it {

class refund_fixture : public integration {
 protected:
  void TearDown() override {
    set_faults("{}");
    if (long_retry_budget_) {
      EXPECT_EQ(stack().restart_paymentd_with({}), "");
      reconnect_api();
    }
    integration::TearDown();
  }

  // For a test whose refund must keep retrying past the stack's retry
  // budget of 1 s (a restart, an outage of seconds) instead of being
  // parked in the dead-letter queue: paymentd with a budget of minutes,
  // until the test ends.
  void with_a_long_retry_budget() {
    ASSERT_EQ(stack().restart_paymentd_with(
                {{"PAYMENTD_PSP_RETRY_DEADLINE_MS", "600000"}}),
              "");
    reconnect_api();
    long_retry_budget_ = true;
  }

  // One paid (or, with a declining token, failed) order, settled and booked.
  order_spec paid_order(const std::string& name, const std::string& amount,
                        const std::string& currency = "USD",
                        const std::string& token = "pm_card_visa") {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.psp_token = token;
    spec.orders.push_back(
      {unique("po_" + name), unique("seller_" + name), amount, currency});
    post_payment_and_wait(api(), checkout_body(spec));
    auto settled = wait_until_settled(api(), spec.checkout_id);
    EXPECT_TRUE(settled.settled) << boost::json::serialize(settled.checkout);
    return spec.orders.front();
  }

  static std::string refund_body(const std::string& order_id,
                                 const std::string& amount) {
    boost::json::object body{{"payment_order_id", order_id},
                             {"reason", "requested_by_customer"}};
    if (!amount.empty()) body["amount"] = amount;
    return boost::json::serialize(body);
  }

  static http::sync_result post_refund(http::sync_client& client,
                                       const std::string& order_id,
                                       const std::string& amount,
                                       const std::string& key,
                                       const header_list& extra = {}) {
    header_list headers = extra;
    headers.push_back({"Idempotency-Key", key});
    return client.post("/v1/refunds", refund_body(order_id, amount),
                       "application/json", headers);
  }

  // POST /v1/refunds answered 201; the new refund's id ("" otherwise).
  std::string create_refund(const std::string& order_id,
                            const std::string& amount, const std::string& key) {
    auto r = post_refund(api(), order_id, amount, key);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.res.result_int(), 201u) << r.res.body();
    return string_at(json_of(r), {"id"});
  }

  boost::json::value refund(const std::string& refund_id) {
    return json_of(api().get("/v1/refunds/" + refund_id));
  }

  // GET /v1/refunds/{id} until it has `status`; its last view.
  boost::json::value wait_status(
    const std::string& refund_id, const std::string& status,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{15'000}) {
    auto until = std::chrono::steady_clock::now() + timeout;
    boost::json::value last;
    while (std::chrono::steady_clock::now() < until) {
      auto r = api().get("/v1/refunds/" + refund_id);
      if (r.ok && r.res.result_int() == 200) {
        last = json_of(r);
        if (string_at(last, {"status"}) == status) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return last;
  }

  // GET /v1/refunds/{id} until it is final (SUCCEEDED or FAILED).
  boost::json::value wait_final(const std::string& refund_id,
                                std::uint32_t timeout_ms = 15'000) {
    auto until = std::chrono::steady_clock::now()
                 + std::chrono::milliseconds{timeout_ms};
    boost::json::value last;
    while (std::chrono::steady_clock::now() < until) {
      auto r = api().get("/v1/refunds/" + refund_id);
      if (r.ok && r.res.result_int() == 200) {
        last = json_of(r);
        auto status = string_at(last, {"status"});
        if (status == "SUCCEEDED" || status == "FAILED") return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    return last;
  }

  std::int64_t count(const std::string& sql, const std::string& param) {
    return query_int(database_url(), sql, param);
  }

  std::int64_t wallet_minor(const std::string& seller) {
    return count(
      "SELECT coalesce(sum(balance_minor), 0) FROM wallet"
      " WHERE seller_account = $1",
      seller);
  }

  std::int64_t refund_rows(const std::string& order_id) {
    return count("SELECT count(*) FROM refund WHERE payment_order_id = $1",
                 order_id);
  }

  // Ledger transactions of kind 'refund' booked for the refund.
  std::int64_t refund_bookings(const std::string& refund_id) {
    return count(
      "SELECT count(*) FROM ledger_transaction"
      " WHERE kind = 'refund' AND reference = $1",
      refund_id);
  }

  // refund_history rows of the refund that moved it to `to_status`.
  std::int64_t moves_to(const std::string& refund_id,
                        const std::string& to_status) {
    return query_int(database_url(),
                     "SELECT count(*) FROM refund_history WHERE refund_id = $1"
                     " AND to_status::text = '"
                       + to_status + "' AND from_status IS DISTINCT FROM "
                       + "to_status",
                     refund_id);
  }

  std::string intent_of(const std::string& order_id) {
    return string_at(json_of(api().get("/v1/payments/" + order_id)),
                     {"psp_reference"});
  }

  // pspsim's GET /sim/refund_counts.
  boost::json::object refund_counts() {
    auto r = sim().get("/sim/refund_counts");
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    return v.is_object() ? v.as_object() : boost::json::object{};
  }

  static std::int64_t count_in(const boost::json::object& counts,
                               const char* map, const std::string& key) {
    const auto* m = counts.if_contains(map);
    if (!m || !m->is_object()) return -1;
    const auto* n = m->as_object().if_contains(key);
    return n && n->is_int64() ? n->as_int64() : 0;
  }

  // Every POST /v1/refunds pspsim received under the Idempotency-Key
  // `refund_id` (paymentd's key), faulted ones included.
  std::int64_t psp_posts_of(const std::string& refund_id) {
    return count_in(refund_counts(), "posts_by_idempotency_key", refund_id);
  }

  // Refunds pspsim made on the payment intent.
  std::int64_t psp_refunds_of(const std::string& payment_intent) {
    return count_in(refund_counts(), "refunds_by_payment_intent",
                    payment_intent);
  }

  // Waits until pspsim received the refund's first POST.
  bool wait_psp_post(const std::string& refund_id,
                     std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (psp_posts_of(refund_id) >= 1) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return false;
  }

  // What pspsim has refunded on the intent in total, read from its answer
  // to a refund larger than any charge: "... left to refund (N)".
  std::int64_t psp_refunded_minor(const std::string& intent,
                                  std::int64_t captured_minor) {
    auto r = sim().post("/v1/refunds",
                        "payment_intent=" + intent + "&amount=99999999999",
                        "application/x-www-form-urlencoded",
                        {{"Authorization", "Bearer sk_test_pspsim"},
                         {"Idempotency-Key", "probe_" + random_hex(16)}});
    EXPECT_EQ(r.res.result_int(), 400u) << r.res.body();
    auto message = string_at(json_of(r), {"error", "message"});
    auto open = message.rfind('(');
    auto close = message.rfind(')');
    EXPECT_NE(open, std::string::npos) << message;
    if (open == std::string::npos || close == std::string::npos) return -1;
    return captured_minor
           - std::stoll(message.substr(open + 1, close - open - 1));
  }

 private:
  bool long_retry_budget_ = false;
};

// The refund tests that need pspsim or paymentd started with settings of
// their own.
using refunds_in_a_world_of_their_own = in_a_world_of_their_own<refund_fixture>;

}  // namespace pay::it
