// The payment order transition table, pair by pair: every (state, event)
// is checked, the legal ones against the list below and every other one as
// refused. Then the next-action function recovery relies on.

#include <gtest/gtest.h>

#include <algorithm>

#include "domain/payin/order_status.hpp"

namespace {

using pay::domain::next_action;
using pay::domain::next_status;
using pay::domain::order_action;
using pay::domain::order_event;
using pay::domain::order_progress;
using pay::domain::order_status;

struct legal_move {
  order_status from;
  order_event event;
  order_status to;
};

using s = order_status;
using e = order_event;

// Every legal move; operator_failed is listed for each unfinished state.
const legal_move legal[] = {
  {s::not_started, e::start_execution, s::executing},
  {s::not_started, e::risk_review, s::review},
  {s::not_started, e::risk_blocked, s::failed},
  {s::not_started, e::operator_failed, s::failed},
  {s::review, e::review_approved, s::not_started},
  {s::review, e::review_rejected, s::failed},
  {s::review, e::hold_approved, s::authorized},
  {s::review, e::hold_rejected, s::voiding},
  {s::review, e::void_requested, s::voiding},
  {s::review, e::psp_voided, s::voided},
  {s::review, e::operator_failed, s::failed},
  {s::executing, e::psp_succeeded, s::success},
  {s::executing, e::psp_declined, s::failed},
  {s::executing, e::psp_pending, s::pending},
  {s::executing, e::psp_authorized, s::authorized},
  {s::executing, e::card_review, s::review},
  {s::executing, e::psp_voided, s::voided},
  {s::executing, e::operator_failed, s::failed},
  {s::pending, e::psp_succeeded, s::success},
  {s::pending, e::psp_declined, s::failed},
  {s::pending, e::psp_authorized, s::authorized},
  {s::pending, e::card_review, s::review},
  {s::pending, e::psp_voided, s::voided},
  {s::pending, e::operator_failed, s::failed},
  {s::authorized, e::capture_requested, s::capturing},
  {s::authorized, e::void_requested, s::voiding},
  {s::authorized, e::psp_succeeded, s::success},
  {s::authorized, e::psp_voided, s::voided},
  {s::authorized, e::operator_failed, s::failed},
  {s::capturing, e::psp_succeeded, s::success},
  {s::capturing, e::psp_voided, s::voided},
  {s::capturing, e::operator_failed, s::failed},
  {s::voiding, e::psp_voided, s::voided},
  {s::voiding, e::operator_failed, s::failed},
};

struct pair_case {
  order_status from;
  order_event event;
};

std::vector<pair_case> every_pair() {
  std::vector<pair_case> out;
  for (auto from : pay::domain::all_order_statuses)
    for (auto event : pay::domain::all_order_events)
      out.push_back({from, event});
  return out;
}

std::optional<order_status> listed(order_status from, order_event event) {
  for (const auto& m : legal)
    if (m.from == from && m.event == event) return m.to;
  return std::nullopt;
}

class transition_table : public ::testing::TestWithParam<pair_case> {};

TEST_P(transition_table, applies_exactly_the_listed_moves) {
  const auto& c = GetParam();
  EXPECT_EQ(next_status(c.from, c.event), listed(c.from, c.event))
    << to_string(c.from) << " on " << to_string(c.event);
}

INSTANTIATE_TEST_SUITE_P(every_state_and_event, transition_table,
                         ::testing::ValuesIn(every_pair()),
                         [](const auto& info) {
                           return std::string{to_db_string(info.param.from)}
                                  + "_"
                                  + std::string{to_string(info.param.event)};
                         });

TEST(transition_table_test, every_pair_is_checked) {
  EXPECT_EQ(every_pair().size(), 10U * 16U);
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
      if (next_status(status, event) == s::success) {
        EXPECT_EQ(event, e::psp_succeeded) << to_string(status);
      }
    }
  }
}

TEST(transition_table_test, nothing_is_captured_after_a_void_was_decided) {
  for (auto from : {s::voiding, s::voided}) {
    for (auto event : pay::domain::all_order_events) {
      auto to = next_status(from, event);
      EXPECT_NE(to, s::success) << to_string(from) << " " << to_string(event);
      EXPECT_NE(to, s::capturing);
      EXPECT_NE(to, s::authorized);
    }
  }
}

