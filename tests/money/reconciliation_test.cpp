// Reconciliation of what the PSP settled against our books, end to end:
// pspsim serves the day (with the discrepancies a test injects) as Stripe
// balance transactions (reconcile.source's default) or as its settlement
// CSV file, paymentd's reconciler reads it, matches it and routes every
// mismatch. The tests marked by_source run on both sources, the others on
// the default. Each test starts from an empty world (stack().reset()) so
// today's lines hold only its own payments.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/money/money_fixture.hpp"

namespace pay::it {
namespace {

class reconciliation : public money_test {
 protected:
  void SetUp() override {
    ASSERT_EQ(stack().reset(), "");
    integration::SetUp();
    date_ = today_utc();
  }

  // One order of its own seller, paid with `token`.
  std::string pay(const std::string& name, const std::string& amount,
                  const std::string& currency,
                  const std::string& token = "pm_card_visa") {
    return pay_in(unique("seller_" + name), amount, name, currency, token);
  }

  void inject(const std::string& kind, const std::string& reference) {
    json::object body{{"date", date_}, {"kind", kind}};
    if (!reference.empty()) body["reference"] = reference;
    auto res = sim().post("/sim/settlement_discrepancies",
                          json::serialize(body), "application/json");
    ASSERT_TRUE(res.ok) << res.error;
    ASSERT_EQ(res.res.result_int(), 200u) << res.res.body();
  }

  json::object run_day() { return reconcile(date_); }

  json::array exceptions(const std::string& query) {
    auto res = api().get("/admin/reconciliation/exceptions?" + query,
                         admin_auth);
    EXPECT_EQ(res.res.result_int(), 200u) << res.res.body();
    auto v = json_of(res);
    return v.is_object() ? v.as_object()["exceptions"].as_array()
                         : json::array{};
  }

  // Exception routes by kind, for the day.
  std::multimap<std::string, std::string> routes_by_kind() {
    std::multimap<std::string, std::string> out;
    for (const auto& e : exceptions("status=all&date=" + date_))
      out.emplace(std::string{e.at("kind").as_string()},
                  std::string{e.at("route").as_string()});
    return out;
  }

  std::string date_;
};

std::int64_t int_at(const json::object& o, const char* key) {
  return o.at(key).as_int64();
}

// The same test on each reconcile.source: balance_transactions as paymentd
// starts by default (no setting given), settlement_csv set for the test.
class reconciliation_by_source
    : public reconciliation,
      public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    reconciliation::SetUp();
    if (HasFatalFailure()) return;
    if (GetParam() != "balance_transactions")
      restart_with({{"PAYMENTD_RECONCILE_SOURCE", GetParam()}});
  }

  // The day reconciled, from the source under test.
  json::object run_day() {
    auto run = reconcile(date_);
    const auto* source = run.contains("report")
                           ? run.at("report").as_object().if_contains("source")
                           : nullptr;
    EXPECT_TRUE(source != nullptr && source->is_object())
      << json::serialize(run);
    if (source != nullptr && source->is_object()) {
      EXPECT_EQ(source->at("name").as_string(), GetParam());
    }
    return run;
  }
};

