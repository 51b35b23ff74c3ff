// A day of balance transactions assembled from its pages: what is asked
// next, how lines are ordered and numbered, and when the day fails.

#include "domain/reconcile/balance_transactions_day.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace pay::domain {
namespace {

namespace json = boost::json;

const std::string date = "2026-03-01";
constexpr std::int64_t day_start_unix_s = 1'772'323'200;
constexpr std::int64_t day_end_unix_s = 1'772'409'600;

json::object charge(const std::string& txn, std::int64_t created_unix_s,
                    const std::string& intent, std::int64_t amount = 1000) {
  return {{"id", txn},
          {"object", "balance_transaction"},
          {"amount", amount},
          {"created", created_unix_s},
          {"currency", "usd"},
          {"fee", 59},
          {"fee_details", json::array{}},
          {"net", amount - 59},
          {"reporting_category", "charge"},
          {"type", "charge"},
          {"source", json::object{{"id", "ch_" + intent.substr(3)},
                                  {"object", "charge"},
                                  {"payment_intent", intent},
                                  {"metadata",
                                   json::object{{"payment_order_id",
                                                 "po_" + intent.substr(3)}}}}}};
}

json::object skipped(const std::string& txn, std::int64_t created_unix_s,
                     const std::string& type) {
  return {{"id", txn},         {"object", "balance_transaction"},
          {"amount", -100},    {"created", created_unix_s},
          {"currency", "usd"}, {"fee", 0},
          {"net", -100},       {"reporting_category", type},
          {"type", type},      {"source", "x_1"}};
}

std::string page_of(json::array data, bool has_more) {
  return json::serialize(json::object{{"object", "list"},
                                      {"url", "/v1/balance_transactions"},
                                      {"has_more", has_more},
                                      {"data", std::move(data)}});
}

balance_transactions_day day_of(
  std::uint32_t pages_max = balance_transactions_pages_max) {
  return balance_transactions_day{date,
                                  {day_start_unix_s, day_end_unix_s},
                                  pages_max};
}

TEST(balance_transactions_day_test,
     a_paged_pair_is_read_in_order_and_numbered_oldest_first) {
  auto day = day_of();
  ASSERT_TRUE(day.wants_page());
  EXPECT_EQ(day.starting_after(), "");
  // Newest first, as Stripe lists: page 1 holds the later transactions.
  EXPECT_EQ(day.add_page(page_of(
              json::array{charge("txn_d", day_start_unix_s + 400, "pi_d"),
                          charge("txn_c", day_start_unix_s + 300, "pi_c")},
              true)),
            "");
  ASSERT_TRUE(day.wants_page());
  EXPECT_EQ(day.starting_after(), "txn_c");
  EXPECT_EQ(day.add_page(page_of(
              json::array{charge("txn_b", day_start_unix_s + 200, "pi_b"),
                          charge("txn_a", day_start_unix_s, "pi_a")},
              false)),
            "");
  EXPECT_FALSE(day.wants_page());
  EXPECT_EQ(day.pages(), 2u);
  auto file = day.take_file();
  EXPECT_EQ(file.date, date);
  EXPECT_FALSE(file.states_totals);
  EXPECT_TRUE(file.totals.empty());
  ASSERT_EQ(file.lines.size(), 4u);
  const char* intents[] = {"pi_a", "pi_b", "pi_c", "pi_d"};
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(file.lines[i].line_no, i + 1);
    EXPECT_EQ(file.lines[i].psp_reference, intents[i]);
  }
}

TEST(balance_transactions_day_test,
     the_same_transactions_paged_differently_give_the_same_numbers) {
  json::array all{charge("txn_2", day_start_unix_s + 5, "pi_2"),
                  charge("txn_1", day_start_unix_s + 5, "pi_1"),
                  charge("txn_0", day_start_unix_s + 1, "pi_0")};
  auto one = day_of();
  ASSERT_EQ(one.add_page(page_of(all, false)), "");
  auto two = day_of();
  ASSERT_EQ(two.add_page(page_of(json::array{all[0]}, true)), "");
  ASSERT_EQ(two.add_page(page_of(json::array{all[2], all[1]}, false)), "");
  auto a = one.take_file();
  auto b = two.take_file();
  ASSERT_EQ(a.lines.size(), 3u);
  ASSERT_EQ(b.lines.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.lines[i].psp_reference, b.lines[i].psp_reference);
    EXPECT_EQ(a.lines[i].line_no, b.lines[i].line_no);
  }
  // Same second: by transaction id.
  EXPECT_EQ(a.lines[1].psp_reference, "pi_1");
  EXPECT_EQ(a.lines[2].psp_reference, "pi_2");
}

