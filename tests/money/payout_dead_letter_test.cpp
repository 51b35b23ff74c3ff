// Pay-outs whose provider calls keep deciding nothing spend the retry
// budget of their step (psp.retry_deadline_ms 1 s and
// psp.retry_attempts_max 5 in the stack) and wait in their dead-letter queue
// (docs/payouts.md): parked, not resumed by a restart, paid by a requeue
// once the provider is healthy, and failed by a resolve only the way the
// money allows: at once when no transfer exists, by taking the transfer
// back first when one does, never while the provider holds our money.
// pspsim's seeded faults keep the calls failing.

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/money/money_fixture.hpp"
#include "tests/money/own_world.hpp"

namespace pay::it {
namespace {

using std::chrono::milliseconds;

// A world of each test's own: a pay-out run pays every seller with money
// available, and another test's seller would add calls (and fault draws)
// to this one's.
class payout_dead_letters : public in_a_world_of_their_own<money_test> {
 protected:
  env_list pspsim_env() const override { return {}; }
  env_list paymentd_env() const override { return {}; }

  void TearDown() override {
    set_faults("{}");
    in_a_world_of_their_own<money_test>::TearDown();
  }

  // The pay-out's entry in GET /admin/dlq/payouts?status=all (null: none).
  json::value dead_letter(const std::string& payout_id) {
    auto r = api().get("/admin/dlq/payouts?status=all&limit=1000", admin_auth);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    if (v.is_object() && v.as_object().contains("data"))
      for (const auto& e : v.at("data").as_array())
        if (string_at(e, {"payout_id"}) == payout_id) return e;
    return nullptr;
  }

  json::value wait_parked(const std::string& payout_id) {
    auto until = std::chrono::steady_clock::now() + milliseconds{15'000};
    json::value entry;
    while (std::chrono::steady_clock::now() < until) {
      entry = dead_letter(payout_id);
      if (string_at(entry, {"status"}) == "open") return entry;
      std::this_thread::sleep_for(milliseconds{50});
    }
    ADD_FAILURE() << "payout " << payout_id << " was never parked";
    return entry;
  }

  http::sync_result requeue(const std::string& id) {
    return api().post("/admin/dlq/payouts/" + id + "/requeue", "",
                      "application/json", admin_auth);
  }

  http::sync_result resolve(const std::string& id, const std::string& reason) {
    return api().post("/admin/dlq/payouts/" + id + "/resolve",
                      json::serialize(json::object{{"reason", reason}}),
                      "application/json", admin_auth);
  }

  std::int64_t attempts_of(const std::string& id) {
    return count("SELECT attempts FROM payout WHERE payout_id = $1", id);
  }

  // `seller`'s money, released (fulfilled, settled), and its pay-out made
  // while pspsim runs `faults`; the pay-out's id once parked.
  std::string parked_payout(const std::string& seller,
                            const std::string& amount, const std::string& name,
                            const std::string& faults) {
    set_faults("{}");
    auto order = pay_in(seller, amount, name);
    EXPECT_EQ(fulfill(order).res.result_int(), 200u);
    settle({order});
    set_faults(faults);
    auto created = payouts_for(run(), seller);
    EXPECT_EQ(created.size(), 1u);
    if (created.empty()) return {};
    auto id = string_at(created[0], {"id"});
    wait_parked(id);
    return id;
  }

  // A seed whose fault stream lets the first faultable request through and
  // answers the `failing` after it with 500 (docs/pspsim.md: the same seed
  // and the same order of requests give the same faults). Probed with reads
  // of a transfer that does not exist (404 when let through); every POST
  // restarts the stream from its seed.
  std::uint64_t seed_first_through_then_failing(int failing) {
    const header_list key{{"Authorization", "Bearer sk_test_pspsim"}};
    for (std::uint64_t seed = 1; seed < 5'000; ++seed) {
      auto config = R"({"seed": )" + std::to_string(seed)
                    + R"(, "error_500": 0.97})";
      set_faults(config);
      bool fits = sim().get("/v1/transfers/tr_probe", key).res.result_int()
                  == 404u;
      for (int i = 0; fits && i < failing; ++i)
        fits = sim().get("/v1/transfers/tr_probe", key).res.result_int()
               == 500u;
      if (fits) return seed;
    }
    ADD_FAILURE() << "no seed lets one request through and fails the next "
                  << failing;
    return 0;
  }
};

TEST_F(
  payout_dead_letters,
  a_payout_whose_transfer_keeps_failing_is_parked_and_resolved_back_to_the_wallet) {
  auto seller = unique("seller_dl_fail");
  auto id = parked_payout(seller, "9.00", "dl_fail",
                          R"({"seed": 31, "error_500": 1})");
  ASSERT_FALSE(id.empty());
  auto entry = dead_letter(id);
  EXPECT_EQ(string_at(entry, {"reason"}), "retry_budget_exhausted");
  EXPECT_EQ(string_at(entry, {"payout_status"}), "CREATED");
  EXPECT_EQ(string_at(entry, {"seller_account"}), seller);
  EXPECT_EQ(string_at(entry, {"amount"}), "9.00");
  EXPECT_EQ(entry.at("maybe_paid_out"), json::value(true));
  EXPECT_GE(entry.at("attempts").as_int64(), 5);
  EXPECT_EQ(payout(id).at("dead_lettered"), json::value(true));
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "9.00", "0.00"}));
  // Parked: no more calls.
  auto attempts = attempts_of(id);
  std::this_thread::sleep_for(milliseconds{600});
  EXPECT_EQ(attempts_of(id), attempts);

