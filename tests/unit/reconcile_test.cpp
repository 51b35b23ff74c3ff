#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/reconcile/reconcile.hpp"

namespace {

using namespace pay::domain;

constexpr const char* day = "2024-03-05";

settlement_line line(std::uint32_t no, settlement_type type, std::string ref,
                     std::string key, std::int64_t gross, std::int64_t fee,
                     std::string currency = "USD") {
  return {no,  std::move(ref), std::move(key),      type, gross,
          fee, gross - fee,    std::move(currency), day};
}

// Default fee terms 290 bps + 30: 10.00 USD -> 0.59 USD.
settlement_line charge(std::uint32_t no, std::string ref, std::string key,
                       std::int64_t gross, std::string currency = "USD") {
  auto fee = agreed_fee_minor(gross, fee_terms{});
  return line(no, settlement_type::charge, std::move(ref), std::move(key),
              gross, fee, std::move(currency));
}

our_charge order(std::string id, std::string ref, std::int64_t amount,
                 order_status status = order_status::success,
                 std::string currency = "USD", std::string settled_on = "") {
  return {payment_order_id{std::move(id)},
          std::move(ref),
          seller_account{"alice"},
          amount,
          std::move(currency),
          status,
          std::move(settled_on),
          ""};
}

// The file as the PSP serves it: TOTAL rows equal the sums of the lines.
settlement_file file_of(std::vector<settlement_line> lines) {
  settlement_file f{day, std::move(lines), {}};
  std::map<std::string, settlement_total> totals;
  for (const auto& l : f.lines) {
    auto& t = totals[l.currency];
    t.currency = l.currency;
    t.gross_minor += l.gross_minor;
    t.fee_minor += l.fee_minor;
    t.net_minor += l.net_minor;
  }
  for (auto& [currency, t] : totals) f.totals.push_back(t);
  return f;
}

std::int64_t posted(const reconciliation_plan& plan,
                    const std::string& currency, std::string_view account) {
  auto it = plan.postings_by_currency.find(currency);
  if (it == plan.postings_by_currency.end()) return 0;
  std::int64_t sum = 0;
  for (const auto& p : it->second)
    if (p.account == account) sum += p.amount_minor;
  return sum;
}

void expect_balanced(const reconciliation_plan& plan) {
  for (const auto& [currency, postings] : plan.postings_by_currency) {
    EXPECT_TRUE(is_balanced(postings)) << currency;
    for (const auto& p : postings) EXPECT_EQ(p.currency, currency);
  }
}

const reconciliation_exception& only_exception(
  const reconciliation_plan& plan) {
  EXPECT_EQ(plan.exceptions.size(), 1u);
  static const reconciliation_exception none{};
  return plan.exceptions.empty() ? none : plan.exceptions.front();
}

reconciliation_plan run(const settlement_file& f, const books& ours) {
  auto plan = reconcile(f, ours, reconcile_inputs{});
  expect_balanced(plan);
  return plan;
}

TEST(reconcile_test, clean_day_has_no_exceptions_and_balanced_postings) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000), order("ord_2", "pi_2", 2500)};
  ours.expected = ours.charges;
  ours.refunds = {{"rf_1", "re_1", payment_order_id{"ord_0"}, 300, "USD",
                   refund_status::succeeded, ""}};
  ours.payouts = {{"pyo_1", "po_1", seller_account{"alice"}, 5000, "USD",
                   payout_status::paid, ""}};
  auto f = file_of({charge(1, "pi_1", "ord_1", 1000),
                    charge(2, "pi_2", "ord_2", 2500),
                    line(3, settlement_type::refund, "re_1", "rf_1", -300, 0),
                    line(4, settlement_type::payout, "po_1", "pyo_1", -5000, 0),
                    line(5, settlement_type::fee, "fee_1", "pyo_1", 0, 25)});
  auto plan = run(f, ours);
  EXPECT_TRUE(plan.exceptions.empty());
  EXPECT_EQ(plan.counts.lines, 5u);
  EXPECT_EQ(plan.counts.matched, 5u);
  EXPECT_EQ(plan.counts.auto_corrected + plan.counts.queued
              + plan.counts.escalated,
            0u);
  EXPECT_EQ(plan.orders_to_settle,
            (std::vector<payment_order_id>{{"ord_1"}, {"ord_2"}}));
  EXPECT_EQ(plan.refunds_to_settle, std::vector<std::string>{"rf_1"});
  EXPECT_EQ(plan.payouts_to_settle, std::vector<std::string>{"pyo_1"});
  EXPECT_TRUE(plan.orders_to_poll.empty());
  // Fees 59 + 0.97 (72.5 -> 73 + 30 = 103) + the payout fee 25.
  EXPECT_EQ(posted(plan, "USD", "psp_fees"), 59 + 103 + 25);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), -(1000 + 2500 - 300));
  EXPECT_EQ(posted(plan, "USD", "bank"), (1000 - 59) + (2500 - 103) - 300 - 25);
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), 0);
  ASSERT_EQ(plan.postings_by_currency.at("USD").size(), 3u);  // no zeros
  const auto& totals = plan.totals_by_currency.at("USD");
  EXPECT_EQ(totals.lines, 5u);
  EXPECT_EQ(totals.gross_minor, 1000 + 2500 - 300 - 5000);
  EXPECT_EQ(totals.fee_minor, 59 + 103 + 25);
  for (const auto& r : plan.line_results) {
    EXPECT_EQ(r.kind, discrepancy_kind::matched);
    EXPECT_EQ(r.route, reconcile_route::matched);
  }
  EXPECT_EQ(plan.line_results[3].booking, line_booking::none);  // payout
  EXPECT_EQ(plan.line_results[0].our_id, "ord_1");
  EXPECT_EQ(plan.line_results[0].our_status, "SUCCESS");
}

