// Refunds against the real paymentd, pspsim and PostgreSQL: full and
// partial refunds, the limit under concurrency, Idempotency-Key, refused
// requests writing nothing, transient PSP failures and a crash, each ending
// in exactly one refund at the PSP. The fixture checks after every test that
// the ledger balances and wallets equal credits - refunds - pay-outs.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/money/refund_fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;

class refunds : public refund_fixture {};

TEST_F(refunds, full_refund_returns_everything_and_debits_the_wallet) {
  auto order = paid_order("full", "12.34");
  ASSERT_EQ(wallet_minor(order.seller_account), 1234);
  auto r = post_refund(api(), order.payment_order_id, "", unique("key_full"),
                       {{"Prefer", "wait=10"}});
  ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  auto refund = json_of(r);
  EXPECT_EQ(string_at(refund, {"amount"}), "12.34");
  EXPECT_EQ(string_at(refund, {"currency"}), "USD");
  EXPECT_EQ(string_at(refund, {"status"}), "SUCCEEDED");
  EXPECT_EQ(string_at(refund, {"payment_order_id"}), order.payment_order_id);
  auto id = string_at(refund, {"id"});
  EXPECT_EQ(id.rfind("rf_", 0), 0u) << id;
  EXPECT_EQ(id.size(), 35u) << id;
  EXPECT_EQ(string_at(refund, {"psp_reference"}).rfind("re_", 0), 0u);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
  EXPECT_EQ(count("SELECT count(*) FROM ledger_transaction"
                  " WHERE kind = 'refund' AND reference = $1",
                  id),
            1);
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 1234), 1234);
}

TEST_F(refunds, two_partials_up_to_the_amount_then_a_third_is_refused) {
  auto order = paid_order("partial", "10.00");
  auto first = post_refund(api(), order.payment_order_id, "4.00",
                           unique("key_p1"));
  ASSERT_EQ(first.res.result_int(), 201u) << first.res.body();
  auto second = post_refund(api(), order.payment_order_id, "6.00",
                            unique("key_p2"));
  ASSERT_EQ(second.res.result_int(), 201u) << second.res.body();
  EXPECT_EQ(string_at(wait_final(string_at(json_of(first), {"id"})),
                      {"status"}),
            "SUCCEEDED");
  EXPECT_EQ(string_at(wait_final(string_at(json_of(second), {"id"})),
                      {"status"}),
            "SUCCEEDED");

  auto third = post_refund(api(), order.payment_order_id, "0.01",
                           unique("key_p3"));
  EXPECT_EQ(third.res.result_int(), 400u) << third.res.body();
  EXPECT_EQ(string_at(json_of(third), {"error", "code"}), "amount_too_large");
  EXPECT_EQ(string_at(json_of(third), {"error", "param"}), "amount");
  EXPECT_EQ(refund_rows(order.payment_order_id), 2);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);

  auto list = json_of(
    api().get("/v1/refunds?payment_order_id=" + order.payment_order_id));
  ASSERT_EQ(list.at("data").as_array().size(), 2u) << json::serialize(list);
  EXPECT_EQ(string_at(list.at("data").as_array()[0], {"amount"}), "4.00");
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 1000), 1000);
}

TEST_F(refunds, partial_refund_says_how_much_is_left_when_asking_too_much) {
  auto order = paid_order("left", "10.00");
  ASSERT_EQ(post_refund(api(), order.payment_order_id, "7.50", unique("key_l1"))
              .res.result_int(),
            201u);
  auto over = post_refund(api(), order.payment_order_id, "2.51",
                          unique("key_l2"));
  EXPECT_EQ(over.res.result_int(), 400u);
  auto message = string_at(json_of(over), {"error", "message"});
  EXPECT_NE(message.find("2.50 USD"), std::string::npos) << message;
  EXPECT_EQ(refund_rows(order.payment_order_id), 1);
}

