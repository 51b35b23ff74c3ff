// Exactly once under failure, against the real processes: Idempotency-Key,
// each failure class injected at pspsim, the dead-letter queue and its
// operator endpoints, admin authentication, and kill -9 recovery.

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

class exactly_once : public integration {
 protected:
  void TearDown() override {
    set_faults("{}");
    integration::TearDown();
  }

  checkout_spec one_order(const std::string& name,
                          const std::string& token = "pm_card_visa") {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.psp_token = token;
    spec.orders.push_back(
      {unique("po_" + name), unique("seller_" + name), "10.00", "USD"});
    return spec;
  }

  // History rows of `order_id` matching `where`.
  std::int64_t history_count(const std::string& order_id,
                             const std::string& where) {
    return query_int(database_url(),
                     "SELECT count(*) FROM payment_order_history"
                     " WHERE payment_order_id = $1 AND "
                       + where,
                     order_id);
  }

  // Polls until `sql` (a count, $1 = `param`) reaches at least `want`.
  bool wait_for_count(const std::string& sql, const std::string& param,
                      std::int64_t want, std::uint32_t timeout_ms = 10'000) {
    auto deadline = std::chrono::steady_clock::now()
                    + std::chrono::milliseconds{timeout_ms};
    while (std::chrono::steady_clock::now() < deadline) {
      if (query_int(database_url(), sql, param) >= want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{25});
    }
    return false;
  }

  bool wait_for_history(const std::string& order_id, const std::string& where) {
    return wait_for_count(
      "SELECT count(*) FROM payment_order_history"
      " WHERE payment_order_id = $1 AND "
        + where,
      order_id, 1);
  }

  bool wait_dead_lettered(const std::string& order_id) {
    return wait_for_count(
      "SELECT count(*) FROM dead_letter"
      " WHERE status = 'open' AND payment_order_id = $1",
      order_id, 1);
  }