TEST(reconcile_test, fee_mismatch_is_auto_corrected_and_books_the_actual_fee) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto l = line(1, settlement_type::charge, "pi_1", "ord_1", 1000, 59 + 50);
  auto plan = run(file_of({l}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::fee_mismatch);
  EXPECT_EQ(e.route, reconcile_route::auto_corrected);
  EXPECT_EQ(e.key, "fee_mismatch:charge:pi_1");
  EXPECT_EQ(e.their_fee_minor, 109);
  EXPECT_EQ(e.their_net_minor, 891);
  EXPECT_EQ(e.our_amount_minor, 1000);
  EXPECT_NE(e.message.find("0.59 USD"), std::string::npos) << e.message;
  EXPECT_EQ(plan.orders_to_settle, std::vector<payment_order_id>{{"ord_1"}});
  EXPECT_EQ(posted(plan, "USD", "psp_fees"), 109);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), -1000);
  EXPECT_EQ(plan.line_results[0].booking, line_booking::receivable);
  EXPECT_EQ(plan.counts.auto_corrected, 1u);
  EXPECT_EQ(plan.counts.matched, 0u);
}

TEST(reconcile_test,
     unfinished_order_is_polled_and_its_money_waits_in_suspense_unsettled) {
  for (auto status : {order_status::not_started, order_status::executing,
                      order_status::pending, order_status::review}) {
    SCOPED_TRACE(to_string(status));
    books ours;
    ours.charges = {order("ord_1", "pi_1", 1000, status)};
    auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1000)}), ours);
    const auto& e = only_exception(plan);
    EXPECT_EQ(e.kind, discrepancy_kind::status_mismatch);
    EXPECT_EQ(e.route, reconcile_route::queued);
    EXPECT_EQ(e.which, policy_case::status_mismatch_order_unfinished);
    EXPECT_EQ(e.our_status, to_string(status));
    EXPECT_EQ(plan.orders_to_poll, std::vector<payment_order_id>{{"ord_1"}});
    // The PSP may still fail it: nothing settles it or books its
    // receivable from the file alone.
    EXPECT_TRUE(plan.orders_to_settle.empty());
    EXPECT_EQ(posted(plan, "USD", "psp_receivable"), 0);
    EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -1000);
    EXPECT_EQ(e.suspense_minor, -1000);
  }
}

TEST(reconcile_test, failed_order_found_by_idempotency_key_is_escalated) {
  books ours;  // declined before the PSP returned a reference
  ours.charges = {order("ord_1", "", 1000, order_status::failed)};
  auto plan = run(file_of({charge(1, "pi_9", "ord_1", 1000)}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::status_mismatch);
  EXPECT_EQ(e.route, reconcile_route::escalated);
  EXPECT_EQ(e.our_id, "ord_1");
  EXPECT_EQ(e.our_status, "FAILED");
  EXPECT_TRUE(plan.orders_to_settle.empty());
  EXPECT_TRUE(plan.orders_to_poll.empty());
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -1000);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), 0);
  EXPECT_EQ(plan.line_results[0].booking, line_booking::suspense);
}