TEST_F(refunds, concurrent_refunds_never_exceed_the_captured_amount) {
  auto order = paid_order("race", "10.00");
  constexpr int threads_count = 8;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  auto key_base = unique("key_race");
  for (int i = 0; i < threads_count; ++i)
    threads.emplace_back([&, i] {
      http::sync_client client{"127.0.0.1", stack().paymentd_port()};
      client.set_default_headers(admin_auth);
      auto r = post_refund(client, order.payment_order_id, "4.00",
                           key_base + "_" + std::to_string(i));
      if (r.ok && r.res.result_int() == 201)
        ++created;
      else if (r.ok && r.res.result_int() == 400
               && string_at(json_of(r), {"error", "code"})
                    == "amount_too_large")
        ++refused;
      else
        ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 2);
  EXPECT_EQ(refused.load(), threads_count - 2);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(refund_rows(order.payment_order_id), 2);
  auto list = json_of(
    api().get("/v1/refunds?payment_order_id=" + order.payment_order_id));
  for (const auto& refund : list.at("data").as_array())
    EXPECT_EQ(string_at(wait_final(string_at(refund, {"id"})), {"status"}),
              "SUCCEEDED");
  EXPECT_EQ(wallet_minor(order.seller_account), 200);
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 1000), 800);
}

TEST_F(refunds, replay_with_the_same_key_and_body_returns_the_same_refund) {
  auto order = paid_order("replay", "5.00");
  auto key = unique("key_replay");
  auto first = post_refund(api(), order.payment_order_id, "1.00", key);
  ASSERT_EQ(first.res.result_int(), 201u) << first.res.body();
  auto again = post_refund(api(), order.payment_order_id, "1.00", key);
  ASSERT_EQ(again.res.result_int(), 200u) << again.res.body();
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "true");
  EXPECT_EQ(string_at(json_of(again), {"id"}),
            string_at(json_of(first), {"id"}));
  EXPECT_EQ(refund_rows(order.payment_order_id), 1);
  wait_final(string_at(json_of(first), {"id"}));
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 500), 100);
}

TEST_F(
  refunds,
  same_key_with_another_body_is_refused_as_for_payments_and_writes_nothing) {
  auto order = paid_order("reuse", "5.00");
  auto key = unique("key_reuse");
  ASSERT_EQ(
    post_refund(api(), order.payment_order_id, "1.00", key).res.result_int(),
    201u);
  auto other = post_refund(api(), order.payment_order_id, "2.00", key);
  EXPECT_EQ(other.res.result_int(), 400u) << other.res.body();
  EXPECT_EQ(string_at(json_of(other), {"error", "code"}),
            "idempotency_key_reused");
  EXPECT_EQ(refund_rows(order.payment_order_id), 1);
}

TEST_F(refunds, refund_of_a_failed_order_is_refused_with_409) {
  auto order = paid_order("declined", "5.00", "USD", "pm_card_chargeDeclined");
  auto r = post_refund(api(), order.payment_order_id, "", unique("key_fail"));
  EXPECT_EQ(r.res.result_int(), 409u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"error", "code"}), "order_not_refundable");
  EXPECT_EQ(refund_rows(order.payment_order_id), 0);
}

TEST_F(refunds,
       unknown_order_is_404_and_bad_requests_are_400_naming_the_field) {
  auto unknown = post_refund(api(), unique("po_nobody"), "", unique("k"));
  EXPECT_EQ(unknown.res.result_int(), 404u) << unknown.res.body();
  EXPECT_EQ(string_at(json_of(unknown), {"error", "param"}),
            "payment_order_id");

  auto order = paid_order("bad", "500", "JPY");
  auto no_key = api().post("/v1/refunds",
                           refund_body(order.payment_order_id, ""),
                           "application/json");
  EXPECT_EQ(no_key.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(no_key), {"error", "param"}), "Idempotency-Key");
  auto decimals = post_refund(api(), order.payment_order_id, "1.5",
                              unique("k_dec"));
  EXPECT_EQ(decimals.res.result_int(), 400u) << decimals.res.body();
  EXPECT_EQ(string_at(json_of(decimals), {"error", "code"}),
            "amount_too_many_decimals");
  EXPECT_EQ(string_at(json_of(decimals), {"error", "param"}), "amount");
  auto number = api().post(
    "/v1/refunds",
    R"({"payment_order_id":")" + order.payment_order_id + R"(","amount":5})",
    "application/json", {{"Idempotency-Key", unique("k_num")}});
  EXPECT_EQ(number.res.result_int(), 400u);
  EXPECT_EQ(string_at(json_of(number), {"error", "param"}), "amount");
  auto not_json = api().post("/v1/refunds", "{", "application/json",
                             {{"Idempotency-Key", unique("k_json")}});
  EXPECT_EQ(not_json.res.result_int(), 400u);
  EXPECT_EQ(refund_rows(order.payment_order_id), 0);
  EXPECT_EQ(api().get("/v1/refunds/rf_nothing_here").res.result_int(), 404u);
  EXPECT_EQ(api()
              .get("/v1/refunds?payment_order_id=" + unique("po_x"))
              .res.result_int(),
            404u);
}

