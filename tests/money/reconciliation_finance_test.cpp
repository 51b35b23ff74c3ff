// Finance's side of reconciliation, end to end (docs/reconciliation.md):
// resolving an exception books its correcting entry out of
// settlement_suspense, once; exception keys name what a line is about, so a
// file read again in another order or with a line added keeps them; a
// charge near midnight is looked for on the next day before it is called
// missing; a pending order the PSP settled is never booked to the
// receivable from the file alone, and its later failure escalates; every
// listing pages with a cursor; the trial balance totals zero. Each test
// starts from an empty world (stack().reset()) so the day holds only its own
// payments.

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "testkit/invariants.hpp"
#include "tests/money/money_fixture.hpp"

namespace pay::it {
namespace {

class finance_reconciliation : public money_test {
 protected:
  void SetUp() override {
    ASSERT_EQ(stack().reset(), "");
    integration::SetUp();
    date_ = today_utc();
  }

  std::string pay(const std::string& name, const std::string& amount,
                  const std::string& currency = "USD",
                  const std::string& token = "pm_card_visa") {
    return pay_in(unique("seller_" + name), amount, name, currency, token);
  }

  void inject(const std::string& kind, const std::string& reference,
              const std::string& date = "") {
    json::object body{{"date", date.empty() ? date_ : date}, {"kind", kind}};
    if (!reference.empty()) body["reference"] = reference;
    auto res = sim().post("/sim/settlement_discrepancies",
                          json::serialize(body), "application/json");
    ASSERT_EQ(res.res.result_int(), 200u) << res.res.body();
  }

  json::object report_of(const std::string& date) {
    auto run = reconcile(date);
    return run.contains("report") ? run.at("report").as_object()
                                  : json::object{};
  }

  json::array exceptions(const std::string& query) {
    auto res = api().get("/admin/reconciliation/exceptions?" + query,
                         admin_auth);
    EXPECT_EQ(res.res.result_int(), 200u) << res.res.body();
    auto v = json_of(res);
    return v.is_object() ? v.as_object()["exceptions"].as_array()
                         : json::array{};
  }

  // The day's one exception of `kind` (all statuses).
  json::object exception_of(const std::string& kind) {
    for (const auto& e : exceptions("status=all&date=" + date_))
      if (e.at("kind").as_string() == kind) return e.as_object();
    ADD_FAILURE() << "no " << kind << " exception on " << date_;
    return {};
  }

  http::sync_result resolve(std::int64_t id, const std::string& body) {
    return api().post("/admin/reconciliation/exceptions/" + std::to_string(id)
                        + "/resolve",
                      body, "application/json", admin_auth);
  }

  std::int64_t sum_of(const std::string& account,
                      const std::string& currency = "USD") {
    return number(
      "SELECT coalesce(sum(amount_minor), 0) FROM ledger_entry"
      " WHERE account = '"
      + account + "' AND currency = '" + currency + "'");
  }

  std::int64_t corrections() {
    return number(
      "SELECT count(*) FROM ledger_transaction"
      " WHERE kind = 'suspense_correction'");
  }

  // Reconciles from pspsim's settlement CSV, served verbatim as `lines`
  // (CSV rows after the header) with a TOTAL row per currency added.
  void use_settlement_file(
    const std::vector<
      std::tuple<std::string, std::string, std::string, std::string>>& lines) {
    std::string csv =
      "psp_reference,idempotency_key,type,gross,fee,net,currency,"
      "settled_date\n";
    std::int64_t gross_minor = 0;
    for (const auto& [reference, key, type, gross] : lines) {
      csv += reference + "," + key + "," + type + "," + gross + ",0.00," + gross
             + ",USD," + date_ + "\n";
      auto dot = gross.find('.');
      gross_minor += std::stoll(gross.substr(0, dot)) * 100
                     + std::stoll(gross.substr(dot + 1));
    }
    auto total = std::to_string(gross_minor / 100) + "."
                 + (gross_minor % 100 < 10 ? "0" : "")
                 + std::to_string(gross_minor % 100);
    csv += "TOTAL,,total," + total + ",0.00," + total + ",USD," + date_ + "\n";
    http::request put{boost::beast::http::verb::put,
                      "/sim/settlement_files/" + date_, 11};
    put.set(boost::beast::http::field::content_type, "text/csv");
    put.body() = csv;
    auto answer = sim().send(std::move(put));
    ASSERT_EQ(answer.res.result_int(), 200u) << answer.res.body();
  }