TEST(reconcile_test, amount_mismatch_wins_over_the_recomputed_fee) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  // As pspsim injects it: +1.00, fee recomputed for the new gross.
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1100)}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::amount_mismatch);
  EXPECT_EQ(e.route, reconcile_route::escalated);
  EXPECT_EQ(e.their_gross_minor, 1100);
  EXPECT_EQ(e.our_amount_minor, 1000);
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -1100);
  EXPECT_TRUE(plan.orders_to_settle.empty());
}

TEST(reconcile_test, currency_mismatch_wins_over_amount_and_is_escalated) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1200, "EUR")}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::currency_mismatch);
  EXPECT_EQ(e.route, reconcile_route::escalated);
  EXPECT_EQ(e.our_currency, "USD");
  EXPECT_EQ(e.their_currency, "EUR");
  EXPECT_EQ(posted(plan, "EUR", "settlement_suspense"), -1200);
  EXPECT_EQ(plan.postings_by_currency.count("USD"), 0u);
}

TEST(reconcile_test, several_lines_with_one_reference_queue_every_repeat) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  ours.expected = ours.charges;
  auto l = charge(1, "pi_1", "ord_1", 1000);
  auto l2 = l, l3 = l;
  l2.line_no = 2;
  l3.line_no = 3;
  auto plan = run(file_of({l, l2, l3}), ours);
  ASSERT_EQ(plan.exceptions.size(), 2u);
  EXPECT_EQ(plan.exceptions[0].key, "duplicate_line:charge:pi_1#2");
  EXPECT_EQ(plan.exceptions[1].key, "duplicate_line:charge:pi_1#3");
  for (const auto& e : plan.exceptions) {
    EXPECT_EQ(e.kind, discrepancy_kind::duplicate_line);
    EXPECT_EQ(e.route, reconcile_route::queued);
  }
  EXPECT_EQ(plan.line_results[0].kind, discrepancy_kind::matched);
  EXPECT_EQ(plan.orders_to_settle, std::vector<payment_order_id>{{"ord_1"}});
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), -1000);
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -2000);
  EXPECT_EQ(posted(plan, "USD", "psp_fees"), 3 * 59);
}

TEST(reconcile_test, a_second_reference_for_a_matched_order_is_a_duplicate) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1000),
                           charge(2, "pi_2", "ord_1", 1000)}),
                  ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::duplicate_line);
  EXPECT_EQ(e.line_no, 2u);
  EXPECT_EQ(plan.orders_to_settle.size(), 1u);
}

TEST(reconcile_test, duplicate_of_an_unknown_line_is_a_duplicate_first) {
  books ours;
  auto plan = run(file_of({charge(1, "pi_x", "po_unknown_1", 1000),
                           charge(2, "pi_x", "po_unknown_1", 1000)}),
                  ours);
  ASSERT_EQ(plan.exceptions.size(), 2u);
  EXPECT_EQ(plan.exceptions[0].kind, discrepancy_kind::unknown_charge);
  EXPECT_EQ(plan.exceptions[1].kind, discrepancy_kind::duplicate_line);
}

TEST(reconcile_test, charge_settled_on_another_date_is_a_queued_duplicate) {
  books ours;
  ours.charges = {
    order("ord_1", "pi_1", 1000, order_status::success, "USD", "2024-03-04")};
  ours.expected = ours.charges;  // and not reported as missing either
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1000)}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::duplicate_line);
  EXPECT_EQ(e.route, reconcile_route::queued);
  EXPECT_NE(e.message.find("2024-03-04"), std::string::npos) << e.message;
  EXPECT_TRUE(plan.orders_to_settle.empty());
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -1000);
}

TEST(reconcile_test, order_settled_on_the_same_date_is_matched_on_a_rerun) {
  books ours;
  ours.charges = {
    order("ord_1", "pi_1", 1000, order_status::success, "USD", day)};
  ours.expected = ours.charges;
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1000)}), ours);
  EXPECT_TRUE(plan.exceptions.empty());
  EXPECT_EQ(plan.counts.matched, 1u);
}

