// The seven discrepancy kinds found from Stripe balance transactions: a day
// served as pages (the shape pspsim serves, sources expanded with our
// metadata), read by balance_transactions_day, matched by reconcile().

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/reconcile/balance_transactions_day.hpp"
#include "domain/reconcile/reconcile.hpp"

namespace pay::domain {
namespace {

namespace json = boost::json;

const std::string date = "2026-03-01";
constexpr std::int64_t day_start_unix_s = 1'772'323'200;

struct stripe_day {
  std::int64_t next_created_unix_s = day_start_unix_s + 60;
  json::array entries;  // oldest first; paged newest first below

  void add(const std::string& type, std::int64_t amount, std::int64_t fee,
           const std::string& currency, json::object source) {
    const auto n = entries.size() + 1;
    entries.push_back(
      json::object{{"id", "txn_" + std::to_string(100 + n)},
                   {"object", "balance_transaction"},
                   {"amount", amount},
                   {"available_on", next_created_unix_s + 2 * 86'400},
                   {"created", next_created_unix_s},
                   {"currency", currency},
                   {"fee", fee},
                   {"fee_details", json::array{}},
                   {"net", amount - fee},
                   {"reporting_category", type == "stripe_fee" ? "fee" : type},
                   {"source", std::move(source)},
                   {"status", "available"},
                   {"type", type}});
    next_created_unix_s += 60;
  }

  void charge(const std::string& intent, const std::string& order,
              std::int64_t amount, std::int64_t fee,
              const std::string& currency = "usd") {
    add("charge", amount, fee, currency,
        {{"id", "ch_" + intent.substr(3)},
         {"object", "charge"},
         {"payment_intent", intent},
         {"metadata", json::object{{"payment_order_id", order}}}});
  }

  // Newest first, `per_page` to a page, has_more on all but the last.
  std::vector<std::string> pages(std::size_t per_page) const {
    std::vector<std::string> out;
    json::array page;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      page.push_back(*it);
      if (page.size() == per_page || it + 1 == entries.rend()) {
        out.push_back(
          json::serialize(json::object{{"object", "list"},
                                       {"url", "/v1/balance_transactions"},
                                       {"has_more", it + 1 != entries.rend()},
                                       {"data", std::move(page)}}));
        page = json::array{};
      }
    }
    return out;
  }
};

std::int64_t agreed(std::int64_t gross) {
  return agreed_fee_minor(gross, fee_terms{});
}

our_charge order(const std::string& id, const std::string& intent,
                 std::int64_t amount,
                 order_status status = order_status::success) {
  return {payment_order_id{id},
          intent,
          seller_account{"seller_" + id},
          amount,
          "USD",
          status,
          "",
          ""};
}

settlement_file read_day(const stripe_day& stripe, std::size_t per_page) {
  balance_transactions_day day{date, *utc_day_span_of(date)};
  for (const auto& page : stripe.pages(per_page)) {
    EXPECT_TRUE(day.wants_page());
    EXPECT_EQ(day.add_page(page), "");
  }
  EXPECT_FALSE(day.wants_page());
  return day.take_file();
}

TEST(balance_transactions_reconcile_test,
     a_day_with_all_seven_discrepancy_kinds_reports_each_exactly_once) {
  books ours;
  ours.charges = {order("po_clean", "pi_clean", 1000),
                  order("po_missing", "pi_missing", 1100),
                  order("po_amount", "pi_amount", 1200),
                  order("po_currency", "pi_currency", 1300),
                  order("po_dup", "pi_dup", 1400),
                  order("po_fee", "pi_fee", 1500),
                  order("po_declined", "pi_declined", 1600,
                        order_status::failed)};
  for (const auto& c : ours.charges)
    if (c.status == order_status::success) ours.expected.push_back(c);
  ours.refunds = {{refund_id{"rf_1"}, "re_1", payment_order_id{"po_clean"}, 300,
                   "USD", refund_status::succeeded, ""}};
  ours.payouts = {{payout_id{"pyo_1"}, "po_1", seller_account{"seller_a"}, 5000,
                   "USD", payout_status::paid, ""}};

  stripe_day stripe;
  stripe.charge("pi_clean", "po_clean", 1000, agreed(1000));
  // missing_charge: pi_missing is not served at all.
  stripe.charge("pi_amount", "po_amount", 1300, agreed(1300));
  stripe.charge("pi_currency", "po_currency", 1300, agreed(1300), "eur");
  stripe.charge("pi_dup", "po_dup", 1400, agreed(1400));
  stripe.charge("pi_dup", "po_dup", 1400, agreed(1400));
  stripe.charge("pi_fee", "po_fee", 1500, agreed(1500) + 50);
  stripe.charge("pi_declined", "po_declined", 1600, agreed(1600));
  stripe.charge("pi_unknown", "po_unknown_1", 2500, agreed(2500));
  stripe.add("refund", -300, 0, "usd",
             {{"id", "re_1"},
              {"object", "refund"},
              {"metadata", json::object{{"refund_id", "rf_1"}}}});
  json::object payout{{"id", "po_1"},
                      {"object", "payout"},
                      {"metadata", json::object{{"payout_id", "pyo_1"}}}};
  stripe.add("payout", -5000, 0, "usd", payout);
  stripe.add("stripe_fee", -25, 0, "usd", payout);

  auto file = read_day(stripe, 4);  // three pages
  auto plan = reconcile(file, ours, reconcile_inputs{});

  std::map<std::string, int> by_kind;
  std::map<std::string, std::string> route_of;
  for (const auto& e : plan.exceptions) {
    ++by_kind[std::string{to_string(e.kind)}];
    route_of[std::string{to_string(e.kind)}] = std::string{to_string(e.route)};
  }
  const std::map<std::string, std::string> expected_route = {
    {"unknown_charge", "escalated"},  {"missing_charge", "queued"},
    {"amount_mismatch", "escalated"}, {"currency_mismatch", "escalated"},
    {"duplicate_line", "queued"},     {"fee_mismatch", "auto_corrected"},
    {"status_mismatch", "escalated"}};
  EXPECT_EQ(by_kind.size(), expected_route.size());
  for (const auto& [kind, route] : expected_route) {
    EXPECT_EQ(by_kind[kind], 1) << kind;
    EXPECT_EQ(route_of[kind], route) << kind;
  }
  // No TOTAL rows, so no totals_mismatch whatever the sums.
  EXPECT_EQ(by_kind.count("totals_mismatch"), 0u);
  // Charges: clean, amount, currency, dup twice, fee, declined, unknown;
  // then refund, payout, fee. Matched: clean, the first dup, refund,
  // payout and its fee.
  EXPECT_EQ(plan.counts.lines, 11u);
  EXPECT_EQ(plan.counts.matched, 5u);
  EXPECT_EQ(plan.counts.auto_corrected, 1u);
  EXPECT_EQ(plan.counts.queued, 2u);
  EXPECT_EQ(plan.counts.escalated, 4u);
  EXPECT_EQ(plan.refunds_to_settle, std::vector<std::string>{"rf_1"});
  EXPECT_EQ(plan.payouts_to_settle, std::vector<std::string>{"pyo_1"});
  for (const auto& [currency, postings] : plan.postings_by_currency)
    EXPECT_TRUE(is_balanced(postings)) << currency;
}

TEST(balance_transactions_reconcile_test,
     a_clean_day_matches_every_line_however_it_is_paged) {
  books ours;
  stripe_day stripe;
  for (int i = 0; i < 7; ++i) {
    auto id = std::to_string(i);
    ours.charges.push_back(order("po_" + id, "pi_" + id, 1000 + i));
    stripe.charge("pi_" + id, "po_" + id, 1000 + i, agreed(1000 + i));
  }
  ours.expected = ours.charges;
  std::vector<std::string> line_keys;
  for (std::size_t per_page : {1u, 3u, 7u, 100u}) {
    auto plan = reconcile(read_day(stripe, per_page), ours, reconcile_inputs{});
    EXPECT_TRUE(plan.exceptions.empty()) << per_page;
    EXPECT_EQ(plan.counts.matched, 7u) << per_page;
    std::vector<std::string> keys;
    for (const auto& r : plan.line_results)
      keys.push_back(std::to_string(r.line_no) + ":" + r.reference);
    if (line_keys.empty()) line_keys = keys;
    EXPECT_EQ(keys, line_keys) << per_page;
  }
}

}  // namespace
}  // namespace pay::domain