  // Faults were on for a while: if the order spent its whole budget meanwhile
  // it waits in the dead-letter queue; an operator's requeue finishes it.
  void requeue_if_dead_lettered(const std::string& order_id) {
    // Let an attempt that was in flight when the faults went off (at most
    // one PSP timeout) land first.
    std::this_thread::sleep_for(std::chrono::milliseconds{1'200});
    auto open = query_int(database_url(),
                          "SELECT count(*) FROM dead_letter"
                          " WHERE status = 'open' AND payment_order_id = $1",
                          order_id);
    if (open == 0) return;
    auto r = api().post("/admin/dlq/" + order_id + "/requeue", "",
                        "application/json", admin_auth);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
  }

  bool maybe_charged(const std::string& order_id) {
    return query_int(database_url(),
                     "SELECT count(*) FROM payment_order"
                     " WHERE payment_order_id = $1 AND maybe_charged",
                     order_id)
           == 1;
  }
};

TEST_F(
  exactly_once,
  checkout_past_the_backlog_bound_is_refused_with_retry_after_and_nothing_stored) {
  // One order in flight is the whole budget; the PSP answers slowly so it
  // stays in flight while the next checkouts arrive.
  ASSERT_EQ(stack().restart_paymentd_with(
              {{"PAYMENTD_ADMISSION_BACKLOG_MAX", "1"}}),
            "");
  struct restore_defaults {
    ~restore_defaults() { EXPECT_EQ(stack().restart_paymentd_with({}), ""); }
  } restore;
  set_faults(R"({"latency_ms": 1500})");
  auto first = one_order("backlog_first");
  ASSERT_EQ(post_payment(api(), checkout_body(first)).res.result_int(), 201u);
  std::string refused_id;
  http::sync_result refused;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{1};
  for (int i = 0;
       refused_id.empty() && std::chrono::steady_clock::now() < deadline; ++i) {
    auto next = one_order("backlog_next_" + std::to_string(i));
    auto r = post_payment(api(), checkout_body(next));
    if (r.res.result_int() == 503u) {
      refused_id = next.checkout_id;
      refused = std::move(r);
    }
  }
  ASSERT_FALSE(refused_id.empty()) << "no checkout was refused";
  EXPECT_EQ(std::string{refused.res["Retry-After"]}, "1");
  auto body = json_of(refused).as_object();
  EXPECT_EQ(string_at(body, {"error", "code"}), "overloaded");
  EXPECT_EQ(string_at(body, {"error", "type"}), "api_error");
  // Refused before anything was written.
  EXPECT_EQ(api().get("/v1/checkouts/" + refused_id).res.result_int(), 404u);
  auto metrics = api().get("/metrics").res.body();
  EXPECT_EQ(metrics.find("paymentd_checkouts_shed_total 0\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("paymentd_checkouts_shed_total"), std::string::npos);
  set_faults("{}");
  EXPECT_TRUE(wait_until_settled(api(), first.checkout_id).settled);
}

TEST_F(exactly_once,
       admin_endpoints_refuse_a_missing_or_wrong_key_and_reveal_nothing) {
  for (const auto& target :
       {"/admin/dlq", "/admin/dlq/po_x/requeue", "/admin/nothing-here"}) {
    auto none = anonymous().get(target);
    ASSERT_TRUE(none.ok) << none.error;
    EXPECT_EQ(none.res.result_int(), 401u) << target;
    EXPECT_EQ(header_of(none, "WWW-Authenticate"), "Bearer realm=\"paymentd\"");
    auto wrong = anonymous().get(target, {{"Authorization", "Bearer nope"}});
    EXPECT_EQ(wrong.res.result_int(), 401u) << target;
    EXPECT_EQ(string_at(json_of(wrong), {"error", "code"}), "api_key_invalid");
    EXPECT_EQ(string_at(json_of(wrong), {"error", "type"}),
              "authentication_error");
  }
  auto right = api().get("/admin/dlq", admin_auth);
  EXPECT_EQ(right.res.result_int(), 200u) << right.res.body();
  EXPECT_EQ(string_at(json_of(right), {"object"}), "list");
}

TEST_F(exactly_once,
       idempotency_key_replays_the_stored_response_without_charging_again) {
  auto spec = one_order("idem");
  header_list key = {{"Idempotency-Key", unique("key")}};
  auto first = post_payment(api(), checkout_body(spec), key);
  ASSERT_EQ(first.res.result_int(), 201u) << first.res.body();
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  auto again = post_payment(api(), checkout_body_reordered(spec), key);
  EXPECT_EQ(again.res.result_int(), 201u);
  EXPECT_EQ(again.res.body(), first.res.body());
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "true");
  EXPECT_EQ(charges_of(spec.orders[0].payment_order_id), 1u);
}

TEST_F(exactly_once,
       idempotency_key_with_a_different_body_is_refused_and_changes_nothing) {
  auto spec = one_order("idem_diff");
  header_list key = {{"Idempotency-Key", unique("key")}};
  ASSERT_EQ(post_payment(api(), checkout_body(spec), key).res.result_int(),
            201u);
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  auto before = count_rows(database_url(), sim());
  auto other = one_order("idem_other");
  auto r = post_payment(api(), checkout_body(other), key);
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(r), {"error", "type"}), "idempotency_error");
  EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "Idempotency-Key");
  EXPECT_EQ(count_rows(database_url(), sim()), before);
}

TEST_F(exactly_once, malformed_idempotency_key_is_a_400_naming_the_header) {
  auto spec = one_order("idem_bad");
  auto before = count_rows(database_url(), sim());
  auto r = post_payment(api(), checkout_body(spec),
                        {{"Idempotency-Key", std::string(256, 'k')}});
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(r), {"error", "code"}),
            "idempotency_key_invalid");
  EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "Idempotency-Key");
  EXPECT_EQ(count_rows(database_url(), sim()), before);
}