  std::string date_;
};

std::int64_t int_at(const json::object& o, const char* key) {
  return o.at(key).as_int64();
}

std::string yesterday_of(const std::string& date) {
  auto at = domain::unix_s_of_rfc3339(date + "T00:00:00Z");
  return domain::to_rfc3339_utc(std::chrono::system_clock::time_point{
                                  std::chrono::seconds{*at - 86'400}})
    .substr(0, 10);
}

TEST_F(finance_reconciliation,
       resolving_moves_the_exceptions_money_out_of_suspense_once) {
  auto order = pay("amount", "12.00");
  inject("amount_mismatch", column_of(order, "psp_reference"));
  report_of(date_);
  auto e = exception_of("amount_mismatch");
  auto id = e.at("id").as_int64();
  // What the line holds in suspense: its gross, a credit.
  ASSERT_TRUE(e.at("settlement_suspense").is_object()) << json::serialize(e);
  auto held = e.at("settlement_suspense").at("amount_minor").as_int64();
  EXPECT_LT(held, 0);
  EXPECT_EQ(sum_of("settlement_suspense"), held);
  EXPECT_TRUE(e.at("correction").is_null());

  // An account this exception cannot go to is refused, naming the field,
  // and nothing is written.
  for (const auto& body :
       {std::string{R"({"reason":"x","account":"payouts_in_transit"})"},
        std::string{R"({"reason":"x","account":"settlement_suspense"})"},
        std::string{R"({"reason":"x","account":"seller_payable:anyone"})"},
        std::string{R"({"reason":"x","account":17})"},
        std::string{R"({"reason":"x","amount":"1.00"})"},
        std::string{R"({"account":"psp_fees"})"}}) {
    auto refused = resolve(id, body);
    EXPECT_EQ(refused.res.result_int(), 400u) << body;
    auto param = string_at(json_of(refused), {"error", "param"});
    EXPECT_TRUE(param == "account" || param == "amount" || param == "reason")
      << body << " -> " << param;
  }
  EXPECT_EQ(corrections(), 0);
  EXPECT_EQ(exceptions("date=" + date_).size(), 1u);

  auto body = R"({"reason":"the PSP kept it as a fee","account":"psp_fees"})";
  auto done = resolve(id, body);
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  auto resolved = json_of(done).as_object();
  EXPECT_EQ(resolved.at("outcome").as_string(), "booked");
  EXPECT_EQ(resolved.at("status").as_string(), "resolved");
  const auto& correction = resolved.at("correction").as_object();
  EXPECT_EQ(correction.at("account").as_string(), "psp_fees");
  EXPECT_EQ(correction.at("amount_minor").as_int64(), held);
  EXPECT_EQ(correction.at("currency").as_string(), "USD");
  auto tx = correction.at("transaction_id").as_int64();
  // One balanced entry, referenced by the exception, out of suspense.
  EXPECT_EQ(number("SELECT count(*) FROM ledger_transaction WHERE id = "
                   + std::to_string(tx)
                   + " AND kind = 'suspense_correction'"
                     " AND reference = '"
                   + std::to_string(id) + "'"),
            1);
  EXPECT_EQ(number("SELECT sum(amount_minor) FROM ledger_entry"
                   " WHERE transaction_id = "
                   + std::to_string(tx)),
            0);
  EXPECT_EQ(sum_of("settlement_suspense"), 0);
  auto read = json_of(api().get(
    "/admin/reconciliation/exceptions/" + std::to_string(id), admin_auth));
  EXPECT_EQ(read.at("correction").at("transaction_id").as_int64(), tx);

  // The same resolution again writes nothing and says so; another is a
  // conflict.
  auto again = resolve(id, body);
  ASSERT_EQ(again.res.result_int(), 200u) << again.res.body();
  EXPECT_EQ(string_at(json_of(again), {"outcome"}), "already_resolved");
  auto other = resolve(id, R"({"reason":"something else"})");
  EXPECT_EQ(other.res.result_int(), 409u);
  EXPECT_EQ(string_at(json_of(other), {"error", "code"}), "already_resolved");
  EXPECT_EQ(corrections(), 1);
  // Running the day again keeps the corrected line where finance put it.
  auto rerun = report_of(date_);
  EXPECT_EQ(int_at(rerun, "new_ledger_transactions"), 0);
  EXPECT_EQ(int_at(rerun, "new_exceptions"), 0);
  EXPECT_EQ(int_at(rerun, "held_by_correction"), 1);
  EXPECT_EQ(sum_of("settlement_suspense"), 0);
  auto missing_id = api().get("/admin/reconciliation/exceptions/999999",
                              admin_auth);
  EXPECT_EQ(missing_id.res.result_int(), 404u);
}

TEST_F(finance_reconciliation,
       an_exception_that_put_nothing_into_suspense_resolves_without_an_entry) {
  auto missing = pay("missing", "11.00");
  inject("missing_charge", column_of(missing, "psp_reference"));
  report_of(date_);
  auto e = exception_of("missing_charge");
  EXPECT_TRUE(e.at("settlement_suspense").is_null());
  auto id = e.at("id").as_int64();
  auto named = resolve(id, R"({"reason":"x","account":"psp_receivable"})");
  EXPECT_EQ(named.res.result_int(), 400u) << named.res.body();
  EXPECT_EQ(string_at(json_of(named), {"error", "param"}), "account");
  auto done = resolve(id, R"({"reason":"in tomorrow's file"})");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  EXPECT_EQ(string_at(json_of(done), {"outcome"}), "nothing_to_book");
  EXPECT_TRUE(json_of(done).at("correction").is_null());
  EXPECT_EQ(corrections(), 0);
}

// A failed order's charge finance lets stand: its seller is owed it, the
// wallet moves with the ledger (testkit's invariant 2 counts the correction).
class finance_reconciliation_to_a_seller : public finance_reconciliation {
 protected:
  std::string seller_;
};

TEST_F(finance_reconciliation_to_a_seller,
       a_failed_orders_charge_can_be_let_stand_for_its_own_seller_only) {
  seller_ = unique("seller_declined");
  auto declined = pay_in(seller_, "16.00", "declined", "USD",
                         "pm_card_chargeDeclined");
  inject("status_mismatch", column_of(declined, "psp_reference"));
  report_of(date_);
  auto e = exception_of("status_mismatch");
  EXPECT_EQ(e.at("route").as_string(), "escalated");
  auto id = e.at("id").as_int64();
  auto other = resolve(id,
                       R"({"reason":"x","account":"seller_payable:someone"})");
  EXPECT_EQ(other.res.result_int(), 400u);
  EXPECT_NE(std::string{other.res.body()}.find("seller_payable:" + seller_),
            std::string::npos)
    << "the message lists what is allowed: " << other.res.body();
  auto done = resolve(id, json::serialize(json::object{
                            {"reason", "goods shipped: the sale stands"},
                            {"account", "seller_payable:" + seller_}}));
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  EXPECT_EQ(string_at(json_of(done), {"outcome"}), "booked");
  EXPECT_EQ(sum_of("seller_payable:" + seller_), -1600);
  EXPECT_EQ(count("SELECT balance_minor FROM wallet WHERE seller_account = $1",
                  seller_),
            1600);
  EXPECT_EQ(sum_of("settlement_suspense"), 0);
}

TEST_F(
  finance_reconciliation,
  a_pending_order_the_psp_settled_and_then_failed_is_escalated_and_never_booked_to_the_receivable) {
  // The order asks the PSP only when poked; the day comes from a file this
  // test writes (pspsim's own would succeed a status_mismatch's intent).
  restart_with({{"PAYMENTD_PSP_PROCESSING_POLL_MS", "600000"},
                {"PAYMENTD_PSP_PENDING_POLL_MAX_MS", "600000"},
                {"PAYMENTD_RECONCILE_SOURCE", "settlement_csv"}});
  auto order = pay("pending", "20.00", "USD", "pm_card_threeDSecureRequired");
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (column_of(order, "status") != "PENDING"
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  ASSERT_EQ(column_of(order, "status"), "PENDING");
  auto intent = column_of(order, "psp_reference");
  use_settlement_file({{intent, order, "charge", "20.00"}});
  auto report = report_of(date_);
  EXPECT_EQ(int_at(report, "queued"), 1);
  EXPECT_EQ(int_at(report, "orders_polled"), 1);
  // Nothing is taken as paid yet: the money waits in suspense.
  EXPECT_EQ(sum_of("psp_receivable"), 0);
  EXPECT_EQ(sum_of("settlement_suspense"), -2000);
  EXPECT_EQ(column_of(order, "settled_on"), "");

  // The buyer fails 3-D Secure: the PSP fails the order after settling it.
  auto failed = sim().post("/sim/payment_intents/" + intent
                             + "/complete_action?result=fail",
                           "", "application/x-www-form-urlencoded");
  ASSERT_EQ(failed.res.result_int(), 200u) << failed.res.body();
  until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (column_of(order, "status") != "FAILED"
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  ASSERT_EQ(column_of(order, "status"), "FAILED");
  // The follow-up (or the next run) escalates it; nothing hangs in the
  // receivable.
  report_of(date_);
  auto e = exception_of("status_mismatch");
  EXPECT_EQ(e.at("route").as_string(), "escalated");
  EXPECT_EQ(e.at("status").as_string(), "open");
  EXPECT_NE(e.at("message").as_string().find("then failed"), std::string::npos)
    << e.at("message");
  EXPECT_EQ(sum_of("psp_receivable"), 0);
  EXPECT_EQ(column_of(order, "settled_on"), "");
  // Finance sends it back through the PSP: the default target.
  auto done = resolve(e.at("id").as_int64(),
                      R"({"reason":"buyer refunded through the PSP"})");
  ASSERT_EQ(done.res.result_int(), 200u) << done.res.body();
  EXPECT_EQ(string_at(json_of(done).at("correction"), {"account"}),
            "psp_receivable");
  EXPECT_EQ(sum_of("settlement_suspense"), 0);
  EXPECT_EQ(sum_of("psp_receivable"), -2000);
}

TEST_F(
  finance_reconciliation,
  keys_stay_the_same_when_the_file_is_read_in_another_order_with_a_line_added) {
  restart_with({{"PAYMENTD_RECONCILE_SOURCE", "settlement_csv"}});
  use_settlement_file({{"pi_unknown_a", "", "charge", "5.00"},
                       {"pi_unknown_b", "", "charge", "6.00"},
                       {"pi_unknown_b", "", "charge", "6.00"}});
  auto first = report_of(date_);
  EXPECT_EQ(int_at(first, "new_exceptions"), 3);
  std::map<std::string, std::int64_t> ids;
  for (const auto& e : exceptions("date=" + date_))
    ids[std::string{e.at("theirs").at("reference").as_string()} + " "
        + std::string{e.at("kind").as_string()}] = e.at("id").as_int64();
  EXPECT_EQ(ids.size(), 3u);

  // Read again: another order, and a line more at the top.
  use_settlement_file({{"pi_unknown_c", "", "charge", "7.00"},
                       {"pi_unknown_b", "", "charge", "6.00"},
                       {"pi_unknown_a", "", "charge", "5.00"},
                       {"pi_unknown_b", "", "charge", "6.00"}});
  auto second = report_of(date_);
  EXPECT_EQ(int_at(second, "new_exceptions"), 1);
  EXPECT_EQ(int_at(second, "new_ledger_transactions"), 1);  // pi_unknown_c
  auto now = exceptions("date=" + date_);
  ASSERT_EQ(now.size(), 4u);
  std::size_t kept = 0;
  for (const auto& e : now)
    for (const auto& [what, id] : ids)
      if (e.at("id").as_int64() == id) ++kept;
  EXPECT_EQ(kept, 3u) << "the first file's exceptions kept their rows";
  EXPECT_EQ(sum_of("settlement_suspense"), -(500 + 600 + 600 + 700));
  // And the same again changes nothing.
  auto third = report_of(date_);
  EXPECT_EQ(int_at(third, "new_exceptions"), 0);
  EXPECT_EQ(int_at(third, "new_ledger_transactions"), 0);
}

TEST_F(finance_reconciliation,
       a_charge_just_before_midnight_is_matched_the_next_day_not_missing) {
  auto order = pay("late", "8.00");
  auto yesterday = yesterday_of(date_);
  // Ours succeeded 30 s before midnight; the PSP's day is today.
  {
    pqxx::connection conn{database_url()};
    pqxx::work txn{conn};
    txn.exec_params(
      "UPDATE payment_order SET succeeded_at = $1::timestamptz"
      " - interval '30 seconds' WHERE payment_order_id = $2",
      date_ + "T00:00:00Z", order);
    txn.commit();
  }
  auto before = report_of(yesterday);
  EXPECT_TRUE(before.at("by_kind").as_object().empty())
    << json::serialize(before);
  auto today = report_of(date_);
  EXPECT_EQ(int_at(today, "matched"), 1);
  EXPECT_TRUE(today.at("by_kind").as_object().empty())
    << json::serialize(today);
  EXPECT_EQ(column_of(order, "settled_on"), date_);
  EXPECT_TRUE(exceptions("status=all").empty());
}

TEST_F(finance_reconciliation,
       a_charge_just_before_midnight_in_neither_days_lines_is_missing_once) {
  auto order = pay("late_missing", "9.00");
  auto yesterday = yesterday_of(date_);
  {
    pqxx::connection conn{database_url()};
    pqxx::work txn{conn};
    txn.exec_params(
      "UPDATE payment_order SET succeeded_at = $1::timestamptz"
      " - interval '10 seconds' WHERE payment_order_id = $2",
      date_ + "T00:00:00Z", order);
    txn.commit();
  }
  inject("missing_charge", column_of(order, "psp_reference"));
  EXPECT_TRUE(report_of(yesterday).at("by_kind").as_object().empty());
  auto today = report_of(date_);
  EXPECT_EQ(today.at("by_kind").at("missing_charge").as_int64(), 1);
  auto e = exception_of("missing_charge");
  EXPECT_NE(e.at("message").as_string().find("succeeded on " + yesterday),
            std::string::npos)
    << e.at("message");
  EXPECT_NE(e.at("message").as_string().find(date_), std::string::npos);
  EXPECT_TRUE(report_of(yesterday).at("by_kind").as_object().empty());
  EXPECT_EQ(exceptions("status=all").size(), 1u);
}

TEST_F(finance_reconciliation, exceptions_and_runs_page_with_a_cursor) {
  for (int i = 0; i < 3; ++i) inject("unknown_charge", "");
  report_of(date_);
  report_of(date_);
  std::vector<std::int64_t> ids;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto r = api().get("/admin/reconciliation/exceptions?limit=2&date=" + date_
                         + (cursor.empty() ? "" : "&cursor=" + cursor),
                       admin_auth);
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
    auto v = json_of(r);
    for (const auto& e : v.at("exceptions").as_array())
      ids.push_back(e.at("id").as_int64());
    if (!v.at("has_more").as_bool()) {
      EXPECT_TRUE(v.at("next_cursor").is_null());
      break;
    }
    cursor = std::string{v.at("next_cursor").as_string()};
  }
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << "oldest first";

  auto runs = json_of(
    api().get("/admin/reconciliation/runs?limit=1", admin_auth));
  ASSERT_EQ(runs.at("runs").as_array().size(), 1u);
  EXPECT_TRUE(runs.at("has_more").as_bool());
  auto newest = runs.at("runs").at(0).at("run_id").as_int64();
  auto next = json_of(
    api().get("/admin/reconciliation/runs?limit=1&cursor="
                + std::string{runs.at("next_cursor").as_string()},
              admin_auth));
  ASSERT_EQ(next.at("runs").as_array().size(), 1u);
  EXPECT_LT(next.at("runs").at(0).at("run_id").as_int64(), newest);
  EXPECT_FALSE(next.at("has_more").as_bool());

  for (const auto& [target, param] :
       std::vector<std::pair<std::string, std::string>>{
         {"/admin/reconciliation/exceptions?cursor=1.x", "cursor"},
         {"/admin/reconciliation/exceptions?limit=0", "limit"},
         {"/admin/reconciliation/runs?cursor=garbage", "cursor"},
         {"/admin/reconciliation/runs?limit=1001", "limit"}}) {
    auto r = api().get(target, admin_auth);
    EXPECT_EQ(r.res.result_int(), 400u) << target;
    EXPECT_EQ(string_at(json_of(r), {"error", "param"}), param) << target;
  }
}

TEST_F(finance_reconciliation,
       the_trial_balance_lists_every_account_and_totals_zero) {
  pay("tb_a", "10.00");
  pay("tb_b", "500", "JPY");
  inject("unknown_charge", "");
  report_of(date_);
  auto r = api().get("/admin/ledger/trial_balance", admin_auth);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  auto tb = json_of(r);
  EXPECT_EQ(tb.at("as_of").as_string().size(), 27u) << tb.at("as_of");
  EXPECT_TRUE(tb.at("memo").is_array());
  std::map<std::string, std::int64_t> balances;
  for (const auto& c : tb.at("currencies").as_array()) {
    EXPECT_EQ(c.at("total_minor").as_int64(), 0) << json::serialize(c);
    for (const auto& a : c.at("accounts").as_array())
      balances[std::string{c.at("currency").as_string()} + " "
               + std::string{a.at("account").as_string()}] =
        a.at("balance_minor").as_int64();
  }
  EXPECT_EQ(balances.size(),
            static_cast<std::size_t>(
              number("SELECT count(*) FROM (SELECT DISTINCT account, currency"
                     " FROM ledger_entry) a")));
  EXPECT_EQ(balances["USD bank"], sum_of("bank"));
  EXPECT_EQ(balances["USD settlement_suspense"], sum_of("settlement_suspense"));
  EXPECT_EQ(balances["JPY psp_receivable"], sum_of("psp_receivable", "JPY"));
  EXPECT_EQ(string_at(tb.at("currencies").at(0), {"currency"}), "JPY");

  auto csv = api().get("/admin/ledger/trial_balance?format=csv", admin_auth);
  ASSERT_EQ(csv.res.result_int(), 200u);
  EXPECT_EQ(header_of(csv, "Content-Type"), "text/csv");
  EXPECT_EQ(header_of(csv, "Content-Disposition"),
            "attachment; filename=\"trial_balance.csv\"");
  const std::string text{csv.res.body()};
  EXPECT_EQ(text.rfind("currency,account,debit,credit,balance\r\n", 0), 0u);
  EXPECT_NE(text.find("USD,TOTAL,"), std::string::npos) << text;
  EXPECT_NE(text.find("JPY,TOTAL,"), std::string::npos) << text;
  auto accepted = api().get("/admin/ledger/trial_balance",
                            {{"Authorization", admin_auth[0].second},
                             {"Accept", "text/csv"}});
  EXPECT_EQ(header_of(accepted, "Content-Type"), "text/csv");
  for (const auto& [target, param] :
       std::vector<std::pair<std::string, std::string>>{
         {"/admin/ledger/trial_balance?format=xml", "format"},
         {"/admin/ledger/trial_balance?as_of=2020-01-01", "as_of"}}) {
    auto bad = api().get(target, admin_auth);
    EXPECT_EQ(bad.res.result_int(), 400u) << target;
    EXPECT_EQ(string_at(json_of(bad), {"error", "param"}), param);
  }
  EXPECT_EQ(api()
              .post("/admin/ledger/trial_balance", "", "application/json",
                    admin_auth)
              .res.result_int(),
            405u);
  EXPECT_EQ(anonymous().get("/admin/ledger/trial_balance").res.result_int(),
            401u);
}

}  // namespace
}  // namespace pay::it