bool same_plan(const reconciliation_plan& a, const reconciliation_plan& b) {
  auto exceptions_equal = [](const reconciliation_exception& x,
                             const reconciliation_exception& y) {
    return x.key == y.key && x.kind == y.kind && x.route == y.route
           && x.message == y.message && x.our_id == y.our_id
           && x.their_gross_minor == y.their_gross_minor;
  };
  auto postings_equal = [](const posting& x, const posting& y) {
    return x.account == y.account && x.currency == y.currency
           && x.amount_minor == y.amount_minor;
  };
  if (a.exceptions.size() != b.exceptions.size()
      || a.postings_by_currency.size() != b.postings_by_currency.size())
    return false;
  for (std::size_t i = 0; i < a.exceptions.size(); ++i)
    if (!exceptions_equal(a.exceptions[i], b.exceptions[i])) return false;
  for (const auto& [currency, postings] : a.postings_by_currency) {
    auto it = b.postings_by_currency.find(currency);
    if (it == b.postings_by_currency.end()
        || !std::equal(postings.begin(), postings.end(), it->second.begin(),
                       it->second.end(), postings_equal))
      return false;
  }
  return a.orders_to_settle == b.orders_to_settle
         && a.orders_to_poll == b.orders_to_poll
         && a.refunds_to_settle == b.refunds_to_settle
         && a.payouts_to_settle == b.payouts_to_settle
         && a.line_results.size() == b.line_results.size();
}

books every_kind_books() {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000), order("ord_2", "pi_2", 1000),
                  order("ord_3", "pi_3", 1000, order_status::pending),
                  order("ord_4", "pi_4", 1000), order("ord_5", "pi_5", 1000)};
  ours.expected = {order("ord_1", "pi_1", 1000), order("ord_4", "pi_4", 1000),
                   order("ord_9", "pi_9", 700), order("ord_8", "pi_8", 800)};
  return ours;
}

settlement_file every_kind_file() {
  auto fee = line(2, settlement_type::charge, "pi_2", "ord_2", 1000, 100);
  return file_of(
    {charge(1, "pi_1", "ord_1", 1000), fee, charge(3, "pi_3", "ord_3", 1000),
     charge(4, "pi_4", "ord_4", 1100), charge(5, "pi_5", "ord_5", 1000, "EUR"),
     charge(6, "pi_1", "ord_1", 1000),
     charge(7, "pi_x", "po_unknown_1", 1000)});
}

TEST(reconcile_test, rerunning_the_same_inputs_yields_the_same_plan) {
  auto ours = every_kind_books();
  auto f = every_kind_file();
  auto first = run(f, ours);
  auto second = run(f, ours);
  EXPECT_TRUE(same_plan(first, second));
  std::set<std::string> keys;
  for (const auto& e : first.exceptions)
    EXPECT_TRUE(keys.insert(e.key).second) << e.key;
  std::vector<std::string> kinds;
  for (const auto& e : first.exceptions) kinds.emplace_back(to_string(e.kind));
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"fee_mismatch", "status_mismatch",
                                      "amount_mismatch", "currency_mismatch",
                                      "duplicate_line", "unknown_charge",
                                      "missing_charge", "missing_charge"}));
  // Missing charges come sorted by order id, whatever the load order.
  EXPECT_EQ(first.exceptions[6].key, "missing_charge:order:ord_8");
  EXPECT_EQ(first.exceptions[7].key, "missing_charge:order:ord_9");
  EXPECT_EQ(first.counts.matched, 1u);
  // fee_mismatch; the pending order's status_mismatch waits (queued).
  EXPECT_EQ(first.counts.auto_corrected, 1u);
  EXPECT_EQ(first.counts.queued, 4u);
  EXPECT_EQ(first.counts.escalated, 3u);
}

TEST(reconcile_test, unknown_charge_is_escalated_to_suspense) {
  books ours;
  auto plan = run(file_of({charge(1, "pi_x", "po_unknown_ab", 1000)}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::unknown_charge);
  EXPECT_EQ(e.route, reconcile_route::escalated);
  EXPECT_EQ(e.our_id, "");
  EXPECT_EQ(e.key, "unknown_charge:charge:pi_x");
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -1000);
  EXPECT_EQ(posted(plan, "USD", "bank"), 1000 - 59);
}

