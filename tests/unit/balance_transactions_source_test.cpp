// The balance_transactions settlement source against canned PSP answers:
// what it asks for, with which headers, how it pages, and how a run fails.

#include "actors/reconcile/balance_transactions_source.hpp"

#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/common/sha256.hpp"
#include "domain/reconcile/settlement_csv.hpp"

namespace pay {
namespace {

namespace json = boost::json;

const std::string date = "2026-03-01";
constexpr std::int64_t day_start_unix_s = 1'772'323'200;

// Answers in order; records every request.
struct fake_psp {
  struct request {
    std::string target;
    psp_headers headers;
  };
  std::deque<psp_answer> answers;
  std::vector<request> requests;
  int opened = 0;

  psp_opener opener() {
    return [this] {
      ++opened;
      return [this](const std::string& target, const psp_headers& headers) {
        requests.push_back({target, headers});
        if (answers.empty()) return psp_answer{"no answer left", 0, {}};
        auto a = std::move(answers.front());
        answers.pop_front();
        return a;
      };
    };
  }
};

json::object charge(const std::string& txn, std::int64_t created_unix_s,
                    const std::string& intent) {
  return {{"id", txn},
          {"object", "balance_transaction"},
          {"amount", 1000},
          {"created", created_unix_s},
          {"currency", "usd"},
          {"fee", 59},
          {"net", 941},
          {"reporting_category", "charge"},
          {"type", "charge"},
          {"source", json::object{{"id", "ch_" + intent},
                                  {"object", "charge"},
                                  {"payment_intent", intent},
                                  {"metadata", json::object{}}}}};
}

psp_answer page(json::array data, bool has_more) {
  return {{},
          200,
          json::serialize(json::object{{"object", "list"},
                                       {"has_more", has_more},
                                       {"data", std::move(data)}})};
}

const psp_headers headers{{"Authorization", "Bearer sk_test_x"},
                          {"Stripe-Version", "2020-08-27"}};

TEST(balance_transactions_source_test,
     the_first_page_asks_for_the_utc_day_a_hundred_at_a_time_expanded) {
  EXPECT_EQ(balance_transactions_target(*domain::utc_day_span_of(date), ""),
            "/v1/balance_transactions?created%5Bgte%5D=1772323200"
            "&created%5Blt%5D=1772409600&limit=100"
            "&expand%5B0%5D=data.source");
  EXPECT_EQ(balance_transactions_target(*domain::utc_day_span_of(date),
                                        "txn_1Ab"),
            "/v1/balance_transactions?created%5Bgte%5D=1772323200"
            "&created%5Blt%5D=1772409600&limit=100"
            "&expand%5B0%5D=data.source&starting_after=txn_1Ab");
}

TEST(balance_transactions_source_test,
     pages_are_followed_with_starting_after_and_the_key_and_version_sent) {
  fake_psp psp;
  psp.answers = {
    page(json::array{charge("txn_2", day_start_unix_s + 20, "pi_2")}, true),
    page(json::array{charge("txn_1", day_start_unix_s + 10, "pi_1")}, false)};
  balance_transactions_source source{headers, psp.opener()};
  auto day = source.settled_lines_of(date);
  ASSERT_EQ(day.error, "");
  EXPECT_EQ(psp.opened, 1);  // one connection for the run's pages
  ASSERT_EQ(psp.requests.size(), 2u);
  const auto span = *domain::utc_day_span_of(date);
  EXPECT_EQ(psp.requests[0].target, balance_transactions_target(span, ""));
  EXPECT_EQ(psp.requests[1].target, balance_transactions_target(span, "txn_2"));
  for (const auto& r : psp.requests) EXPECT_EQ(r.headers, headers);
  EXPECT_EQ(day.file.date, date);
  ASSERT_EQ(day.file.lines.size(), 2u);
  EXPECT_EQ(day.file.lines[0].psp_reference, "pi_1");
  EXPECT_EQ(day.file.lines[1].psp_reference, "pi_2");
  EXPECT_FALSE(day.file.states_totals);
  EXPECT_EQ(day.facts.name, "balance_transactions");
  EXPECT_EQ(day.facts.pages, 2u);
  // The digest is of the lines read, so a re-run over the same
  // transactions names the same content.
  EXPECT_EQ(day.content_sha256,
            domain::sha256_hex(domain::format_settlement_csv(day.file)));
}

TEST(balance_transactions_source_test, a_second_run_opens_a_new_connection) {
  fake_psp psp;
  psp.answers = {page(json::array{}, false), page(json::array{}, false)};
  balance_transactions_source source{headers, psp.opener()};
  EXPECT_EQ(source.settled_lines_of(date).error, "");
  EXPECT_EQ(source.settled_lines_of(date).error, "");
  EXPECT_EQ(psp.opened, 2);
}

TEST(balance_transactions_source_test,
     a_status_other_than_200_fails_the_run_with_stripes_message) {
  fake_psp psp;
  psp.answers = {
    page(json::array{charge("txn_2", day_start_unix_s + 20, "pi_2")}, true),
    {{},
     401,
     R"({"error":{"type":"invalid_request_error",)"
     R"("message":"Invalid API Key provided: sk_test_***x"}})"}};
  balance_transactions_source source{headers, psp.opener()};
  auto day = source.settled_lines_of(date);
  EXPECT_EQ(day.error,
            "balance transactions page 2 answered HTTP 401: Invalid API Key "
            "provided: sk_test_***x");
  EXPECT_TRUE(day.file.lines.empty());
  EXPECT_EQ(day.facts.pages, 2u);
}

TEST(balance_transactions_source_test,
     a_status_without_a_stripe_error_body_still_fails_the_run) {
  fake_psp psp;
  psp.answers = {{{}, 404, "Not Found"}};
  balance_transactions_source source{headers, psp.opener()};
  EXPECT_EQ(source.settled_lines_of(date).error,
            "balance transactions page 1 answered HTTP 404");
}

TEST(balance_transactions_source_test, no_answer_fails_the_run) {
  fake_psp psp;
  psp.answers = {{"connect: Connection refused", 0, {}}};
  balance_transactions_source source{headers, psp.opener()};
  EXPECT_EQ(source.settled_lines_of(date).error,
            "balance transactions page 1 download failed: connect: "
            "Connection refused");
}

TEST(balance_transactions_source_test,
     an_unreadable_page_fails_the_run_naming_page_and_entry) {
  fake_psp psp;
  auto bad = charge("txn_1", day_start_unix_s, "pi_1");
  bad["amount"] = "10.00";
  psp.answers = {page(json::array{bad}, false)};
  balance_transactions_source source{headers, psp.opener()};
  auto day = source.settled_lines_of(date);
  EXPECT_EQ(day.error,
            "balance transactions unreadable at page 1: data[0] (txn_1): "
            "amount is not an integer");
  EXPECT_TRUE(day.file.lines.empty());
}

TEST(balance_transactions_source_test,
     skipped_types_reach_the_facts_for_the_report) {
  fake_psp psp;
  json::object transfer{{"id", "txn_t"},
                        {"object", "balance_transaction"},
                        {"amount", -400},
                        {"created", day_start_unix_s},
                        {"currency", "usd"},
                        {"fee", 0},
                        {"net", -400},
                        {"type", "transfer_refund"},
                        {"reporting_category", "transfer_reversal"},
                        {"source", "tr_1"}};
  psp.answers = {page(json::array{transfer}, false)};
  balance_transactions_source source{headers, psp.opener()};
  auto day = source.settled_lines_of(date);
  ASSERT_EQ(day.error, "");
  EXPECT_EQ(day.facts.skipped_by_type,
            (std::map<std::string, std::uint32_t>{{"transfer_refund", 1}}));
}

TEST(balance_transactions_source_test, a_date_that_is_no_day_asks_nothing) {
  fake_psp psp;
  balance_transactions_source source{headers, psp.opener()};
  EXPECT_EQ(source.settled_lines_of("2026-02-30").error,
            "not a date (YYYY-MM-DD): 2026-02-30");
  EXPECT_TRUE(psp.requests.empty());
}

}  // namespace
}  // namespace pay
