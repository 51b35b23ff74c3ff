// Refunds whose PSP calls keep deciding nothing spend their retry budget
// (psp.retry_deadline_ms 1 s and psp.retry_attempts_max 5 in the stack) and
// wait in their dead-letter queue instead of retrying forever
// (docs/refunds.md): parked, not resumed by a restart, started again by a
// requeue once the PSP is healthy, and failed by a resolve only when the PSP
// was asked and holds none of ours. pspsim's fault injection keeps the calls
// failing; its counters prove what it did.

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/money/refund_fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

class refund_dead_letters : public refund_fixture {
 protected:
  // The refund's entry in GET /admin/dlq/refunds?status=all (null: none).
  json::value dead_letter(const std::string& refund_id) {
    auto r = api().get("/admin/dlq/refunds?status=all&limit=1000");
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    if (v.is_object() && v.as_object().contains("data"))
      for (const auto& e : v.at("data").as_array())
        if (string_at(e, {"refund_id"}) == refund_id) return e;
    return nullptr;
  }

  // Waits until the refund's dead letter is open; its entry.
  json::value wait_parked(const std::string& refund_id,
                          milliseconds timeout = milliseconds{15'000}) {
    auto until = std::chrono::steady_clock::now() + timeout;
    json::value entry;
    while (std::chrono::steady_clock::now() < until) {
      entry = dead_letter(refund_id);
      if (string_at(entry, {"status"}) == "open") return entry;
      std::this_thread::sleep_for(milliseconds{50});
    }
    ADD_FAILURE() << "refund " << refund_id << " was never parked";
    return entry;
  }

  std::int64_t attempts_of(const std::string& refund_id) {
    return count("SELECT attempts FROM refund WHERE refund_id = $1", refund_id);
  }

  http::sync_result requeue(const std::string& refund_id) {
    return api().post("/admin/dlq/refunds/" + refund_id + "/requeue", "",
                      "application/json");
  }

  http::sync_result resolve(const std::string& refund_id,
                            const std::string& body) {
    return api().post("/admin/dlq/refunds/" + refund_id + "/resolve", body,
                      "application/json");
  }

  // A paid order and a refund of it whose every POST pspsim answers 500:
  // parked once its budget is spent. Faults stay on.
  std::pair<order_spec, std::string> parked_refund(const std::string& name,
                                                   const std::string& amount) {
    set_faults("{}");
    auto order = paid_order(name, amount);
    set_faults(R"({"seed": 21, "error_500": 1})");
    auto id = create_refund(order.payment_order_id, "", unique("key_" + name));
    wait_parked(id);
    return {order, id};
  }
};

TEST_F(refund_dead_letters,
       a_refund_whose_psp_calls_keep_failing_is_parked_after_its_budget) {
  auto [order, id] = parked_refund("budget", "7.00");
  auto entry = dead_letter(id);
  EXPECT_EQ(string_at(entry, {"reason"}), "retry_budget_exhausted");
  EXPECT_EQ(string_at(entry, {"refund_status"}), "CREATED");
  EXPECT_EQ(string_at(entry, {"amount"}), "7.00");
  EXPECT_EQ(string_at(entry, {"payment_order_id"}), order.payment_order_id);
  // A 500 may have been processed: the entry says so.
  EXPECT_EQ(entry.at("maybe_refunded"), json::value(true));
  EXPECT_GE(entry.at("attempts").as_int64(), 5);
  EXPECT_EQ(string_at(entry, {"last_error"}).empty(), false);
  // Parked: nobody asks the PSP any more.
  auto asked = psp_posts_of(id);
  auto attempts = attempts_of(id);
  std::this_thread::sleep_for(milliseconds{600});
  EXPECT_EQ(psp_posts_of(id), asked);
  EXPECT_EQ(attempts_of(id), attempts);
  EXPECT_EQ(string_at(refund(id), {"status"}), "CREATED");
  EXPECT_EQ(count("SELECT count(*) FROM refund_history WHERE refund_id = $1"
                  " AND event = 'dead_lettered'",
                  id),
            1);
  EXPECT_EQ(refund_bookings(id), 0);
  EXPECT_EQ(wallet_minor(order.seller_account), 700);
}

TEST_F(
  refund_dead_letters,
  a_parked_refund_is_not_resumed_after_a_restart_and_a_requeue_finishes_it) {
  auto [order, id] = parked_refund("restart", "4.00");
  ASSERT_EQ(stack().restart_paymentd(), "");
  reconnect_api();
  set_faults("{}");  // healthy again: only a requeue may ask now
  auto asked = psp_posts_of(id);
  std::this_thread::sleep_for(milliseconds{800});
  EXPECT_EQ(psp_posts_of(id), asked) << "recovery resumed a parked refund";
  EXPECT_EQ(string_at(dead_letter(id), {"status"}), "open");

  auto requeued = requeue(id);
  ASSERT_EQ(requeued.res.result_int(), 200u) << requeued.res.body();
  EXPECT_EQ(string_at(json_of(requeued), {"status"}), "requeued");
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 400), 400);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
  // Once: the entry is not open any more.
  auto again = requeue(id);
  EXPECT_EQ(again.res.result_int(), 409u) << again.res.body();
  EXPECT_EQ(string_at(json_of(again), {"error", "code"}),
            "dead_letter_not_open");
}

