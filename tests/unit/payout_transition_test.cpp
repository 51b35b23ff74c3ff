#include <gtest/gtest.h>

#include "domain/payout/payout_status.hpp"

namespace pay::domain {
namespace {

using E = payout_event;
using S = payout_status;

TEST(payout_transition, created_moves_to_transferred_when_the_transfer_exists) {
  EXPECT_EQ(next_status(S::created, E::transfer_accepted), S::transferred);
}

TEST(payout_transition, created_fails_when_the_transfer_is_refused) {
  EXPECT_EQ(next_status(S::created, E::psp_rejected), S::failed);
}

TEST(payout_transition, an_operator_fails_a_created_payout_at_once) {
  EXPECT_EQ(next_status(S::created, E::operator_failed), S::failed);
}

TEST(payout_transition,
     an_operator_fails_a_transferred_payout_by_reversing_its_transfer) {
  EXPECT_EQ(next_status(S::transferred, E::operator_failed), S::reversing);
}

TEST(payout_transition,
     an_operator_cannot_fail_a_payout_in_transit_or_reversing) {
  for (auto from : {S::in_transit, S::reversing})
    EXPECT_EQ(next_status(from, E::operator_failed), std::nullopt)
      << to_db_string(from);
}

TEST(payout_transition, created_cannot_skip_the_transfer) {
  for (auto e :
       {E::psp_accepted, E::psp_paid, E::psp_failed, E::transfer_reversed})
    EXPECT_EQ(next_status(S::created, e), std::nullopt) << to_string(e);
}

TEST(payout_transition,
     transferred_moves_to_in_transit_when_the_payout_exists) {
  EXPECT_EQ(next_status(S::transferred, E::psp_accepted), S::in_transit);
}

TEST(payout_transition,
     transferred_reverses_when_the_payout_is_refused_or_fails) {
  EXPECT_EQ(next_status(S::transferred, E::psp_rejected), S::reversing);
  EXPECT_EQ(next_status(S::transferred, E::psp_failed), S::reversing);
  for (auto e : {E::transfer_accepted, E::psp_paid, E::transfer_reversed})
    EXPECT_EQ(next_status(S::transferred, e), std::nullopt) << to_string(e);
}

TEST(payout_transition, in_transit_ends_paid_or_reverses) {
  EXPECT_EQ(next_status(S::in_transit, E::psp_paid), S::paid);
  EXPECT_EQ(next_status(S::in_transit, E::psp_failed), S::reversing);
  for (auto e : {E::transfer_accepted, E::psp_accepted, E::psp_rejected,
                 E::transfer_reversed, E::operator_failed})
    EXPECT_EQ(next_status(S::in_transit, e), std::nullopt) << to_string(e);
}

TEST(payout_transition, reversing_fails_only_once_the_transfer_is_back) {
  EXPECT_EQ(next_status(S::reversing, E::transfer_reversed), S::failed);
  for (auto e : {E::transfer_accepted, E::psp_accepted, E::psp_paid,
                 E::psp_failed, E::psp_rejected, E::operator_failed})
    EXPECT_EQ(next_status(S::reversing, e), std::nullopt) << to_string(e);
}

TEST(payout_transition, terminal_states_accept_no_event) {
  for (auto from : {S::paid, S::failed}) {
    EXPECT_TRUE(is_final(from));
    for (auto e : all_payout_events)
      EXPECT_EQ(next_status(from, e), std::nullopt)
        << to_db_string(from) << " " << to_string(e);
  }
  for (auto open : {S::created, S::transferred, S::in_transit, S::reversing})
    EXPECT_FALSE(is_final(open)) << to_db_string(open);
}

TEST(payout_transition, database_spelling_round_trips) {
  for (auto s : all_payout_statuses)
    EXPECT_EQ(parse_payout_status(to_db_string(s)), s);
  EXPECT_EQ(parse_payout_status("paid"), std::nullopt);
  EXPECT_EQ(parse_payout_status(""), std::nullopt);
}

}  // namespace
}  // namespace pay::domain