TEST(balance_transactions_day_test,
     skipped_types_are_counted_and_can_end_a_page) {
  auto day = day_of();
  ASSERT_EQ(day.add_page(
              page_of(json::array{charge("txn_2", day_start_unix_s + 9, "pi_2"),
                                  skipped("txn_1", day_start_unix_s + 8,
                                          "transfer_refund")},
                      true)),
            "");
  EXPECT_EQ(day.starting_after(), "txn_1");
  ASSERT_EQ(
    day.add_page(page_of(
      json::array{skipped("txn_0", day_start_unix_s, "adjustment"),
                  skipped("txn_00", day_start_unix_s, "transfer_refund")},
      false)),
    "");
  EXPECT_EQ(day.skipped_by_type(),
            (std::map<std::string, std::uint32_t>{{"adjustment", 1},
                                                  {"transfer_refund", 2}}));
  EXPECT_EQ(day.take_file().lines.size(), 1u);
}

TEST(balance_transactions_day_test, an_empty_day_is_one_page_and_no_lines) {
  auto day = day_of();
  ASSERT_EQ(day.add_page(page_of(json::array{}, false)), "");
  EXPECT_FALSE(day.wants_page());
  EXPECT_TRUE(day.take_file().lines.empty());
}

TEST(balance_transactions_day_test,
     an_unreadable_page_fails_the_day_naming_the_page) {
  auto day = day_of();
  ASSERT_EQ(day.add_page(page_of(
              json::array{charge("txn_1", day_start_unix_s, "pi_1")}, true)),
            "");
  EXPECT_EQ(day.add_page("<html>502 Bad Gateway</html>").substr(0, 17),
            "page 2: not JSON:");
  EXPECT_FALSE(day.wants_page());
}

TEST(balance_transactions_day_test,
     a_transaction_created_outside_the_day_fails_it) {
  for (std::int64_t created : {day_start_unix_s - 1, day_end_unix_s}) {
    auto day = day_of();
    auto error = day.add_page(
      page_of(json::array{charge("txn_1", created, "pi_1")}, false));
    EXPECT_EQ(error, "page 1: txn_1 was created on "
                       + std::string{created < day_start_unix_s ? "2026-02-28"
                                                                : "2026-03-02"}
                       + ", not on 2026-03-01");
    EXPECT_FALSE(day.wants_page());
  }
}

TEST(balance_transactions_day_test, paging_that_would_not_end_fails_the_day) {
  auto empty_more = day_of();
  EXPECT_EQ(empty_more.add_page(page_of(json::array{}, true)),
            "page 1: has_more with no transactions: paging would not end");
  EXPECT_FALSE(empty_more.wants_page());

  auto stuck = day_of();
  auto page = page_of(json::array{charge("txn_1", day_start_unix_s, "pi_1")},
                      true);
  ASSERT_EQ(stuck.add_page(page), "");
  EXPECT_EQ(stuck.add_page(page),
            "page 2: has_more, but the page ends at txn_1 where the previous "
            "one did: paging would not end");
}

TEST(balance_transactions_day_test,
     has_more_on_the_last_allowed_page_fails_instead_of_reading_part_of_it) {
  auto day = day_of(2);
  ASSERT_EQ(day.add_page(page_of(
              json::array{charge("txn_2", day_start_unix_s + 2, "pi_2")},
              true)),
            "");
  EXPECT_EQ(day.add_page(page_of(
              json::array{charge("txn_1", day_start_unix_s + 1, "pi_1")},
              true)),
            "page 2: has_more after 2 pages: more transactions than one run "
            "reconciles");
  EXPECT_FALSE(day.wants_page());

  auto exact = day_of(2);
  ASSERT_EQ(exact.add_page(page_of(
              json::array{charge("txn_2", day_start_unix_s + 2, "pi_2")},
              true)),
            "");
  EXPECT_EQ(exact.add_page(page_of(
              json::array{charge("txn_1", day_start_unix_s + 1, "pi_1")},
              false)),
            "");
  EXPECT_EQ(exact.take_file().lines.size(), 2u);
}

TEST(balance_transactions_day_test, the_page_cap_is_a_hundred_thousand_lines) {
  EXPECT_EQ(std::uint64_t{balance_transactions_pages_max}
              * balance_transactions_page_size,
            100'000u);
}

}  // namespace
}  // namespace pay::domain