TEST_F(
  exactly_once,
  thousand_concurrent_identical_requests_make_one_checkout_one_charge_and_identical_bodies) {
  constexpr int clients = 1000;
  checkout_spec spec;
  spec.checkout_id = unique("co_thousand");
  for (int i = 0; i < 3; ++i)
    spec.orders.push_back({unique("po_thousand_" + std::to_string(i)),
                           unique("seller_t" + std::to_string(i)), "3.21",
                           "EUR"});
  auto body = checkout_body(spec);
  header_list headers = {{"Idempotency-Key", unique("key_thousand")},
                         {"Prefer", "wait=10"}};
  std::vector<std::string> bodies(clients);
  std::vector<unsigned> statuses(clients);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      http::sync_client client{"127.0.0.1", stack().paymentd_port(), 60'000};
      client.set_default_headers(admin_auth);
      ++ready;
      while (!go) std::this_thread::yield();
      auto r = post_payment(client, body, headers);
      statuses[i] = r.ok ? r.res.result_int() : 0;
      bodies[i] = r.ok ? r.res.body() : r.error;
    });
  while (ready < clients)
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  go = true;
  for (auto& t : threads) t.join();
  for (int i = 0; i < clients; ++i) {
    EXPECT_EQ(statuses[i], 201u) << i << ": " << bodies[i];
    EXPECT_EQ(bodies[i], bodies[0]) << i;
  }
  EXPECT_EQ(
    query_int(database_url(),
              "SELECT count(*) FROM payment_event WHERE checkout_id = $1",
              spec.checkout_id),
    1);
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  for (const auto& o : spec.orders)
    EXPECT_EQ(charges_of(o.payment_order_id), 1u) << o.payment_order_id;
}

TEST_F(exactly_once,
       transient_psp_errors_are_retried_with_the_same_key_until_success) {
  set_faults(R"({"seed": 1, "error_500": 1})");
  auto spec = one_order("transient");
  const auto& id = spec.orders[0].payment_order_id;
  ASSERT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
  ASSERT_TRUE(
    wait_for_count("SELECT count(*) FROM payment_order_history"
                   " WHERE payment_order_id = $1"
                   "   AND outcome = 'transient'",
                   id, 1));
  set_faults("{}");
  requeue_if_dead_lettered(id);
  auto settled = wait_until_settled(api(), spec.checkout_id);
  ASSERT_TRUE(settled.settled);
  EXPECT_EQ(string_at(settled.checkout, {"status"}), "succeeded");
  EXPECT_EQ(charges_of(id), 1u);
  // A 500 may have been processed by the PSP: the order knows it.
  EXPECT_TRUE(maybe_charged(id));
}

