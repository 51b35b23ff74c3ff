// Pay-outs against the real paymentd, pspsim and PostgreSQL: every release
// condition withholds the money until all hold, a seller is paid only
// through its connected account (a transfer, then a pay-out on that
// account), concurrent runs never overdraw, a failed pay-out takes its
// transfer back and gives the money back, webhooks finish pay-outs, and a
// crash leaves exactly one transfer and one pay-out at the provider.
// The wallet split is checked at each step; the ledger and wallet invariants
// after every test (fixture).

#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "domain/common/rfc3339.hpp"
#include "domain/payin/webhook_signature.hpp"
#include "tests/money/money_fixture.hpp"
#include "tests/money/own_world.hpp"

namespace pay::it {
namespace {

class payouts : public money_test {};

TEST_F(
  payouts,
  fulfil_answers_the_same_time_again_and_refuses_unknown_or_unpaid_orders) {
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
  EXPECT_EQ(string_at(json_of(refused), {"error", "code"}),
            "order_not_succeeded");
}

TEST_F(payouts, a_seller_without_a_connected_account_is_paid_once_it_has_one) {
  auto seller = unique("seller_unconnected");
  auto order = pay_in_unconnected(seller, "8.00", "unconnected");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  auto before = run();
  EXPECT_TRUE(payouts_for(before, seller).empty());
  EXPECT_GE(before.at("awaiting_connected_account").as_int64(), 1);
  EXPECT_EQ(wallet(seller).available, "8.00");
  EXPECT_EQ(
    api().get("/v1/sellers/" + seller + "/connected_account").res.result_int(),
    404u);

  connect(seller);
  auto linked = json_of(
    api().get("/v1/sellers/" + seller + "/connected_account"));
  auto account = string_at(linked, {"stripe_account"});
  EXPECT_EQ(account.rfind("acct_", 0), 0u) << json::serialize(linked);
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(string_at(created[0], {"stripe_account"}), account);
  auto paid = wait_for(string_at(created[0], {"id"}), "PAID");
  EXPECT_EQ(string_at(paid, {"transfer_reference"}).rfind("tr_", 0), 0u);
  EXPECT_EQ(string_at(paid, {"psp_reference"}).rfind("po_", 0), 0u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "8.00"}));
}

TEST_F(payouts, onboarding_links_once_and_refuses_a_second_account) {
  auto seller = unique("seller_onboard");
  auto path = "/v1/sellers/" + seller + "/connected_account";
  auto first = api().post(path, R"({"country":"DE"})", "application/json");
  ASSERT_EQ(first.res.result_int(), 201u) << first.res.body();
  auto account = string_at(json_of(first), {"stripe_account"});
  auto again = api().post(path, "", "application/json");
  EXPECT_EQ(again.res.result_int(), 200u);
  EXPECT_EQ(string_at(json_of(again), {"stripe_account"}), account);
  auto other = api().post(path, R"({"stripe_account":"acct_someoneelse"})",
                          "application/json");
  EXPECT_EQ(other.res.result_int(), 409u) << other.res.body();
  EXPECT_EQ(string_at(json_of(other), {"error", "code"}),
            "connected_account_conflict");
  // Linking an account the PSP does not know changes nothing.
  auto stranger = unique("seller_stranger");
  auto unknown = api().post("/v1/sellers/" + stranger + "/connected_account",
                            R"({"stripe_account":"acct_nosuchaccount"})",
                            "application/json");
  EXPECT_EQ(unknown.res.result_int(), 400u) << unknown.res.body();
  EXPECT_EQ(string_at(json_of(unknown), {"error", "param"}), "stripe_account");
  EXPECT_EQ(api()
              .get("/v1/sellers/" + stranger + "/connected_account")
              .res.result_int(),
            404u);
  auto bad = api().post("/v1/sellers/" + stranger + "/connected_account",
                        R"({"country":"Germany"})", "application/json");
  EXPECT_EQ(bad.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(bad), {"error", "param"}), "country");
}

TEST_F(payouts, a_seller_never_credited_has_no_wallet) {
  auto r = api().get("/v1/wallets/" + unique("seller_nobody"));
  ASSERT_EQ(r.res.result_int(), 404u);
  EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "seller_account");
}

// Reads have connections of their own: a fulfilment stuck on a row lock
// holds the pay-out connection, and a wallet read is answered meanwhile
// (before, it queued behind the fulfilment until the client gave up).
TEST_F(payouts, a_wallet_read_is_answered_while_the_payout_connection_waits) {
  auto seller = unique("seller_busy");
  auto order = pay_in(seller, "7.00", "busy");
  pqxx::connection blocker{database_url()};
  pqxx::work hold{blocker};
  hold.exec_params(
    "SELECT 1 FROM payment_order WHERE payment_order_id = $1"
    " FOR UPDATE",
    order);
  auto fulfilling = std::async(std::launch::async, [&] {
    return client_with_key(test_admin_key(), 60'000)
      ->post("/v1/payment_orders/" + order + "/fulfill", "",
             "application/json");
  });
  // The fulfilment has reached the database and waits for our lock.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (count("SELECT count(*) FROM pg_stat_activity"
               " WHERE datname = current_database()"
               " AND wait_event_type = 'Lock' AND query LIKE $1",
               "%FROM payment_order WHERE payment_order_id = $1 FOR UPDATE%")
           == 0
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(milliseconds{20});
  ASSERT_LT(std::chrono::steady_clock::now(), until)
    << "the fulfilment never waited on the lock";

  EXPECT_EQ(wallet(seller), (split{"7.00", "0.00", "0.00", "0.00"}));
  EXPECT_EQ(api()
              .get("/admin/payouts?seller_account=" + seller, admin_auth)
              .res.result_int(),
            200u);

  hold.commit();
  EXPECT_EQ(fulfilling.get().res.result_int(), 200u);
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
  EXPECT_GE(done.at("history").as_array().size(),
            3u);  // created, accepted, paid
  EXPECT_TRUE(payouts_for(run(), seller).empty()) << "nothing left to pay";
  EXPECT_EQ(
    count("SELECT count(*) FROM payout WHERE seller_account = $1", seller), 1);
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

TEST_F(payouts,
       concurrent_runs_create_exactly_one_payout_of_the_available_balance) {
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
      client.set_default_headers(admin_auth);
      auto r = client.post("/admin/payouts/run", "", "application/json",
                           admin_auth);
      if (r.ok && r.res.result_int() == 200)
        for (const auto& p : payouts_for(json_of(r).as_object(), seller))
          amounts[i].push_back(string_at(p, {"amount"}));
    });
  for (auto& t : threads) t.join();
  std::vector<std::string> all;
  for (const auto& v : amounts) all.insert(all.end(), v.begin(), v.end());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], "12.34");
  EXPECT_EQ(
    count("SELECT count(*) FROM payout WHERE seller_account = $1", seller), 1);
  EXPECT_EQ(count("SELECT coalesce(sum(amount_minor), 0)::bigint FROM payout"
                  " WHERE seller_account = $1",
                  seller),
            1234);
  auto s = wallet(seller);
  EXPECT_EQ(s.pending, "1.00");
  EXPECT_EQ(s.available, "0.00");
}

