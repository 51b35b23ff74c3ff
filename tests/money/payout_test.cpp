// Pay-outs against the real paymentd, pspsim and PostgreSQL: every release
// condition withholds the money until all hold, concurrent runs never
// overdraw, a failed pay-out gives the money back, webhooks finish pay-outs,
// and a crash leaves exactly one pay-out at the provider, finished once.
// The wallet split is checked at each step; the ledger and wallet invariants
// after every test (fixture).

#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "domain/rfc3339.hpp"

#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

struct split {
  std::string pending = "0.00", available = "0.00", in_transit = "0.00",
              paid_out = "0.00";
  bool operator==(const split& o) const {
    return pending == o.pending && available == o.available
           && in_transit == o.in_transit && paid_out == o.paid_out;
  }
};

std::ostream& operator<<(std::ostream& os, const split& s) {
  return os << "{pending " << s.pending << ", available " << s.available
            << ", in_transit " << s.in_transit << ", paid_out " << s.paid_out
            << "}";
}

class payouts : public integration {
 protected:
  // One succeeded USD order for `seller`; its payment_order_id.
  std::string pay_in(const std::string& seller, const std::string& amount,
                     const std::string& name) {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.orders.push_back({unique("po_" + name), seller, amount, "USD"});
    auto r = post_payment_and_wait(api(), checkout_body(spec));
    EXPECT_TRUE(r.ok) << r.error;
    auto settled = wait_until_settled(api(), spec.checkout_id);
    EXPECT_TRUE(settled.settled) << json::serialize(settled.checkout);
    return spec.orders[0].payment_order_id;
  }

  http::sync_result fulfill(const std::string& order_id) {
    return api().post("/v1/payment_orders/" + order_id + "/fulfill", "",
                      "application/json");
  }

  // Settlement as in production: today's file from pspsim, reconciled. The
  // release condition reads what the reconciler marked.
  void settle(const std::vector<std::string>& order_ids) {
    auto today = domain::to_rfc3339_utc(std::chrono::system_clock::now()).substr(0, 10);
    auto r = api().post("/admin/reconciliation/run?date=" + today, "",
                        "application/json", admin_auth);
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
    for (const auto& id : order_ids)
      EXPECT_EQ(count("SELECT count(*) FROM payment_order WHERE payment_order_id = $1"
                      " AND settled_on IS NOT NULL", id),
                1)
        << id << " was not settled by the reconciliation";
  }

  json::object run() {
    auto r = api().post("/admin/payouts/run", "", "application/json",
                        admin_auth);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    return v.is_object() ? v.get_object() : json::object{};
  }

  // The pay-outs a run created for `seller`.
  static std::vector<json::object> payouts_for(const json::object& run,
                                               const std::string& seller) {
    std::vector<json::object> out;
    if (const auto* list = run.if_contains("payouts"))
      for (const auto& p : list->as_array())
        if (string_at(p, {"seller_account"}) == seller)
          out.push_back(p.as_object());
    return out;
  }

  split wallet(const std::string& seller) {
    auto r = api().get("/v1/wallets/" + seller);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    split s;
    EXPECT_EQ(string_at(v, {"seller_account"}), seller);
    if (!v.is_object() || !v.as_object().contains("balances"))
      return s;
    for (const auto& b : v.at("balances").as_array())
      if (string_at(b, {"currency"}) == "USD")
        s = split{string_at(b, {"pending"}), string_at(b, {"available"}),
                  string_at(b, {"in_transit"}), string_at(b, {"paid_out"})};
    return s;
  }

  json::value payout(const std::string& id) {
    return json_of(api().get("/admin/payouts/" + id, admin_auth));
  }