TEST_F(exactly_once,
       answer_lost_after_the_charge_is_asked_again_and_never_charged_twice) {
  const std::pair<const char*, const char*> faults[] = {
    {"reset", R"({"seed": 2, "reset_after_commit": 1})"},
    {"timeout", R"({"seed": 3, "timeout_after_commit": 1, "hold_ms": 3000})"}};
  for (const auto& [name, fault] : faults) {
    set_faults(fault);
    auto spec = one_order(std::string{"lost_"} + name);
    const auto& id = spec.orders[0].payment_order_id;
    ASSERT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
    ASSERT_TRUE(wait_for_history(id, "outcome = 'outcome_unknown'")) << fault;
    set_faults("{}");
    requeue_if_dead_lettered(id);
    auto settled = wait_until_settled(api(), spec.checkout_id, 15'000);
    ASSERT_TRUE(settled.settled) << fault;
    EXPECT_EQ(string_at(settled.checkout, {"status"}), "succeeded");
    EXPECT_EQ(charges_of(id), 1u) << fault;
    EXPECT_TRUE(maybe_charged(id)) << fault;
  }
}

TEST_F(exactly_once, declined_card_is_final_and_never_retried) {
  auto spec = one_order("declined_final", "pm_card_chargeDeclined");
  const auto& id = spec.orders[0].payment_order_id;
  ASSERT_EQ(post_payment_and_wait(api(), checkout_body(spec)).res.result_int(),
            201u);
  EXPECT_EQ(history_count(id, "event = 'psp_attempt'"), 0);
  EXPECT_EQ(history_count(id, "to_status = 'FAILED'"), 1);
  EXPECT_EQ(charges_of(id), 0u);
}

TEST_F(exactly_once,
       spent_budget_dead_letters_the_order_and_requeue_finishes_it_once) {
  set_faults(R"({"seed": 4, "error_500": 1})");
  auto spec = one_order("dlq_requeue");
  const auto& id = spec.orders[0].payment_order_id;
  ASSERT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
  ASSERT_TRUE(wait_dead_lettered(id));
  auto listed = api().get("/admin/dlq", admin_auth);
  EXPECT_NE(listed.res.body().find(id), std::string::npos);
  auto order = json_of(api().get("/v1/payments/" + id));
  EXPECT_EQ(string_at(order, {"status"}), "EXECUTING");
  set_faults("{}");
  auto r = api().post("/admin/dlq/" + id + "/requeue", "", "application/json",
                      admin_auth);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"status"}), "requeued");
  auto settled = wait_until_settled(api(), spec.checkout_id);
  ASSERT_TRUE(settled.settled);
  EXPECT_EQ(string_at(settled.checkout, {"status"}), "succeeded");
  EXPECT_EQ(charges_of(id), 1u);
  auto twice = api().post("/admin/dlq/" + id + "/requeue", "",
                          "application/json", admin_auth);
  EXPECT_EQ(twice.res.result_int(), 409u);
}

TEST_F(exactly_once,
       resolve_marks_a_dead_lettered_order_failed_with_the_reason) {
  set_faults(R"({"seed": 5, "error_429": 1})");
  auto spec = one_order("dlq_resolve");
  const auto& id = spec.orders[0].payment_order_id;
  ASSERT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
  ASSERT_TRUE(wait_dead_lettered(id));
  set_faults("{}");
  auto missing = api().post("/admin/dlq/" + id + "/resolve", "{}",
                            "application/json", admin_auth);
  EXPECT_EQ(missing.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(missing), {"error", "param"}), "reason");
  auto r = api().post("/admin/dlq/" + id + "/resolve",
                      R"({"reason":"PSP confirmed no charge"})",
                      "application/json", admin_auth);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"status"}), "resolved");
  auto order = json_of(api().get("/v1/payments/" + id));
  EXPECT_EQ(string_at(order, {"status"}), "FAILED");
  EXPECT_EQ(string_at(order, {"failure_code"}), "operator_resolved");
  EXPECT_EQ(charges_of(id), 0u);
  auto unknown = api().post("/admin/dlq/po_never_seen/resolve",
                            R"({"reason":"x"})", "application/json",
                            admin_auth);
  EXPECT_EQ(unknown.res.result_int(), 404u);
}

TEST_F(exactly_once, kill_9_mid_flight_recovers_every_order_exactly_once) {
  set_faults(R"({"seed": 6, "latency_ms": 300})");
  std::vector<checkout_spec> specs;
  for (int i = 0; i < 10; ++i) {
    specs.push_back(one_order("kill_" + std::to_string(i)));
    ASSERT_EQ(post_payment(api(), checkout_body(specs.back())).res.result_int(),
              201u);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{100});
  auto err = stack().kill_and_restart_paymentd();
  ASSERT_EQ(err, "");
  reconnect_api();
  set_faults("{}");
  for (const auto& spec : specs) {
    auto settled = wait_until_settled(api(), spec.checkout_id, 20'000);
    ASSERT_TRUE(settled.settled) << spec.checkout_id;
    EXPECT_EQ(string_at(settled.checkout, {"status"}), "succeeded");
    EXPECT_EQ(charges_of(spec.orders[0].payment_order_id), 1u);
  }
}

}  // namespace
}  // namespace pay::it
