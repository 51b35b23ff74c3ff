#include <gtest/gtest.h>

#include "domain/payout/payout_status.hpp"

namespace pay::domain {
namespace {

using E = payout_event;
using S = payout_status;

TEST(payout_transition, created_moves_to_in_transit_when_the_provider_accepts) {
  EXPECT_EQ(next_status(S::created, E::psp_accepted), S::in_transit);
}

TEST(payout_transition, created_fails_when_refused_or_failed_outright) {
  EXPECT_EQ(next_status(S::created, E::psp_rejected), S::failed);
  EXPECT_EQ(next_status(S::created, E::psp_failed), S::failed);
}

TEST(payout_transition, created_cannot_be_paid_without_being_accepted_first) {
  EXPECT_EQ(next_status(S::created, E::psp_paid), std::nullopt);
}

TEST(payout_transition, in_transit_ends_paid_or_failed) {
  EXPECT_EQ(next_status(S::in_transit, E::psp_paid), S::paid);
  EXPECT_EQ(next_status(S::in_transit, E::psp_failed), S::failed);
  EXPECT_EQ(next_status(S::in_transit, E::psp_accepted), std::nullopt);
  EXPECT_EQ(next_status(S::in_transit, E::psp_rejected), std::nullopt);
}

TEST(payout_transition, terminal_states_accept_no_event) {
  for (auto from : {S::paid, S::failed}) {
    EXPECT_TRUE(is_final(from));
    for (auto e : all_payout_events)
      EXPECT_EQ(next_status(from, e), std::nullopt)
        << to_db_string(from) << " " << to_string(e);
  }
  EXPECT_FALSE(is_final(S::created));
  EXPECT_FALSE(is_final(S::in_transit));
}

TEST(payout_transition, database_spelling_round_trips) {
  for (auto s : all_payout_statuses)
    EXPECT_EQ(parse_payout_status(to_db_string(s)), s);
  EXPECT_EQ(parse_payout_status("paid"), std::nullopt);
  EXPECT_EQ(parse_payout_status(""), std::nullopt);
}

}  // namespace
}  // namespace pay::domain