  // The provider is asked (its transfer list is never faulted): it has no
  // transfer of ours, so the money goes back to the seller's wallet now.
  auto done = resolve(id, "transfers refused all day; pay next week");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  EXPECT_EQ(string_at(json_of(done), {"status"}), "resolved");
  EXPECT_EQ(string_at(json_of(done), {"payout_status"}), "FAILED");
  auto failed = payout(id);
  EXPECT_EQ(string_at(failed, {"status"}), "FAILED");
  EXPECT_EQ(string_at(failed, {"failure_code"}), "operator_resolved");
  EXPECT_EQ(sim_transfers_of(id), 0u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "9.00", "0.00", "0.00"}));
  EXPECT_EQ(count("SELECT count(*) FROM ledger_transaction"
                  " WHERE kind = 'payout_failed' AND reference = $1",
                  id),
            1);
  auto twice = resolve(id, "again");
  EXPECT_EQ(twice.res.result_int(), 409u);
  EXPECT_EQ(string_at(json_of(twice), {"error", "code"}),
            "dead_letter_not_open");
}

TEST_F(payout_dead_letters,
       a_parked_payout_stays_parked_over_a_restart_and_a_requeue_pays_it) {
  auto seller = unique("seller_dl_requeue");
  auto id = parked_payout(seller, "3.00", "dl_requeue",
                          R"({"seed": 32, "error_500": 1})");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(stack().restart_paymentd(), "");
  reconnect_api();
  set_faults("{}");
  auto attempts = attempts_of(id);
  std::this_thread::sleep_for(milliseconds{800});
  EXPECT_EQ(attempts_of(id), attempts) << "recovery resumed a parked payout";
  EXPECT_EQ(sim_transfers_of(id), 0u);

  auto requeued = requeue(id);
  ASSERT_EQ(requeued.res.result_int(), 200u) << requeued.res.body();
  EXPECT_EQ(string_at(json_of(requeued), {"status"}), "requeued");
  wait_for(id, "PAID");
  EXPECT_EQ(sim_transfers_of(id), 1u);
  EXPECT_EQ(sim_payouts_of(id), 1u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "3.00"}));
  EXPECT_EQ(requeue(id).res.result_int(), 409u);
}

TEST_F(payout_dead_letters,
       a_transfer_made_without_our_hearing_it_refuses_the_resolve) {
  auto seller = unique("seller_dl_made");
  // pspsim makes the transfer and every answer is lost.
  auto id = parked_payout(seller, "4.00", "dl_made",
                          R"({"seed": 33, "reset_after_commit": 1})");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(sim_transfers_of(id), 1u);
  auto refused = resolve(id, "looks stuck");
  EXPECT_EQ(refused.res.result_int(), 409u) << refused.res.body();
  EXPECT_EQ(string_at(json_of(refused), {"error", "code"}),
            "psp_payout_exists");
  EXPECT_EQ(string_at(json_of(refused), {"error", "param"}), "payout_id");
  EXPECT_EQ(string_at(payout(id), {"status"}), "CREATED");
  EXPECT_EQ(string_at(dead_letter(id), {"status"}), "open");
  // Requeued once the provider answers, it finds its transfer (same key).
  set_faults("{}");
  ASSERT_EQ(requeue(id).res.result_int(), 200u);
  wait_for(id, "PAID");
  EXPECT_EQ(sim_transfers_of(id), 1u);
  EXPECT_EQ(sim_payouts_of(id), 1u);
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "4.00"}));
}