  // Polls the pay-out until it has `status`; its last view.
  json::value wait_for(const std::string& id, const std::string& status,
                       milliseconds timeout = milliseconds{15'000}) {
    auto until = std::chrono::steady_clock::now() + timeout;
    json::value v;
    while (std::chrono::steady_clock::now() < until) {
      v = payout(id);
      if (string_at(v, {"status"}) == status)
        return v;
      std::this_thread::sleep_for(milliseconds{50});
    }
    ADD_FAILURE() << "payout " << id << " never " << status << ": "
                  << json::serialize(v);
    return v;
  }

  // The pay-outs pspsim holds under our idempotency key.
  // Pay-outs pspsim made under the Idempotency-Key `key`.
  std::size_t sim_payouts_with_key(const std::string& key) {
    auto r = sim().get("/sim/payouts");
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    std::size_t n = 0;
    if (v.is_object() && v.as_object().contains("data"))
      for (const auto& p : v.at("data").as_array())
        if (string_at(p.as_object(), {"idempotency_key"}) == key)
          ++n;
    return n;
  }

  std::int64_t count(const std::string& sql, const std::string& param) {
    return query_int(database_url(), sql, param);
  }

  void restart_with(stack_environment::env_list env) {
    ASSERT_EQ(stack().restart_paymentd_with(std::move(env)), "");
    reconnect_api();
  }
};

TEST_F(payouts, fulfil_answers_the_same_time_again_and_refuses_unknown_or_unpaid_orders) {
  auto order = pay_in(unique("seller_ff"), "5.00", "ff");
  auto first = fulfill(order);
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  auto at = string_at(json_of(first), {"fulfilled_at"});
  EXPECT_EQ(string_at(json_of(first), {"payment_order_id"}), order);
  auto again = fulfill(order);
  ASSERT_EQ(again.res.result_int(), 200u);
  EXPECT_EQ(string_at(json_of(again), {"fulfilled_at"}), at);

  auto unknown = fulfill(unique("po_nobody"));
  EXPECT_EQ(unknown.res.result_int(), 404u);
  EXPECT_EQ(string_at(json_of(unknown), {"error", "code"}), "resource_missing");

  checkout_spec declined;
  declined.checkout_id = unique("co_ff_declined");
  declined.psp_token = "pm_card_chargeDeclined";
  declined.orders.push_back(
    {unique("po_ff_declined"), unique("seller_ff"), "5.00", "USD"});
  post_payment_and_wait(api(), checkout_body(declined));
  wait_until_settled(api(), declined.checkout_id);
  auto refused = fulfill(declined.orders[0].payment_order_id);
  EXPECT_EQ(refused.res.result_int(), 409u);
  EXPECT_EQ(string_at(json_of(refused), {"error", "code"}), "order_not_succeeded");
}

TEST_F(payouts, unknown_seller_has_an_empty_wallet) {
  auto r = api().get("/v1/wallets/" + unique("seller_nobody"));
  ASSERT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(json_of(r).at("balances").as_array().size(), 0u);
}

TEST_F(payouts, money_is_withheld_until_fulfilled_and_settled_then_paid_once) {
  auto seller = unique("seller_rc");
  auto order = pay_in(seller, "12.00", "rc");
  EXPECT_EQ(wallet(seller), (split{"12.00", "0.00", "0.00", "0.00"}));

  EXPECT_TRUE(payouts_for(run(), seller).empty()) << "neither condition holds";
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  EXPECT_TRUE(payouts_for(run(), seller).empty()) << "not settled";
  EXPECT_EQ(wallet(seller), (split{"12.00", "0.00", "0.00", "0.00"}));

  settle({order});
  EXPECT_EQ(wallet(seller).available, "12.00");
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(string_at(created[0], {"amount"}), "12.00");
  auto id = string_at(created[0], {"id"});
  EXPECT_EQ(id.rfind("pyo_", 0), 0u);
  EXPECT_EQ(id.size(), 4u + 32u);
  auto mid = wallet(seller);
  EXPECT_EQ(mid.pending, "0.00");
  EXPECT_EQ(mid.available, "0.00");

  auto done = wait_for(id, "PAID");
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "12.00"}));
  EXPECT_EQ(string_at(done, {"psp_reference"}).rfind("po_", 0), 0u);
  EXPECT_GE(done.at("history").as_array().size(), 3u);  // created, accepted, paid
  EXPECT_TRUE(payouts_for(run(), seller).empty()) << "nothing left to pay";
  EXPECT_EQ(count("SELECT count(*) FROM payout WHERE seller_account = $1",
                  seller),
            1);
}

TEST_F(payouts, hold_period_withholds_the_money_until_it_has_passed) {
  auto seller = unique("seller_hold");
  restart_with({{"PAYMENTD_PAYOUTS_HOLD_S", "3600"}});
  auto order = pay_in(seller, "7.50", "hold");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  EXPECT_TRUE(payouts_for(run(), seller).empty()) << "hold not passed";
  EXPECT_EQ(wallet(seller), (split{"7.50", "0.00", "0.00", "0.00"}));

  restart_with({});  // back to hold 0: the hold has passed
  EXPECT_EQ(wallet(seller).available, "7.50");
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(string_at(created[0], {"amount"}), "7.50");
  wait_for(string_at(created[0], {"id"}), "PAID");
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "7.50"}));
}