TEST_F(refunds, lost_psp_answers_are_retried_to_exactly_one_refund) {
  with_a_long_retry_budget();
  auto order = paid_order("transient", "9.99");
  // Every refund call is processed by pspsim and its answer lost.
  set_faults(R"({"seed": 7, "reset_after_commit": 1})");
  auto r = post_refund(api(), order.payment_order_id, "", unique("key_lost"));
  ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  auto id = string_at(json_of(r), {"id"});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (count("SELECT attempts FROM refund WHERE refund_id = $1", id) < 3
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  EXPECT_GE(count("SELECT attempts FROM refund WHERE refund_id = $1", id), 3);
  EXPECT_EQ(string_at(json_of(api().get("/v1/refunds/" + id)), {"status"}),
            "CREATED");
  set_faults(R"({"seed": 8, "error_500": 0.5, "error_429": 0.2})");
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  set_faults("{}");
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 999), 999);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

TEST_F(refunds, crash_while_created_is_finished_exactly_once_after_restart) {
  with_a_long_retry_budget();
  auto order = paid_order("crash", "3.00");
  // pspsim refunds but we never hear it: the row stays CREATED.
  set_faults(R"({"seed": 9, "reset_after_commit": 1})");
  auto r = post_refund(api(), order.payment_order_id, "2.00",
                       unique("key_crash"));
  ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  auto id = string_at(json_of(r), {"id"});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (count("SELECT attempts FROM refund WHERE refund_id = $1", id) < 1
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  ASSERT_GE(count("SELECT attempts FROM refund WHERE refund_id = $1", id), 1);
  ASSERT_EQ(stack().kill_and_restart_paymentd(), "");
  reconnect_api();
  set_faults("{}");
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 300), 200);
  EXPECT_EQ(count("SELECT count(*) FROM ledger_transaction"
                  " WHERE kind = 'refund' AND reference = $1",
                  id),
            1);
  EXPECT_EQ(wallet_minor(order.seller_account), 100);
}

TEST_F(refunds, paymentd_stops_cleanly_with_a_refund_retrying_and_resumes_it) {
  with_a_long_retry_budget();
  auto order = paid_order("stop", "4.00");
  set_faults(R"({"seed": 10, "error_500": 1})");
  auto r = post_refund(api(), order.payment_order_id, "", unique("key_stop"));
  ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  auto id = string_at(json_of(r), {"id"});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (count("SELECT attempts FROM refund WHERE refund_id = $1", id) < 2
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  ASSERT_GE(count("SELECT attempts FROM refund WHERE refund_id = $1", id), 2);
  ASSERT_EQ(stack().restart_paymentd(), "");
  EXPECT_EQ(stack().last_paymentd_exit_code(), 0)
    << "paymentd did not exit cleanly on SIGTERM";
  reconnect_api();
  set_faults("{}");
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 400), 400);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

TEST_F(refunds, three_decimal_refund_in_whole_hundredths_is_refunded) {
  auto order = paid_order("bhd", "1.230", "BHD");
  ASSERT_EQ(wallet_minor(order.seller_account), 1230);
  auto id = create_refund(order.payment_order_id, "0.120", unique("key_bhd"));
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(wallet_minor(order.seller_account), 1110);
  EXPECT_EQ(psp_refunded_minor(intent_of(order.payment_order_id), 1230), 120);
}

// Product gap (reported): POST /v1/refunds takes a BHD amount not ending in
// 0 (201), which the PSP then refuses (invalid_charge_amount) and the refund
// ends FAILED; POST /v1/payments refuses such amounts with 400
// amount_invalid. Enable once refunds check the rule too.
TEST_F(refunds,
       three_decimal_refund_not_in_whole_hundredths_is_refused_with_400) {
  auto order = paid_order("bhd_odd", "1.230", "BHD");
  auto odd = post_refund(api(), order.payment_order_id, "0.125",
                         unique("key_bhd_odd"));
  EXPECT_EQ(odd.res.result_int(), 400u) << odd.res.body();
  EXPECT_EQ(string_at(json_of(odd), {"error", "code"}), "amount_invalid");
  EXPECT_EQ(string_at(json_of(odd), {"error", "param"}), "amount");
  EXPECT_EQ(refund_rows(order.payment_order_id), 0);
}

}  // namespace
}  // namespace pay::it