TEST(reconcile_test, missing_charge_is_queued_and_books_nothing) {
  books ours;
  ours.expected = {order("ord_1", "pi_1", 1000),
                   order("ord_1", "pi_1", 1000),  // listed twice: once
                   order("ord_2", "pi_2", 500, order_status::success, "USD",
                         "2024-03-01")};  // settled elsewhere: not missing
  auto plan = run(file_of({}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::missing_charge);
  EXPECT_EQ(e.route, reconcile_route::queued);
  EXPECT_EQ(e.key, "missing_charge:order:ord_1");
  EXPECT_EQ(e.line_no, 0u);
  EXPECT_EQ(e.our_amount_minor, 1000);
  EXPECT_TRUE(plan.postings_by_currency.empty());
  EXPECT_TRUE(plan.orders_to_settle.empty());
  EXPECT_EQ(plan.counts.queued, 1u);
}

TEST(reconcile_test, unknown_refund_payout_and_fee_lines_are_escalated) {
  books ours;
  auto plan = run(file_of(
                    {line(1, settlement_type::refund, "re_x", "rf_x", -300, 0),
                     line(2, settlement_type::payout, "po_x", "pyo_x", -900, 0),
                     line(3, settlement_type::fee, "fee_x", "pyo_x", 0, 25)}),
                  ours);
  ASSERT_EQ(plan.exceptions.size(), 3u);
  for (const auto& e : plan.exceptions) {
    EXPECT_EQ(e.kind, discrepancy_kind::unknown_reference);
    EXPECT_EQ(e.route, reconcile_route::escalated);
  }
  // The refund's money waits in suspense; the fee still goes to psp_fees;
  // the payout line carries no money.
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), 300);
  EXPECT_EQ(posted(plan, "USD", "psp_fees"), 25);
  EXPECT_EQ(posted(plan, "USD", "bank"), -300 - 25);
  EXPECT_EQ(plan.line_results[1].booking, line_booking::none);
}

TEST(reconcile_test, refund_and_payout_discrepancies_follow_the_policy) {
  books ours;
  ours.refunds = {{"rf_1", "re_1", payment_order_id{"o"}, 300, "USD",
                   refund_status::created, ""},
                  {"rf_2", "re_2", payment_order_id{"o"}, 300, "USD",
                   refund_status::succeeded, ""}};
  ours.payouts = {{"pyo_1", "po_1", seller_account{"a"}, 900, "USD",
                   payout_status::in_transit, ""},
                  {"pyo_2", "po_2", seller_account{"a"}, 900, "EUR",
                   payout_status::paid, ""}};
  auto plan = run(
    file_of({line(1, settlement_type::refund, "re_1", "rf_1", -300, 0),
             line(2, settlement_type::refund, "re_2", "rf_2", -400, 0),
             line(3, settlement_type::payout, "", "pyo_1", -900, 0),
             line(4, settlement_type::payout, "po_2", "pyo_2", -900, 0)}),
    ours);
  ASSERT_EQ(plan.exceptions.size(), 4u);
  EXPECT_EQ(plan.exceptions[0].kind, discrepancy_kind::status_mismatch);
  EXPECT_EQ(plan.exceptions[0].route, reconcile_route::queued);
  EXPECT_EQ(plan.exceptions[1].kind, discrepancy_kind::amount_mismatch);
  EXPECT_EQ(plan.exceptions[1].route, reconcile_route::escalated);
  EXPECT_EQ(plan.exceptions[2].kind, discrepancy_kind::status_mismatch);
  EXPECT_EQ(plan.exceptions[2].our_id, "pyo_1");  // found by its key
  EXPECT_EQ(plan.exceptions[2].route, reconcile_route::queued);
  EXPECT_EQ(plan.exceptions[3].kind, discrepancy_kind::currency_mismatch);
  EXPECT_TRUE(plan.refunds_to_settle.empty());
  EXPECT_TRUE(plan.payouts_to_settle.empty());
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), 700);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), 0);
}