TEST_F(
  payout_dead_letters,
  a_payout_parked_after_its_transfer_is_failed_by_taking_the_transfer_back) {
  auto seller = unique("seller_dl_reverse");
  set_faults("{}");
  auto order = pay_in(seller, "5.00", "dl_reverse");
  ASSERT_EQ(fulfill(order).res.result_int(), 200u);
  settle({order});
  // The transfer goes through; every pay-out on the connected account after
  // it is answered 500 until the step's budget is spent.
  auto seed = seed_first_through_then_failing(60);
  ASSERT_NE(seed, 0u);
  set_faults(R"({"seed": )" + std::to_string(seed) + R"(, "error_500": 0.97})");
  auto created = payouts_for(run(), seller);
  ASSERT_EQ(created.size(), 1u);
  auto id = string_at(created[0], {"id"});
  auto entry = wait_parked(id);
  ASSERT_EQ(string_at(entry, {"payout_status"}), "TRANSFERRED")
    << json::serialize(entry);
  set_faults("{}");
  EXPECT_EQ(sim_transfers_of(id), 1u);

  // The provider holds no pay-out of ours on the account: the transfer is
  // taken back, then the money returns to the wallet.
  auto done = resolve(id, "the seller's bank refuses pay-outs");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  EXPECT_EQ(string_at(json_of(done), {"status"}), "resolved");
  auto failed = wait_for(id, "FAILED");
  EXPECT_EQ(string_at(failed, {"failure_code"}), "operator_resolved");
  EXPECT_EQ(sim_payouts_of(id), 0u);
  auto transfer = json_of(
    sim().get("/v1/transfers/" + string_at(failed, {"transfer_reference"}),
              {{"Authorization", "Bearer sk_test_pspsim"}}));
  EXPECT_EQ(transfer.at("reversed"), json::value(true))
    << json::serialize(transfer);
  EXPECT_EQ(wallet(seller), (split{"0.00", "5.00", "0.00", "0.00"}));
  EXPECT_EQ(count("SELECT count(*) FROM payout_history WHERE payout_id = $1"
                  " AND event = 'operator_failed' AND to_status = 'REVERSING'",
                  id),
            1);
}

TEST_F(payout_dead_letters, listings_page_with_a_cursor_and_refuse_bad_input) {
  auto seller = unique("seller_dl_page");
  auto order_a = pay_in(seller, "1.00", "dl_page_a");
  ASSERT_EQ(fulfill(order_a).res.result_int(), 200u);
  settle({order_a});
  wait_for(string_at(payouts_for(run(), seller).at(0), {"id"}), "PAID");
  auto order_b = pay_in(seller, "2.00", "dl_page_b");
  ASSERT_EQ(fulfill(order_b).res.result_int(), 200u);
  settle({order_b});
  wait_for(string_at(payouts_for(run(), seller).at(0), {"id"}), "PAID");

  std::vector<std::string> amounts;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto r = api().get("/admin/payouts?seller_account=" + seller + "&limit=1"
                         + (cursor.empty() ? "" : "&cursor=" + cursor),
                       admin_auth);
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    ASSERT_EQ(v.at("data").as_array().size(), 1u);
    amounts.push_back(string_at(v.at("data").at(0), {"amount"}));
    if (!v.at("has_more").as_bool()) break;
    cursor = std::string{v.at("next_cursor").as_string()};
  }
  // Newest first, each once.
  EXPECT_EQ(amounts, (std::vector<std::string>{"2.00", "1.00"}));

  for (const auto& [target, param] :
       std::vector<std::pair<std::string, std::string>>{
         {"/admin/payouts?cursor=x", "cursor"},
         {"/admin/payouts?limit=5000", "limit"},
         {"/admin/payouts?colour=red", "colour"},
         {"/admin/dlq/payouts?status=stuck", "status"},
         {"/admin/dlq/payouts?limit=0", "limit"},
         {"/admin/dlq/payouts?cursor=1.a/b", "cursor"}}) {
    auto r = api().get(target, admin_auth);
    EXPECT_EQ(r.res.result_int(), 400u) << target;
    EXPECT_EQ(string_at(json_of(r), {"error", "param"}), param) << target;
  }
  auto unknown = requeue("pyo_nobody");
  EXPECT_EQ(unknown.res.result_int(), 404u);
  EXPECT_EQ(string_at(json_of(unknown), {"error", "param"}), "payout_id");
  auto no_reason = api().post("/admin/dlq/payouts/pyo_nobody/resolve",
                              R"({"why":"x"})", "application/json", admin_auth);
  EXPECT_EQ(no_reason.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(no_reason), {"error", "param"}), "why");
}

}  // namespace
}  // namespace pay::it