INSTANTIATE_TEST_SUITE_P(by_source, reconciliation_by_source,
                         ::testing::Values("balance_transactions",
                                           "settlement_csv"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

TEST_P(reconciliation_by_source,
       a_clean_day_reconciles_with_zero_exceptions_and_settles_every_order) {
  std::vector<std::string> orders = {pay("a", "10.00", "USD"),
                                     pay("b", "25.50", "USD"),
                                     pay("c", "19.99", "EUR"),
                                     pay("d", "1200", "JPY")};
  auto run = run_day();
  ASSERT_EQ(run.at("status").as_string(), "completed");
  const auto& report = run.at("report").as_object();
  EXPECT_EQ(int_at(report, "lines"), 4);
  EXPECT_EQ(int_at(report, "matched"), 4);
  EXPECT_EQ(int_at(report, "auto_corrected"), 0);
  EXPECT_EQ(int_at(report, "queued"), 0);
  EXPECT_EQ(int_at(report, "escalated"), 0);
  EXPECT_EQ(int_at(report, "new_ledger_transactions"), 3);  // USD, EUR, JPY
  EXPECT_EQ(report.at("totals").at("USD").at("gross").as_string(), "35.50");
  EXPECT_TRUE(exceptions("status=all&date=" + date_).empty());
  for (const auto& order : orders)
    EXPECT_EQ(column_of(order, "settled_on"), date_) << order;
  // Everything the PSP owed us for these pay-ins has arrived: the receivable
  // is cleared, the bank holds gross minus the agreed fees.
  EXPECT_EQ(number("SELECT coalesce(sum(amount_minor), 0) FROM ledger_entry"
                   " WHERE account = 'psp_receivable'"),
            0);
  // USD: 1000 -> fee 59, 2550 -> fee 104 (2.9% + 30, half up).
  EXPECT_EQ(number("SELECT sum(amount_minor) FROM ledger_entry"
                   " WHERE account = 'psp_fees' AND currency = 'USD'"),
            59 + 104);
  EXPECT_EQ(number("SELECT sum(amount_minor) FROM ledger_entry"
                   " WHERE account = 'bank' AND currency = 'USD'"),
            3550 - 163);
}

TEST_F(reconciliation, re_running_a_day_changes_nothing) {
  pay("a", "10.00", "USD");
  pay("b", "12.00", "USD", "pm_card_chargeDeclined");
  auto missing = pay("m", "7.00", "USD");
  inject("missing_charge", column_of(missing, "psp_reference"));
  inject("unknown_charge", "");
  auto first = run_day();
  const char* tables[] = {"ledger_transaction", "ledger_entry",
                          "reconciliation_exception", "settlement_line"};
  std::map<std::string, std::int64_t> before;
  for (auto* t : tables)
    before[t] = number(std::string{"SELECT count(*) FROM "} + t);
  auto settled = number(
    "SELECT count(*) FROM payment_order WHERE settled_on IS NOT NULL");

  auto second = run_day();
  const auto& report = second.at("report").as_object();
  EXPECT_NE(int_at(second, "run_id"), int_at(first, "run_id"));
  EXPECT_EQ(int_at(report, "new_exceptions"), 0);
  EXPECT_EQ(int_at(report, "new_ledger_transactions"), 0);
  EXPECT_EQ(int_at(report, "records_settled"), 0);
  // The same classification as the first time.
  for (const char* key : {"lines", "matched", "queued", "escalated"})
    EXPECT_EQ(int_at(report, key), int_at(first.at("report").as_object(), key))
      << key;
  for (auto* t : tables)
    EXPECT_EQ(number(std::string{"SELECT count(*) FROM "} + t), before[t]) << t;
  EXPECT_EQ(
    number("SELECT count(*) FROM payment_order WHERE settled_on IS NOT NULL"),
    settled);
  EXPECT_EQ(number("SELECT count(*) FROM reconciliation_run"), 2);
}

TEST_P(reconciliation_by_source,
       a_day_with_all_seven_discrepancy_kinds_reports_each_exactly_once) {
  pay("clean", "10.00", "USD");
  auto missing = pay("missing", "11.00", "USD");
  auto amount = pay("amount", "12.00", "USD");
  auto currency = pay("currency", "13.00", "USD");
  auto duplicate = pay("dup", "14.00", "USD");
  auto fee = pay("fee", "15.00", "USD");
  auto declined = pay("declined", "16.00", "USD", "pm_card_chargeDeclined");
  auto reference = [&](const std::string& order) {
    auto ref = column_of(order, "psp_reference");
    EXPECT_FALSE(ref.empty()) << order << " has no PSP reference";
    return ref;
  };
  inject("unknown_charge", "");
  inject("missing_charge", reference(missing));
  inject("amount_mismatch", reference(amount));
  inject("currency_mismatch", reference(currency));
  inject("duplicate_line", reference(duplicate));
  inject("fee_mismatch", reference(fee));
  inject("status_mismatch", reference(declined));

  auto run = run_day();
  const auto& report = run.at("report").as_object();
  const auto& by_kind = report.at("by_kind").as_object();
  const std::map<std::string, std::string> expected_route = {
    {"unknown_charge", "escalated"},  {"missing_charge", "queued"},
    {"amount_mismatch", "escalated"}, {"currency_mismatch", "escalated"},
    {"duplicate_line", "queued"},     {"fee_mismatch", "auto_corrected"},
    {"status_mismatch", "escalated"}};
  EXPECT_EQ(by_kind.size(), expected_route.size()) << json::serialize(report);
  for (const auto& [kind, route] : expected_route) {
    ASSERT_TRUE(by_kind.contains(kind))
      << kind << ": " << json::serialize(report);
    EXPECT_EQ(by_kind.at(kind).as_int64(), 1) << kind;
  }
  auto stored = routes_by_kind();
  EXPECT_EQ(stored.size(), expected_route.size());
  for (const auto& [kind, route] : expected_route) {
    ASSERT_EQ(stored.count(kind), 1u) << kind;
    EXPECT_EQ(stored.find(kind)->second, route) << kind;
  }
  EXPECT_EQ(int_at(report, "auto_corrected"), 1);
  EXPECT_EQ(int_at(report, "queued"), 2);
  EXPECT_EQ(int_at(report, "escalated"), 4);
  // Lines: clean, amount, currency, dup twice, fee, declined, unknown (the
  // missing one is not there); clean and the first dup are clean matches.
  EXPECT_EQ(int_at(report, "lines"), 8);
  EXPECT_EQ(int_at(report, "matched"), 2);
  // The open queue for finance shows both sides of each non-corrected one;
  // the escalated are flagged.
  auto open = exceptions("date=" + date_);
  EXPECT_EQ(open.size(), 6u);
  for (const auto& e : open) {
    EXPECT_EQ(e.at("status").as_string(), "open");
    EXPECT_EQ(e.at("escalated").as_bool(),
              e.at("route").as_string() == "escalated");
    EXPECT_TRUE(e.at("theirs").is_object());
  }
  // The fees the PSP actually took are booked, the odd one included; what
  // could not be matched waits in suspense (USD, and EUR for the line whose
  // currency changed).
  EXPECT_EQ(number("SELECT sum(amount_minor) FROM ledger_entry"
                   " WHERE account = 'psp_fees' AND currency = 'USD'"),
            number("SELECT sum(fee_minor) FROM settlement_line"
                   " WHERE currency = 'USD'"));
  EXPECT_EQ(number(
              "SELECT count(*) FROM ledger_entry e JOIN ledger_transaction t"
              " ON t.id = e.transaction_id WHERE t.kind = 'settlement'"
              " AND e.account = 'settlement_suspense'"),
            2);
  EXPECT_EQ(column_of(fee, "settled_on"), date_);
  EXPECT_EQ(column_of(declined, "status"), "FAILED");
  EXPECT_EQ(column_of(amount, "settled_on"), "");
}

TEST_F(
  reconciliation,
  an_order_still_pending_that_the_psp_settled_is_finished_through_the_normal_transition) {
  // The order asks the PSP only when poked: nothing but the reconciliation
  // may move it in this test.
  ASSERT_EQ(stack().restart_paymentd_with(
              {{"PAYMENTD_PSP_PROCESSING_POLL_MS", "600000"},
               {"PAYMENTD_PSP_PENDING_POLL_MAX_MS", "600000"}}),
            "");
  reconnect_api();
  // pay_in gives a 3-D Secure checkout a return_url, so it waits for the
  // buyer instead of declining at once (error_on_requires_action).
  const auto pending = pay("pending", "20.00", "EUR",
                           "pm_card_threeDSecureRequired");
  // pspsim holds 3-D Secure for the test to decide: the order waits.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (column_of(pending, "status") != "PENDING"
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  ASSERT_EQ(column_of(pending, "status"), "PENDING");
  inject("status_mismatch", column_of(pending, "psp_reference"));
  auto run = run_day();
  const auto& report = run.at("report").as_object();
  // Not corrected from the file alone: the PSP may still fail the order.
  EXPECT_EQ(int_at(report, "auto_corrected"), 0);
  EXPECT_EQ(int_at(report, "queued"), 1);
  EXPECT_EQ(int_at(report, "escalated"), 0);
  EXPECT_EQ(int_at(report, "orders_polled"), 1);
  // The reconciler asked; the order asked the PSP itself and moved.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (column_of(pending, "status") != "SUCCESS"
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  EXPECT_EQ(column_of(pending, "status"), "SUCCESS");
  EXPECT_EQ(number(
              "SELECT count(*) FROM payment_order_history WHERE to_status = "
              "'SUCCESS' AND event = 'psp_succeeded' AND payment_order_id = '"
              + pending + "'"),
            1);
  // The follow-up then moves the money from suspense to the receivable the
  // pay-in opened, and settles the order on the day the PSP settled it.
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds{15};
  while (column_of(pending, "settled_on") != date_
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  EXPECT_EQ(column_of(pending, "settled_on"), date_);
  auto all = exceptions("status=all&date=" + date_);
  ASSERT_EQ(all.size(), 1u);
  const auto& e = all[0].as_object();
  EXPECT_EQ(e.at("kind").as_string(), "status_mismatch");
  EXPECT_EQ(e.at("route").as_string(), "auto_corrected");
  EXPECT_EQ(e.at("status").as_string(), "resolved");
  ASSERT_TRUE(e.at("correction").is_object()) << json::serialize(e);
  EXPECT_EQ(e.at("correction").at("account").as_string(), "psp_receivable");
  EXPECT_EQ(e.at("correction").at("amount").as_string(), "-20.00");
  for (const char* account : {"psp_receivable", "settlement_suspense"})
    EXPECT_EQ(number(std::string{"SELECT coalesce(sum(amount_minor), 0)"
                                 " FROM ledger_entry WHERE currency = 'EUR'"
                                 " AND account = '"}
                     + account + "'"),
              0)
      << account;
  ASSERT_TRUE(
    wait_until_settled(api(), column_of(pending, "checkout_id")).settled);
}

TEST_F(reconciliation, finance_resolves_a_queued_exception_once_with_a_reason) {
  auto missing = pay("missing", "11.00", "USD");
  inject("missing_charge", column_of(missing, "psp_reference"));
  run_day();
  auto open = exceptions("date=" + date_);
  ASSERT_EQ(open.size(), 1u);
  auto id = std::to_string(open[0].at("id").as_int64());
  auto path = "/admin/reconciliation/exceptions/" + id + "/resolve";

  auto no_reason = api().post(path, "{}", "application/json", admin_auth);
  EXPECT_EQ(no_reason.res.result_int(), 400u);
  EXPECT_EQ(exceptions("date=" + date_).size(), 1u);

  auto done = api().post(path, R"({"reason":"in tomorrow's file"})",
                         "application/json", admin_auth);
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  auto resolved = json_of(done).as_object();
  EXPECT_EQ(resolved.at("status").as_string(), "resolved");
  EXPECT_EQ(resolved.at("resolution").as_string(), "in tomorrow's file");
  EXPECT_TRUE(exceptions("date=" + date_).empty());

  auto again = api().post(path, R"({"reason":"twice"})", "application/json",
                          admin_auth);
  EXPECT_EQ(again.res.result_int(), 409u);
  auto unknown = api().post("/admin/reconciliation/exceptions/999999/resolve",
                            R"({"reason":"x"})", "application/json",
                            admin_auth);
  EXPECT_EQ(unknown.res.result_int(), 404u);
  // A re-run does not reopen what finance closed.
  run_day();
  EXPECT_TRUE(exceptions("date=" + date_).empty());
}

TEST_F(reconciliation,
       a_listing_the_psp_refuses_is_a_failed_run_that_writes_nothing_else) {
  pay("a", "10.00", "USD");
  // pspsim refuses any other key: the first page answers 401.
  restart_with({{"PSP_API_KEY", "sk_test_not_pspsims"}});
  auto res = api().post("/admin/reconciliation/run?date=" + date_, "",
                        "application/json", admin_auth);
  EXPECT_EQ(res.res.result_int(), 502u) << res.res.body();
  EXPECT_NE(res.res.body().find(
              "balance transactions page 1 answered HTTP 401"),
            std::string::npos)
    << res.res.body();
  EXPECT_EQ(number("SELECT count(*) FROM reconciliation_run"
                   " WHERE status = 'failed'"),
            1);
  EXPECT_EQ(number("SELECT count(*) FROM reconciliation_run"), 1);
  for (const char* table : {"settlement_line", "reconciliation_exception"})
    EXPECT_EQ(number(std::string{"SELECT count(*) FROM "} + table), 0) << table;
  EXPECT_EQ(number("SELECT count(*) FROM ledger_transaction"
                   " WHERE kind = 'settlement'"),
            0);
  EXPECT_EQ(
    number("SELECT count(*) FROM payment_order WHERE settled_on IS NOT NULL"),
    0);
}

TEST_F(reconciliation, bad_run_requests_are_refused_and_record_nothing) {
  for (const std::string& query :
       {std::string{""}, std::string{"?date=2026-13-01"},
        std::string{"?date=yesterday"},
        std::string{"?date=" + date_ + "&x=1"}}) {
    auto res = api().post("/admin/reconciliation/run" + query, "",
                          "application/json", admin_auth);
    EXPECT_EQ(res.res.result_int(), 400u) << query;
    auto err = json_of(res);
    ASSERT_TRUE(err.is_object()) << query;
    EXPECT_FALSE(std::string{err.at("error").at("param").as_string()}.empty());
  }
  auto get = api().get("/admin/reconciliation/run?date=" + date_, admin_auth);
  EXPECT_EQ(get.res.result_int(), 405u);
  auto no_key = anonymous().post("/admin/reconciliation/run?date=" + date_, "",
                                 "application/json");
  EXPECT_EQ(no_key.res.result_int(), 401u);
  EXPECT_EQ(number("SELECT count(*) FROM reconciliation_run"), 0);
}

}  // namespace
}  // namespace pay::it