TEST(reconcile_test, a_transfer_line_confirms_a_payout_whose_money_left) {
  books ours;
  our_payout transferred{"pyo_1", "tr_1", seller_account{"a"},
                         900,     "USD",  payout_status::in_transit,
                         ""};
  transferred.transferred = true;
  our_payout reversed = transferred;  // failed later, its transfer reversed
  reversed.payout_id.value = "pyo_2";
  reversed.psp_reference = "tr_2";
  reversed.status = payout_status::failed;
  our_payout never_sent{"pyo_3", "",    seller_account{"a"},
                        900,     "USD", payout_status::created,
                        ""};
  ours.payouts = {transferred, reversed, never_sent};
  auto plan = run(
    file_of({line(1, settlement_type::payout, "tr_1", "pyo_1", -900, 0),
             line(2, settlement_type::payout, "tr_2", "pyo_2", -900, 0),
             line(3, settlement_type::payout, "tr_3", "pyo_3", -900, 0)}),
    ours);
  ASSERT_EQ(plan.exceptions.size(), 1u);
  EXPECT_EQ(plan.exceptions[0].kind, discrepancy_kind::status_mismatch);
  EXPECT_EQ(plan.exceptions[0].our_id, "pyo_3");
  EXPECT_EQ(plan.payouts_to_settle,
            (std::vector<std::string>{"pyo_1", "pyo_2"}));
}

TEST(reconcile_test, refund_with_a_fee_is_auto_corrected_with_that_fee) {
  books ours;
  ours.refunds = {{"rf_1", "re_1", payment_order_id{"o"}, 300, "USD",
                   refund_status::succeeded, ""}};
  auto plan = run(
    file_of({line(1, settlement_type::refund, "re_1", "rf_1", -300, 15)}),
    ours);
  EXPECT_EQ(only_exception(plan).kind, discrepancy_kind::fee_mismatch);
  EXPECT_EQ(plan.refunds_to_settle, std::vector<std::string>{"rf_1"});
  EXPECT_EQ(posted(plan, "USD", "psp_fees"), 15);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), 300);
}

TEST(reconcile_test, totals_row_that_differs_is_escalated_and_lines_book) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto f = file_of({charge(1, "pi_1", "ord_1", 1000)});
  f.totals[0].gross_minor += 1;
  auto plan = run(f, ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.kind, discrepancy_kind::totals_mismatch);
  EXPECT_EQ(e.route, reconcile_route::escalated);
  EXPECT_EQ(e.key, "totals_mismatch:currency:USD");
  EXPECT_EQ(e.their_gross_minor, 1001);
  EXPECT_EQ(e.our_amount_minor, 1000);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), -1000);
  EXPECT_EQ(plan.orders_to_settle.size(), 1u);
}

TEST(reconcile_test, currency_with_lines_but_no_totals_row_is_escalated) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto f = file_of({charge(1, "pi_1", "ord_1", 1000)});
  f.totals.clear();
  auto plan = run(f, ours);
  EXPECT_EQ(only_exception(plan).kind, discrepancy_kind::totals_mismatch);
  auto g = file_of({charge(1, "pi_1", "ord_1", 1000)});
  g.totals.push_back(g.totals[0]);  // the same row twice
  auto twice = run(g, ours);
  EXPECT_EQ(only_exception(twice).kind, discrepancy_kind::totals_mismatch);
}

TEST(reconcile_test,
     a_source_that_states_no_totals_is_not_checked_against_any) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto f = file_of({charge(1, "pi_1", "ord_1", 1000)});
  f.totals.clear();
  f.states_totals = false;  // Stripe's balance transactions
  auto plan = run(f, ours);
  EXPECT_TRUE(plan.exceptions.empty());
  EXPECT_EQ(plan.counts.matched, 1u);
  // The report still shows the lines' own sums.
  EXPECT_EQ(plan.totals_by_currency.at("USD").gross_minor, 1000);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), -1000);
}

TEST(reconcile_test, jpy_lines_use_whole_yen_fees_and_book_in_jpy) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 500, order_status::success, "JPY")};
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 500, "JPY")}), ours);
  EXPECT_TRUE(plan.exceptions.empty());
  EXPECT_EQ(posted(plan, "JPY", "psp_fees"), 45);
  EXPECT_EQ(posted(plan, "JPY", "bank"), 455);
  EXPECT_EQ(posted(plan, "JPY", "psp_receivable"), -500);
  auto off = line(1, settlement_type::charge, "pi_1", "ord_1", 500, 45 + 50,
                  "JPY");
  auto off_plan = run(file_of({off}), ours);
  const auto& e = only_exception(off_plan);
  EXPECT_EQ(e.kind, discrepancy_kind::fee_mismatch);
  EXPECT_NE(e.message.find("45 JPY"), std::string::npos) << e.message;
}