TEST(transition_table_test, a_capture_is_asked_for_only_of_an_authorization) {
  for (auto status : pay::domain::all_order_statuses) {
    for (auto event : pay::domain::all_order_events) {
      if (next_status(status, event) == s::capturing) {
        EXPECT_EQ(status, s::authorized);
      }
    }
  }
}

TEST(transition_table_test, no_charge_starts_from_review_without_an_approval) {
  for (auto event : pay::domain::all_order_events)
    EXPECT_NE(next_status(s::review, event), s::executing);
  EXPECT_EQ(next_status(s::review, e::review_approved), s::not_started);
}

TEST(transition_table_test, is_usable_at_compile_time) {
  static_assert(next_status(s::executing, e::psp_succeeded) == s::success);
  static_assert(!next_status(s::success, e::psp_declined));
  static_assert(next_status(s::capturing, e::psp_succeeded) == s::success);
}

TEST(transition_table_test, authorization_is_held_exactly_while_undecided) {
  EXPECT_TRUE(holds_authorization(s::authorized));
  EXPECT_TRUE(holds_authorization(s::capturing));
  EXPECT_TRUE(holds_authorization(s::voiding));
  EXPECT_FALSE(holds_authorization(s::voided));
  EXPECT_FALSE(holds_authorization(s::success));
}

order_action action_of(order_status status, bool wallet = false,
                       bool ledger = false) {
  return next_action(order_progress{status, wallet, ledger, false, false});
}

TEST(next_action_test, fresh_order_persists_executing_before_any_psp_call) {
  EXPECT_EQ(action_of(s::not_started), order_action::start_execution);
}

TEST(next_action_test, executing_order_asks_the_psp) {
  EXPECT_EQ(action_of(s::executing), order_action::charge);
}

TEST(next_action_test, success_credits_wallet_before_ledger) {
  EXPECT_EQ(action_of(s::success), order_action::credit_wallet);
  EXPECT_EQ(action_of(s::success, true), order_action::write_ledger);
  EXPECT_EQ(action_of(s::success, true, true), order_action::finished);
}

TEST(next_action_test, pending_order_asks_the_psp_again) {
  EXPECT_EQ(action_of(s::pending), order_action::charge);
}

TEST(next_action_test, order_in_review_is_held) {
  EXPECT_EQ(action_of(s::review), order_action::held);
}

TEST(next_action_test, failed_and_voided_orders_are_finished) {
  EXPECT_EQ(action_of(s::failed), order_action::finished);
  EXPECT_EQ(action_of(s::voided), order_action::finished);
}

TEST(next_action_test, authorized_order_waits_for_fulfilment_when_asked_to) {
  EXPECT_EQ(next_action({s::authorized, false, false, true, false}),
            order_action::held);
}

TEST(next_action_test, authorized_order_of_an_immediate_checkout_captures) {
  EXPECT_EQ(next_action({s::authorized, false, false, false, false}),
            order_action::capture);
}

TEST(next_action_test, persisted_decisions_are_carried_out) {
  EXPECT_EQ(action_of(s::capturing), order_action::capture);
  EXPECT_EQ(action_of(s::voiding), order_action::void_authorization);
}

TEST(next_action_test, an_expired_authorization_is_voided_not_captured) {
  EXPECT_EQ(next_action({s::authorized, false, false, true, true}),
            order_action::expire_authorization);
  EXPECT_EQ(next_action({s::authorized, false, false, false, true}),
            order_action::expire_authorization);
  EXPECT_EQ(next_action({s::review, false, false, true, true}),
            order_action::expire_authorization);
}

TEST(order_status_text_test, database_spelling_round_trips) {
  for (auto status : pay::domain::all_order_statuses)
    EXPECT_EQ(pay::domain::parse_order_status(to_db_string(status)), status);
  EXPECT_FALSE(pay::domain::parse_order_status("success").has_value());
  EXPECT_FALSE(pay::domain::parse_order_status("PAID").has_value());
}

}  // namespace
