// The money-cycle tests' fixture (refunds, pay-outs, reconciliation): the
// integration stack plus the steps of the cycle as one-line helpers.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "domain/common/rfc3339.hpp"
#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {

namespace json = boost::json;
using std::chrono::milliseconds;

inline std::string today_utc() {
  return domain::to_rfc3339_utc(std::chrono::system_clock::now()).substr(0, 10);
}

struct split {
  std::string pending = "0.00", available = "0.00", in_transit = "0.00",
              paid_out = "0.00";
  bool operator==(const split& o) const {
    return pending == o.pending && available == o.available
           && in_transit == o.in_transit && paid_out == o.paid_out;
  }
};

inline std::ostream& operator<<(std::ostream& os, const split& s) {
  return os << "{pending " << s.pending << ", available " << s.available
            << ", in_transit " << s.in_transit << ", paid_out " << s.paid_out
            << "}";
}

// Helpers every money-cycle test uses: pay-ins, fulfilment, settlement
// (the real reconciliation of today's file), pay-out runs, the wallet split.
class money_test : public integration {
 protected:
  // Onboards `seller` as a connected account at pspsim (201 the first time,
  // 200 after), as a marketplace does when a seller signs up. An e-mail
  // starting with "closed" gives it a closed bank account (pspsim).
  void connect(const std::string& seller, const std::string& email = "") {
    json::object body;
    if (!email.empty()) body["email"] = email;
    auto r = api().post("/v1/sellers/" + seller + "/connected_account",
                        json::serialize(body), "application/json");
    EXPECT_TRUE(r.res.result_int() == 201u || r.res.result_int() == 200u)
      << r.res.body();
  }

  // One order for a connected `seller` paid with `token`; its
  // payment_order_id once final (a 3-D Secure order: once stored, it stays
  // PENDING).
  std::string pay_in(const std::string& seller, const std::string& amount,
                     const std::string& name,
                     const std::string& currency = "USD",
                     const std::string& token = "pm_card_visa") {
    connect(seller);
    return pay_in_unconnected(seller, amount, name, currency, token);
  }

  // The same for a seller left without a connected account.
  std::string pay_in_unconnected(const std::string& seller,
                                 const std::string& amount,
                                 const std::string& name,
                                 const std::string& currency = "USD",
                                 const std::string& token = "pm_card_visa") {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.psp_token = token;
    spec.orders.push_back({unique("po_" + name), seller, amount, currency});
    const bool three_ds = token == "pm_card_threeDSecureRequired";
    auto body = checkout_json(spec);
    // Without a return_url nobody could take the buyer through 3-D Secure,
    // so paymentd asks the PSP to decline at once (error_on_requires_action,
    // docs/stripe.md); with one, the order waits PENDING for the buyer
    // (pspsim's --three-ds-ms is 10 minutes in the stack).
    if (three_ds)
      body["credit_card_info"].as_object()["return_url"] =
        "https://shop.example/return";
    auto r = three_ds ? post_payment(api(), json::serialize(body))
                      : post_payment_and_wait(api(), json::serialize(body));
    EXPECT_TRUE(r.ok) << r.error;
    if (token == "pm_card_visa") {
      auto settled = wait_until_settled(api(), spec.checkout_id);
      EXPECT_TRUE(settled.settled) << json::serialize(settled.checkout);
    }
    return spec.orders[0].payment_order_id;
  }

  http::sync_result fulfill(const std::string& order_id) {
    return api().post("/v1/payment_orders/" + order_id + "/fulfill", "",
                      "application/json");
  }

  // Settlement as in production: today's file from pspsim, reconciled. The
  // release condition reads what the reconciler marked.
  void settle(const std::vector<std::string>& order_ids) {
    reconcile(today_utc());
    for (const auto& id : order_ids)
      EXPECT_EQ(
        count("SELECT count(*) FROM payment_order WHERE payment_order_id = $1"
              " AND settled_on IS NOT NULL",
              id),
        1)
        << id << " was not settled by the reconciliation";
  }

  // POST /admin/reconciliation/run?date=; the run answered.
  json::object reconcile(const std::string& date) {
    auto r = api().post("/admin/reconciliation/run?date=" + date, "",
                        "application/json", admin_auth);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    return v.is_object() ? v.get_object() : json::object{};
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
    if (!v.is_object() || !v.as_object().contains("balances")) return s;
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
      if (string_at(v, {"status"}) == status) return v;
      std::this_thread::sleep_for(milliseconds{50});
    }
    ADD_FAILURE() << "payout " << id << " never " << status << ": "
                  << json::serialize(v);
    return v;
  }

  // Pay-outs pspsim made for our pay-out `payout_id` (its Idempotency-Key
  // on the connected account is "<id>-payout").
  std::size_t sim_payouts_of(const std::string& payout_id) {
    const auto key = payout_id + "-payout";
    auto r = sim().get("/sim/payouts");
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    std::size_t n = 0;
    if (v.is_object() && v.as_object().contains("data"))
      for (const auto& p : v.at("data").as_array())
        if (string_at(p.as_object(), {"idempotency_key"}) == key) ++n;
    return n;
  }

  // Transfers pspsim made for our pay-out (transfer_group = its id).
  std::size_t sim_transfers_of(const std::string& payout_id) {
    auto r = sim().get("/v1/transfers?limit=100&transfer_group=" + payout_id,
                       {{"Authorization", "Bearer sk_test_pspsim"}});
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    return v.is_object() && v.as_object().contains("data")
             ? v.at("data").as_array().size()
             : 0;
  }

  std::int64_t count(const std::string& sql, const std::string& param) {
    return query_int(database_url(), sql, param);
  }

  // The single number `sql` selects (0 for NULL).
  std::int64_t number(const std::string& sql) {
    pqxx::connection conn{database_url()};
    pqxx::read_transaction txn{conn};
    auto value = txn.exec1(sql)[0];
    return value.is_null() ? 0 : value.as<std::int64_t>();
  }

  // One column of an order's row as text ("" for NULL or no such order).
  std::string column_of(const std::string& order, const std::string& column) {
    pqxx::connection conn{database_url()};
    pqxx::read_transaction txn{conn};
    auto rows = txn.exec_params("SELECT coalesce(" + column
                                  + "::text, '') FROM payment_order"
                                    " WHERE payment_order_id = $1",
                                order);
    return rows.empty() ? std::string{} : rows[0][0].c_str();
  }

  void restart_with(stack_environment::env_list env) {
    ASSERT_EQ(stack().restart_paymentd_with(std::move(env)), "");
    reconnect_api();
  }
};

}  // namespace pay::it