TEST(reconcile_test, line_whose_net_is_not_gross_minus_fee_still_balances) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  auto l = charge(1, "pi_1", "ord_1", 1000);
  l.net_minor -= 7;
  auto plan = run(file_of({l}), ours);
  EXPECT_EQ(only_exception(plan).kind, discrepancy_kind::amount_mismatch);
  EXPECT_EQ(posted(plan, "USD", "bank"), 1000 - 59 - 7);
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -(1000 - 7));
}

TEST(reconcile_test, currency_with_only_payout_lines_has_no_transaction) {
  books ours;
  ours.payouts = {{"pyo_1", "po_1", seller_account{"a"}, 900, "EUR",
                   payout_status::paid, ""}};
  auto plan = run(file_of({line(1, settlement_type::payout, "po_1", "pyo_1",
                                -900, 0, "EUR")}),
                  ours);
  EXPECT_TRUE(plan.exceptions.empty());
  EXPECT_TRUE(plan.postings_by_currency.empty());
  EXPECT_EQ(plan.totals_by_currency.at("EUR").gross_minor, -900);
  EXPECT_EQ(plan.payouts_to_settle, std::vector<std::string>{"pyo_1"});
}

TEST(reconcile_test, hundred_thousand_lines_reconcile_exactly) {
  constexpr int count = 100000;
  books ours;
  std::vector<settlement_line> lines;
  ours.charges.reserve(count);
  lines.reserve(count);
  for (int i = 0; i < count; ++i) {
    auto id = "ord_" + std::to_string(i);
    auto ref = "pi_" + std::to_string(i);
    std::int64_t amount = 100 + i % 9000;
    ours.charges.push_back(order(id, ref, amount));
    lines.push_back(charge(static_cast<std::uint32_t>(i + 1), ref, id,
                           i == 777 ? amount + 1 : amount));
  }
  ours.expected = ours.charges;
  ours.expected.push_back(order("ord_missing", "pi_m", 100));
  auto plan = run(file_of(std::move(lines)), ours);
  EXPECT_EQ(plan.counts.lines, static_cast<std::uint32_t>(count));
  EXPECT_EQ(plan.counts.matched, static_cast<std::uint32_t>(count - 1));
  ASSERT_EQ(plan.exceptions.size(), 2u);
  EXPECT_EQ(plan.exceptions[0].key, "amount_mismatch:charge:pi_777");
  EXPECT_EQ(plan.exceptions[1].key, "missing_charge:order:ord_missing");
  EXPECT_EQ(plan.orders_to_settle.size(), static_cast<std::size_t>(count - 1));
  EXPECT_EQ(plan.totals_by_currency.at("USD").lines,
            static_cast<std::uint32_t>(count));
}

// --- identity: keys by what a line is about ----------------------------------

std::set<std::string> keys_of(const reconciliation_plan& plan) {
  std::set<std::string> out;
  for (const auto& e : plan.exceptions) out.insert(e.key);
  return out;
}

TEST(reconcile_test,
     exception_keys_stay_the_same_when_the_lines_come_in_another_order) {
  auto ours = every_kind_books();
  auto forward = every_kind_file();
  auto backward = forward;
  std::reverse(backward.lines.begin(), backward.lines.end());
  for (std::size_t i = 0; i < backward.lines.size(); ++i)
    backward.lines[i].line_no = static_cast<std::uint32_t>(i + 1);
  auto first = run(forward, ours);
  auto second = run(backward, ours);
  // Read backwards the first pi_1 line is the duplicate: same set of keys,
  // same kinds, nothing new to queue.
  EXPECT_EQ(keys_of(first), keys_of(second));
  EXPECT_EQ(first.counts.queued, second.counts.queued);
  EXPECT_EQ(first.counts.escalated, second.counts.escalated);
}

TEST(reconcile_test, a_line_added_to_the_file_adds_only_its_own_exception) {
  auto ours = every_kind_books();
  auto before = every_kind_file();
  auto lines = before.lines;
  lines.insert(lines.begin(), charge(1, "pi_new", "po_new", 500));
  for (std::size_t i = 0; i < lines.size(); ++i)
    lines[i].line_no = static_cast<std::uint32_t>(i + 1);
  auto after = file_of(std::move(lines));  // its TOTAL row counts it too
  auto first = keys_of(run(before, ours));
  auto second = keys_of(run(after, ours));
  std::set<std::string> added;
  std::set_difference(second.begin(), second.end(), first.begin(), first.end(),
                      std::inserter(added, added.end()));
  EXPECT_EQ(added, std::set<std::string>{"unknown_charge:charge:pi_new"});
  EXPECT_TRUE(
    std::includes(second.begin(), second.end(), first.begin(), first.end()));
}

