// The list pieces without a process: the query parser and cursor paging
// over the newest-first order (created range, both cursor directions,
// cursors outside the range, ties).
#include "pspsim/stripe_list.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "pspsim/stripe_params.hpp"

namespace pay::pspsim {
namespace {

// Seven objects: created 100 (a, b), 200 (c), 300 (d, e, f), 400 (g).
newest_first sample() {
  return {{100, "a"}, {100, "b"}, {200, "c"}, {300, "d"},
          {300, "e"}, {300, "f"}, {400, "g"}};
}

page_query with_limit(std::size_t limit) {
  page_query q;
  q.limit = limit;
  return q;
}

TEST(stripe_list, newest_first_with_ties_by_id_descending) {
  const auto page = page_of(sample(), with_limit(100), nullptr);
  EXPECT_EQ(page.ids,
            (std::vector<std::string>{"g", "f", "e", "d", "c", "b", "a"}));
  EXPECT_FALSE(page.has_more);
}

TEST(stripe_list, starting_after_pages_through_everything_once) {
  const auto order = sample();
  page_query q = with_limit(3);
  std::vector<std::string> all;
  std::vector<bool> more;
  const list_page first = page_of(order, q, nullptr);
  all = first.ids;
  more.push_back(first.has_more);
  while (more.back()) {
    q.starting_after = all.back();
    const list_key cursor = *std::find_if(order.begin(), order.end(),
                                          [&](const list_key& k) {
                                            return k.second == q.starting_after;
                                          });
    const list_page next = page_of(order, q, &cursor);
    all.insert(all.end(), next.ids.begin(), next.ids.end());
    more.push_back(next.has_more);
  }
  EXPECT_EQ(all, (std::vector<std::string>{"g", "f", "e", "d", "c", "b", "a"}));
  EXPECT_EQ(more, (std::vector<bool>{true, true, false}));
}

TEST(stripe_list, created_range_is_inclusive_below_exclusive_above) {
  page_query q = with_limit(100);
  q.created_from = 200;
  q.created_to = 301;  // created[lte]=300
  EXPECT_EQ(page_of(sample(), q, nullptr).ids,
            (std::vector<std::string>{"f", "e", "d", "c"}));
  q.created_from = 201;  // created[gt]=200
  q.created_to = 300;    // created[lt]=300
  EXPECT_TRUE(page_of(sample(), q, nullptr).ids.empty());
}

TEST(stripe_list, has_more_stops_at_the_range) {
  page_query q = with_limit(4);
  q.created_from = 200;
  const auto page = page_of(sample(), q, nullptr);
  EXPECT_EQ(page.ids, (std::vector<std::string>{"g", "f", "e", "d"}));
  EXPECT_TRUE(page.has_more);  // c is in range
  q.limit = 5;
  EXPECT_FALSE(page_of(sample(), q, nullptr).has_more);
}

TEST(stripe_list, ending_before_answers_the_newer_page_newest_first) {
  page_query q = with_limit(2);
  q.ending_before = "c";
  const list_key cursor{200, "c"};
  const auto page = page_of(sample(), q, &cursor);
  EXPECT_EQ(page.ids, (std::vector<std::string>{"e", "d"}));
  EXPECT_TRUE(page.has_more);  // f and g are newer still
  q.limit = 10;
  const auto rest = page_of(sample(), q, &cursor);
  EXPECT_EQ(rest.ids, (std::vector<std::string>{"g", "f", "e", "d"}));
  EXPECT_FALSE(rest.has_more);
}

TEST(stripe_list, cursors_outside_the_range_start_at_its_edge) {
  page_query q = with_limit(100);
  q.created_from = 200;
  q.created_to = 400;
  q.starting_after = "g";
  const list_key newest{400, "g"};
  EXPECT_EQ(page_of(sample(), q, &newest).ids,
            (std::vector<std::string>{"f", "e", "d", "c"}));
  q.starting_after.clear();
  q.ending_before = "a";
  const list_key oldest{100, "a"};
  EXPECT_EQ(page_of(sample(), q, &oldest).ids,
            (std::vector<std::string>{"f", "e", "d", "c"}));
}

TEST(stripe_list, query_parses_bounds_limit_and_cursors) {
  page_query q;
  EXPECT_FALSE(parse_page_query({{"created[gte]", "10"},
                                 {"created[lt]", "20"},
                                 {"limit", "100"},
                                 {"starting_after", "pi_1"}},
                                q));
  EXPECT_EQ(q.created_from, 10);
  EXPECT_EQ(q.created_to, 20);
  EXPECT_EQ(q.limit, 100u);
  EXPECT_EQ(q.starting_after, "pi_1");
  page_query strict;
  EXPECT_FALSE(
    parse_page_query({{"created[gt]", "10"}, {"created[lte]", "20"}}, strict));
  EXPECT_EQ(strict.created_from, 11);
  EXPECT_EQ(strict.created_to, 21);
  EXPECT_EQ(strict.limit, 10u);
}

TEST(stripe_list, query_refusals_are_stripes) {
  const auto refusal = [](const http::form_fields& fields) {
    page_query q;
    const auto e = parse_page_query(fields, q);
    return e ? e->code + " " + e->param : std::string("none");
  };
  EXPECT_EQ(refusal({{"limit", "0"}}), "parameter_invalid_integer limit");
  EXPECT_EQ(refusal({{"limit", "101"}}), "parameter_invalid_integer limit");
  EXPECT_EQ(refusal({{"limit", "ten"}}), "parameter_invalid_integer limit");
  EXPECT_EQ(refusal({{"created[gte]", "1.5"}}),
            "parameter_invalid_integer created[gte]");
  EXPECT_EQ(refusal({{"starting_after", ""}}),
            "parameter_invalid_empty starting_after");
  EXPECT_EQ(refusal({{"starting_after", "a"}, {"ending_before", "b"}}),
            "parameters_exclusive ending_before");
}

TEST(stripe_list, allow_lists_of_the_two_lists) {
  EXPECT_FALSE(
    check_params(stripe_endpoint::list_refunds, {{"payment_intent", "pi_1"},
                                                 {"charge", "ch_1"},
                                                 {"limit", "1"},
                                                 {"starting_after", "re_1"},
                                                 {"ending_before", "re_2"},
                                                 {"created[gt]", "1"},
                                                 {"created[gte]", "1"},
                                                 {"created[lt]", "1"},
                                                 {"created[lte]", "1"}}));
  EXPECT_FALSE(check_params(stripe_endpoint::list_payment_intents,
                            {{"limit", "1"},
                             {"starting_after", "pi_1"},
                             {"ending_before", "pi_2"},
                             {"created[gt]", "1"},
                             {"created[gte]", "1"},
                             {"created[lt]", "1"},
                             {"created[lte]", "1"},
                             {"customer", "cus_1"}}));
  for (const auto& [endpoint, name] :
       {std::pair{stripe_endpoint::list_refunds, "customer"},
        std::pair{stripe_endpoint::list_refunds, "created"},
        std::pair{stripe_endpoint::list_refunds, "expand[0]"},
        std::pair{stripe_endpoint::list_payment_intents, "payment_intent"},
        std::pair{stripe_endpoint::list_payment_intents, "created[eq]"},
        std::pair{stripe_endpoint::list_payment_intents, "metadata[a]"}}) {
    const auto e = check_params(endpoint, {{name, "1"}});
    ASSERT_TRUE(e.has_value()) << name;
    EXPECT_EQ(e->code, "parameter_unknown");
    EXPECT_EQ(e->param, name);
  }
}

}  // namespace
}  // namespace pay::pspsim