TEST_F(refund_dead_letters,
       resolving_asks_the_psp_and_fails_a_refund_it_never_made) {
  auto [order, id] = parked_refund("resolve", "6.00");
  // The PSP answered 500 and did nothing; listing its refunds still works
  // (pspsim never faults lists), so the resolve can ask.
  auto done = resolve(id,
                      R"({"reason":"PSP down all day, buyer paid in cash"})");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  auto entry = json_of(done);
  EXPECT_EQ(string_at(entry, {"status"}), "resolved");
  EXPECT_EQ(string_at(entry, {"refund_status"}), "FAILED");
  EXPECT_EQ(string_at(entry, {"resolution"}),
            "PSP down all day, buyer paid in cash");
  auto failed = refund(id);
  EXPECT_EQ(string_at(failed, {"status"}), "FAILED");
  EXPECT_EQ(string_at(failed, {"failure_code"}), "operator_resolved");
  EXPECT_EQ(refund_bookings(id), 0);
  EXPECT_EQ(wallet_minor(order.seller_account), 600);
  EXPECT_EQ(psp_refunds_of(intent_of(order.payment_order_id)), 0);
  // Its amount is refundable again.
  set_faults("{}");
  auto again = create_refund(order.payment_order_id, "6.00",
                             unique("key_resolve_again"));
  EXPECT_EQ(string_at(wait_final(again), {"status"}), "SUCCEEDED");
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
  auto twice = resolve(id, R"({"reason":"again"})");
  EXPECT_EQ(twice.res.result_int(), 409u);
}

TEST_F(refund_dead_letters,
       a_refund_the_psp_made_without_our_hearing_it_is_not_failed) {
  auto order = paid_order("made", "5.00");
  // pspsim refunds, and every answer is lost.
  set_faults(R"({"seed": 22, "reset_after_commit": 1})");
  auto id = create_refund(order.payment_order_id, "", unique("key_made"));
  auto entry = wait_parked(id);
  EXPECT_EQ(entry.at("maybe_refunded"), json::value(true));
  auto refused = resolve(id, R"({"reason":"looks stuck"})");
  EXPECT_EQ(refused.res.result_int(), 409u) << refused.res.body();
  EXPECT_EQ(string_at(json_of(refused), {"error", "code"}),
            "psp_refund_exists");
  EXPECT_EQ(string_at(json_of(refused), {"error", "param"}), "refund_id");
  EXPECT_EQ(string_at(refund(id), {"status"}), "CREATED");
  EXPECT_EQ(string_at(dead_letter(id), {"status"}), "open");
  // The way out: requeue once the PSP answers; its stored refund is found.
  set_faults("{}");
  ASSERT_EQ(requeue(id).res.result_int(), 200u);
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(psp_refunds_of(intent_of(order.payment_order_id)), 1);
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 500), 500);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

TEST_F(refund_dead_letters, listings_page_with_a_cursor_and_refuse_bad_input) {
  auto first = parked_refund("page_a", "1.00").second;
  auto second = parked_refund("page_b", "2.00").second;
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    auto r = api().get("/admin/dlq/refunds?limit=1"
                       + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    ASSERT_EQ(v.at("data").as_array().size(), 1u) << r.res.body();
    seen.push_back(string_at(v.at("data").at(0), {"refund_id"}));
    if (!v.at("has_more").as_bool()) {
      EXPECT_TRUE(v.at("next_cursor").is_null());
      break;
    }
    cursor = std::string{v.at("next_cursor").as_string()};
  }
  // Most recently changed first (other tests' parked refunds follow), each
  // once.
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0], second);
  EXPECT_EQ(seen[1], first);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());

  auto all = api().get("/admin/refunds?status=CREATED&limit=1");
  ASSERT_EQ(all.res.result_int(), 200u) << all.res.body();
  EXPECT_EQ(string_at(json_of(all).at("data").at(0), {"id"}), second);
  EXPECT_TRUE(json_of(all).at("has_more").as_bool());

  for (const auto& [target, param] :
       std::vector<std::pair<std::string, std::string>>{
         {"/admin/dlq/refunds?limit=0", "limit"},
         {"/admin/dlq/refunds?cursor=nope", "cursor"},
         {"/admin/dlq/refunds?status=stuck", "status"},
         {"/admin/dlq/refunds?colour=red", "colour"},
         {"/admin/refunds?status=succeeded", "status"},
         {"/admin/refunds?limit=1001", "limit"}}) {
    auto r = api().get(target);
    EXPECT_EQ(r.res.result_int(), 400u) << target;
    EXPECT_EQ(string_at(json_of(r), {"error", "param"}), param) << target;
  }
  auto no_reason = resolve(first, "{}");
  EXPECT_EQ(no_reason.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(no_reason), {"error", "param"}), "reason");
  auto unknown = requeue("rf_nobody");
  EXPECT_EQ(unknown.res.result_int(), 404u);
  EXPECT_EQ(string_at(json_of(unknown), {"error", "param"}), "refund_id");
  EXPECT_EQ(
    api().get("/admin/dlq/refunds/" + first + "/requeue").res.result_int(),
    405u);
  // Nothing of that changed the queue.
  EXPECT_EQ(string_at(dead_letter(first), {"status"}), "open");
}

}  // namespace
}  // namespace pay::it