TEST(reconcile_test, lines_of_one_type_and_reference_are_told_apart_by_count) {
  EXPECT_EQ(line_identity(settlement_type::charge, "pi_1", 1), "charge:pi_1");
  EXPECT_EQ(line_identity(settlement_type::fee, "po_1", 3), "fee:po_1#3");
  EXPECT_EQ(exception_key(discrepancy_kind::unknown_reference, "fee:po_1#3"),
            "unknown_reference:fee:po_1#3");
  EXPECT_EQ(identity_of_key("unknown_reference:fee:po_1#3"), "fee:po_1#3");
  EXPECT_EQ(identity_of_key("missing_charge:order:acct_1:ord:1"),
            "order:acct_1:ord:1");
  // A pay-out and its fee line share a reference and not a type.
  books ours;
  auto plan = run(file_of(
                    {line(1, settlement_type::payout, "po_1", "", -500, 0),
                     line(2, settlement_type::fee, "po_1", "", 0, 25)}),
                  ours);
  EXPECT_EQ(keys_of(plan),
            (std::set<std::string>{"unknown_reference:payout:po_1",
                                   "unknown_reference:fee:po_1"}));
}

// --- suspense and the lines finance corrected --------------------------------

TEST(reconcile_test, an_exception_says_what_its_line_put_into_suspense) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000), order("ord_2", "pi_2", 1000)};
  auto fee = line(2, settlement_type::charge, "pi_2", "ord_2", 1000, 100);
  auto plan = run(file_of(
                    {charge(1, "pi_1", "ord_1", 1100), fee,
                     line(3, settlement_type::refund, "re_x", "", -300, 0),
                     charge(4, "pi_x", "", 700)}),
                  ours);
  ASSERT_EQ(plan.exceptions.size(), 4u);
  EXPECT_EQ(plan.exceptions[0].suspense_minor, -1100);  // amount_mismatch
  EXPECT_EQ(plan.exceptions[1].suspense_minor, 0);      // fee: the receivable
  EXPECT_EQ(plan.exceptions[2].suspense_minor, 300);    // a refund: a debit
  EXPECT_EQ(plan.exceptions[3].suspense_minor, -700);
  std::int64_t held = 0;
  for (const auto& e : plan.exceptions) held += e.suspense_minor;
  EXPECT_EQ(held, posted(plan, "USD", "settlement_suspense"));
}

TEST(reconcile_test,
     a_corrected_line_stays_in_suspense_and_raises_no_exception_again) {
  books ours;
  ours.charges = {order("ord_1", "pi_1", 1000)};
  ours.corrected_lines = {"charge:pi_1", "charge:pi_gone"};
  // The line once mismatched; read now, it matches. Finance's correction
  // moved its money already: booking it to the receivable too would move
  // it twice.
  auto plan = run(file_of({charge(1, "pi_1", "ord_1", 1000)}), ours);
  EXPECT_TRUE(plan.exceptions.empty());
  EXPECT_EQ(plan.counts.held_by_correction, 1u);
  EXPECT_EQ(plan.counts.matched, 0u);
  EXPECT_EQ(posted(plan, "USD", "settlement_suspense"), -1000);
  EXPECT_EQ(posted(plan, "USD", "psp_receivable"), 0);
  EXPECT_EQ(plan.line_results[0].booking, line_booking::suspense);
  // The order is settled all the same: the PSP paid it.
  EXPECT_EQ(plan.orders_to_settle, std::vector<payment_order_id>{{"ord_1"}});
}

TEST(reconcile_test,
     a_success_just_before_midnight_missing_from_the_next_day_says_both) {
  books ours;
  auto late = order("ord_1", "pi_1", 1000);
  late.succeeded_on = "2024-03-04";  // the day before the file's
  ours.expected = {late};
  auto plan = run(file_of({}), ours);
  const auto& e = only_exception(plan);
  EXPECT_EQ(e.key, "missing_charge:order:ord_1");
  EXPECT_NE(e.message.find("succeeded on 2024-03-04"), std::string::npos)
    << e.message;
  EXPECT_NE(e.message.find("nor those of 2024-03-05"), std::string::npos)
    << e.message;
}

}  // namespace