TEST_F(payouts, concurrent_runs_create_exactly_one_payout_of_the_available_balance) {
  auto seller = unique("seller_cc");
  auto a = pay_in(seller, "10.00", "cc_a");
  auto b = pay_in(seller, "2.34", "cc_b");
  auto pending = pay_in(seller, "1.00", "cc_pending");  // never fulfilled
  ASSERT_EQ(fulfill(a).res.result_int(), 200u);
  ASSERT_EQ(fulfill(b).res.result_int(), 200u);
  settle({a, b, pending});
  EXPECT_EQ(wallet(seller), (split{"1.00", "12.34", "0.00", "0.00"}));

  constexpr int runs = 8;
  std::vector<std::vector<std::string>> amounts(runs);
  std::vector<std::thread> threads;
  for (int i = 0; i < runs; ++i)
    threads.emplace_back([&, i] {
      http::sync_client client{"127.0.0.1", stack().paymentd_port(), 30'000};
      auto r = client.post("/admin/payouts/run", "", "application/json",
                           admin_auth);
      if (r.ok && r.res.result_int() == 200)
        for (const auto& p : payouts_for(json_of(r).as_object(), seller))
          amounts[i].push_back(string_at(p, {"amount"}));
    });
  for (auto& t : threads)
    t.join();
  std::vector<std::string> all;
  for (const auto& v : amounts)
    all.insert(all.end(), v.begin(), v.end());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], "12.34");
  EXPECT_EQ(count("SELECT count(*) FROM payout WHERE seller_account = $1",
                  seller),
            1);
  EXPECT_EQ(count("SELECT coalesce(sum(amount_minor), 0)::bigint FROM payout"
                  " WHERE seller_account = $1",
                  seller),
            1234);
  auto s = wallet(seller);
  EXPECT_EQ(s.pending, "1.00");
  EXPECT_EQ(s.available, "0.00");
}

TEST_F(payouts, failed_payout_returns_the_money_to_the_seller) {
  auto seller = unique("acct_closed_seller");
  auto order = pay_in(seller, "9.99", "closed");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  auto failed = wait_for(id, "FAILED");
  EXPECT_EQ(string_at(failed, {"failure_code"}), "account_closed");
  EXPECT_EQ(wallet(seller), (split{"0.00", "9.99", "0.00", "0.00"}));
  EXPECT_EQ(count("SELECT count(*) FROM ledger_transaction"
                  " WHERE kind = 'payout_failed' AND reference = $1",
                  id),
            1);
}

TEST_F(payouts, webhook_finishes_a_payout_the_actor_would_poll_much_later) {
  // Polls start a minute apart: only the webhook can finish it in time.
  restart_with({{"PAYMENTD_PSP_PROCESSING_POLL_MS", "60000"},
                {"PAYMENTD_PSP_PENDING_POLL_MAX_MS", "60000"}});
  auto seller = unique("seller_wh");
  auto order = pay_in(seller, "4.00", "wh");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  wait_for(id, "PAID", milliseconds{10'000});
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "4.00"}));
  restart_with({});
}

TEST_F(payouts, payout_created_while_the_provider_is_unreachable_is_sent_once_after_restart) {
  auto seller = unique("seller_down");
  auto order = pay_in(seller, "3.21", "down");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  restart_with({{"PSP_BASE_URL", "http://127.0.0.1:1"}});
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  std::this_thread::sleep_for(milliseconds{500});
  EXPECT_EQ(string_at(payout(id), {"status"}), "CREATED");
  EXPECT_EQ(wallet(seller).in_transit, "3.21");

  restart_with({});  // recovery gives the pay-out its actor again
  wait_for(id, "PAID");
  EXPECT_EQ(sim_payouts_with_key(id), 1u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "3.21"}));
}

TEST_F(payouts, crash_right_after_creating_a_payout_leaves_one_payout_finished_once) {
  auto seller = unique("seller_crash");
  auto order = pay_in(seller, "6.66", "crash");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  ASSERT_EQ(stack().kill_and_restart_paymentd(), "");
  reconnect_api();
  wait_for(id, "PAID");
  EXPECT_EQ(sim_payouts_with_key(id), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM payout_history"
                  " WHERE payout_id = $1 AND to_status = 'PAID'",
                  id),
            1);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "6.66"}));
}

TEST_F(payouts, admin_lists_payouts_by_seller_and_status_and_refuses_bad_filters) {
  auto seller = unique("seller_list");
  auto order = pay_in(seller, "2.00", "list");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  wait_for(string_at(created[0], {"id"}), "PAID");
  auto r = api().get("/admin/payouts?seller_account=" + seller + "&status=PAID",
                     admin_auth);
  ASSERT_EQ(r.res.result_int(), 200u);
  auto data = json_of(r).at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(string_at(data[0], {"id"}), string_at(created[0], {"id"}));
  EXPECT_EQ(api()
              .get("/admin/payouts?status=paid", admin_auth)
              .res.result_int(),
            400u);
  EXPECT_EQ(api().get("/admin/payouts?limit=0", admin_auth).res.result_int(),
            400u);
  EXPECT_EQ(api().get("/admin/payouts/pyo_nope", admin_auth).res.result_int(),
            404u);
}

}  // namespace
}  // namespace pay::it
