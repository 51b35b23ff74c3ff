// The payment order transition table, entry by entry, including every
// illegal move, and the next-action function recovery relies on.

#include <gtest/gtest.h>

#include "domain/payin/order_status.hpp"

namespace {

using pay::domain::next_action;
using pay::domain::next_status;
using pay::domain::order_action;
using pay::domain::order_event;
using pay::domain::order_status;

struct transition_row {
  order_status from;
  order_event event;
  std::optional<order_status> to;  // nullopt: illegal
};

// The whole table: 6 states x 9 events.
const transition_row table[] = {
  {order_status::not_started, order_event::start_execution,
   order_status::executing},
  {order_status::not_started, order_event::psp_succeeded, std::nullopt},
  {order_status::not_started, order_event::psp_declined, std::nullopt},
  {order_status::not_started, order_event::operator_failed,
   order_status::failed},
  {order_status::not_started, order_event::psp_pending, std::nullopt},
  {order_status::not_started, order_event::risk_review, order_status::review},
  {order_status::not_started, order_event::review_approved, std::nullopt},
  {order_status::not_started, order_event::review_rejected, std::nullopt},
  {order_status::not_started, order_event::risk_blocked, order_status::failed},
  {order_status::executing, order_event::start_execution, std::nullopt},
  {order_status::executing, order_event::psp_succeeded, order_status::success},
  {order_status::executing, order_event::psp_declined, order_status::failed},
  {order_status::executing, order_event::operator_failed, order_status::failed},
  {order_status::executing, order_event::psp_pending, order_status::pending},
  {order_status::executing, order_event::risk_review, std::nullopt},
  {order_status::executing, order_event::review_approved, std::nullopt},
  {order_status::executing, order_event::review_rejected, std::nullopt},
  {order_status::executing, order_event::risk_blocked, std::nullopt},
  {order_status::success, order_event::start_execution, std::nullopt},
  {order_status::success, order_event::psp_succeeded, std::nullopt},
  {order_status::success, order_event::psp_declined, std::nullopt},
  {order_status::success, order_event::operator_failed, std::nullopt},
  {order_status::success, order_event::psp_pending, std::nullopt},
  {order_status::success, order_event::risk_review, std::nullopt},
  {order_status::success, order_event::review_approved, std::nullopt},
  {order_status::success, order_event::review_rejected, std::nullopt},
  {order_status::success, order_event::risk_blocked, std::nullopt},
  {order_status::failed, order_event::start_execution, std::nullopt},
  {order_status::failed, order_event::psp_succeeded, std::nullopt},
  {order_status::failed, order_event::psp_declined, std::nullopt},
  {order_status::failed, order_event::operator_failed, std::nullopt},
  {order_status::failed, order_event::psp_pending, std::nullopt},
  {order_status::failed, order_event::risk_review, std::nullopt},
  {order_status::failed, order_event::review_approved, std::nullopt},
  {order_status::failed, order_event::review_rejected, std::nullopt},
  {order_status::failed, order_event::risk_blocked, std::nullopt},
  {order_status::pending, order_event::start_execution, std::nullopt},
  {order_status::pending, order_event::psp_succeeded, order_status::success},
  {order_status::pending, order_event::psp_declined, order_status::failed},
  {order_status::pending, order_event::operator_failed, order_status::failed},
  {order_status::pending, order_event::psp_pending, std::nullopt},
  {order_status::pending, order_event::risk_review, std::nullopt},
  {order_status::pending, order_event::review_approved, std::nullopt},
  {order_status::pending, order_event::review_rejected, std::nullopt},
  {order_status::pending, order_event::risk_blocked, std::nullopt},
  {order_status::review, order_event::start_execution, std::nullopt},
  {order_status::review, order_event::psp_succeeded, std::nullopt},
  {order_status::review, order_event::psp_declined, std::nullopt},
  {order_status::review, order_event::operator_failed, order_status::failed},
  {order_status::review, order_event::psp_pending, std::nullopt},
  {order_status::review, order_event::risk_review, std::nullopt},
  {order_status::review, order_event::review_approved,
   order_status::not_started},
  {order_status::review, order_event::review_rejected, order_status::failed},
  {order_status::review, order_event::risk_blocked, std::nullopt},
};

class transition_table : public ::testing::TestWithParam<transition_row> {};

TEST_P(transition_table, applies_exactly_the_listed_moves) {
  const auto& row = GetParam();
  EXPECT_EQ(next_status(row.from, row.event), row.to)
    << to_string(row.from) << " on " << to_string(row.event);
}

INSTANTIATE_TEST_SUITE_P(every_state_and_event, transition_table,
                         ::testing::ValuesIn(table), [](const auto& info) {
                           return std::string{to_db_string(info.param.from)}
                                  + "_"
                                  + std::string{to_string(info.param.event)};
                         });

TEST(transition_table_test, table_covers_every_state_event_pair) {
  EXPECT_EQ(std::size(table), std::size(pay::domain::all_order_statuses)
                                * std::size(pay::domain::all_order_events));
}

TEST(transition_table_test, terminal_states_have_no_way_out) {
  for (auto status : pay::domain::all_order_statuses) {
    if (!is_final(status)) continue;
    for (auto event : pay::domain::all_order_events)
      EXPECT_FALSE(next_status(status, event).has_value());
  }
}

TEST(transition_table_test, success_is_reached_only_from_an_answer_of_the_psp) {
  for (auto status : pay::domain::all_order_statuses) {
    for (auto event : pay::domain::all_order_events) {
      if (next_status(status, event) == order_status::success) {
        EXPECT_TRUE(status == order_status::executing
                    || status == order_status::pending);
        EXPECT_EQ(event, order_event::psp_succeeded);
      }
    }
  }
}

TEST(transition_table_test, no_charge_starts_from_review_without_an_approval) {
  for (auto event : pay::domain::all_order_events)
    EXPECT_NE(next_status(order_status::review, event),
              order_status::executing);
  EXPECT_EQ(next_status(order_status::review, order_event::review_approved),
            order_status::not_started);
}

TEST(transition_table_test, is_usable_at_compile_time) {
  static_assert(next_status(order_status::executing, order_event::psp_succeeded)
                == order_status::success);
  static_assert(!next_status(order_status::success, order_event::psp_declined));
}

TEST(next_action_test, fresh_order_persists_executing_before_any_psp_call) {
  EXPECT_EQ(next_action(order_status::not_started, false, false),
            order_action::start_execution);
}

TEST(next_action_test, executing_order_asks_the_psp) {
  EXPECT_EQ(next_action(order_status::executing, false, false),
            order_action::charge);
}

TEST(next_action_test, success_credits_wallet_before_ledger) {
  EXPECT_EQ(next_action(order_status::success, false, false),
            order_action::credit_wallet);
  EXPECT_EQ(next_action(order_status::success, true, false),
            order_action::write_ledger);
  EXPECT_EQ(next_action(order_status::success, true, true),
            order_action::finished);
}

TEST(next_action_test, pending_order_asks_the_psp_again) {
  EXPECT_EQ(next_action(order_status::pending, false, false),
            order_action::charge);
}

TEST(next_action_test, order_in_review_is_held) {
  EXPECT_EQ(next_action(order_status::review, false, false),
            order_action::held);
}

TEST(next_action_test, failed_order_is_finished_and_books_nothing) {
  EXPECT_EQ(next_action(order_status::failed, false, false),
            order_action::finished);
}

TEST(order_status_text_test, database_spelling_round_trips) {
  for (auto status : pay::domain::all_order_statuses)
    EXPECT_EQ(pay::domain::parse_order_status(to_db_string(status)), status);
  EXPECT_FALSE(pay::domain::parse_order_status("success").has_value());
  EXPECT_FALSE(pay::domain::parse_order_status("PAID").has_value());
}

}  // namespace