TEST_F(payouts, failed_payout_reverses_its_transfer_and_returns_the_money) {
  auto seller = unique("seller_closed");
  connect(seller, "closed-bank@shop.example");
  auto order = pay_in(seller, "9.99", "closed");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  auto failed = wait_for(id, "FAILED");
  EXPECT_EQ(string_at(failed, {"failure_code"}), "account_closed");
  auto transfer = string_at(failed, {"transfer_reference"});
  ASSERT_FALSE(transfer.empty()) << json::serialize(failed);
  auto read = sim().get("/v1/transfers/" + transfer,
                        {{"Authorization", "Bearer sk_test_pspsim"}});
  EXPECT_EQ(json_of(read).at("reversed"), json::value(true)) << read.res.body();
  EXPECT_EQ(count("SELECT count(*) FROM payout_history WHERE payout_id = $1"
                  " AND to_status = 'REVERSING'",
                  id),
            1);
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
  // An event naming our pay-out from another connected account is not
  // about it: acknowledged, ignored.
  auto forged = R"({"id":")" + unique("evt_forged")
                + R"(","type":"payout.paid","account":"acct_someoneelse",)"
                + R"("data":{"object":{"id":"po_x","metadata":{"payout_id":")"
                + id + R"("}}}})";
  auto r = api().post(
    "/v1/webhooks/psp", forged, "application/json",
    {{"Stripe-Signature",
      domain::sign_webhook("whsec_pspsim", domain::unix_now_s(), forged)}});
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"outcome"}), "ignored");
  wait_for(id, "PAID", milliseconds{10'000});
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "4.00"}));
  restart_with({});
}

TEST_F(
  payouts,
  payout_created_while_the_provider_is_unreachable_is_sent_once_after_restart) {
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
  EXPECT_EQ(sim_transfers_of(id), 1u);
  EXPECT_EQ(sim_payouts_of(id), 1u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "3.21"}));
}

TEST_F(payouts,
       crash_right_after_creating_a_payout_leaves_one_payout_finished_once) {
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
  EXPECT_EQ(sim_transfers_of(id), 1u);
  EXPECT_EQ(sim_payouts_of(id), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM payout_history"
                  " WHERE payout_id = $1 AND to_status = 'PAID'",
                  id),
            1);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "6.66"}));
}

TEST_F(payouts,
       admin_lists_payouts_by_seller_and_status_and_refuses_bad_filters) {
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
  EXPECT_EQ(
    api().get("/admin/payouts?status=paid", admin_auth).res.result_int(), 400u);
  EXPECT_EQ(api().get("/admin/payouts?limit=0", admin_auth).res.result_int(),
            400u);
  EXPECT_EQ(api().get("/admin/payouts/pyo_nope", admin_auth).res.result_int(),
            404u);
}

// pspsim forgets keys after 2 s, paymentd trusts them for 1 s: a pay-out
// retried later than that must look its transfer up, not create another.
class payouts_past_the_key_lifetime
    : public in_a_world_of_their_own<money_test> {
 protected:
  env_list pspsim_env() const override {
    return {{"PSPSIM_IDEMPOTENCY_KEY_TTL_S", "2"}};
  }
  env_list paymentd_env() const override {
    return {{"PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S", "1"},
            {"PAYMENTD_PSP_REQUEST_TIMEOUT_MS", "2500"}};
  }
};

TEST_F(payouts_past_the_key_lifetime,
       transfer_answer_lost_past_the_key_lifetime_is_looked_up_not_sent_again) {
  auto seller = unique("seller_key_gone");
  auto order = pay_in(seller, "6.00", "key_gone");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  // The transfer is made and its answer held past paymentd's timeout, then
  // the connection is reset; by the retry the key is gone at pspsim.
  set_faults(R"({"seed": 7, "timeout_after_commit": 1, "hold_ms": 5000})");
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (sim_transfers_of(id) == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  set_faults("{}");
  ASSERT_EQ(sim_transfers_of(id), 1u) << "the first POST made the transfer";

  auto paid = wait_for(id, "PAID", std::chrono::milliseconds{20'000});
  EXPECT_EQ(sim_transfers_of(id), 1u) << "transferred again after the key";
  EXPECT_EQ(sim_payouts_of(id), 1u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "6.00"}));
}

}  // namespace
}  // namespace pay::it
