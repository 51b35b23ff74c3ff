#include <gtest/gtest.h>

#include "domain/payout/payout_steps.hpp"

namespace pay::domain {
namespace {

using C = payout_call;
using K = payout_kind;
using R = payout_reaction_kind;
using S = payout_status;

payout_call_facts facts(S status, bool look_up_first = false,
                        bool transfer_checked = false) {
  return {status, true, true, look_up_first, transfer_checked};
}

TEST(payout_steps, created_transfers_to_the_connected_account) {
  EXPECT_EQ(next_call(facts(S::created)), C::create_transfer);
}

TEST(payout_steps, created_without_a_connected_account_asks_nothing) {
  EXPECT_EQ(next_call({S::created, false, false, false, false}), C::no_account);
}

TEST(payout_steps, an_old_create_looks_itself_up_before_creating_again) {
  EXPECT_EQ(next_call(facts(S::created, true)), C::find_transfer);
  EXPECT_EQ(next_call(facts(S::transferred, true)), C::find_payout);
  EXPECT_EQ(next_call(facts(S::transferred)), C::create_payout);
}

TEST(payout_steps, in_transit_reads_its_payout) {
  EXPECT_EQ(next_call(facts(S::in_transit)), C::read_payout);
  EXPECT_EQ(next_call(facts(S::in_transit, true)), C::read_payout);
}

TEST(payout_steps, reversing_reads_the_transfer_before_reversing_it) {
  EXPECT_EQ(next_call(facts(S::reversing)), C::read_transfer);
  EXPECT_EQ(next_call(facts(S::reversing, false, true)), C::reverse_transfer);
  EXPECT_EQ(next_call({S::reversing, true, false, false, false}),
            C::no_transfer);
}

TEST(payout_steps, final_statuses_ask_nothing) {
  EXPECT_EQ(next_call(facts(S::paid)), C::none);
  EXPECT_EQ(next_call(facts(S::failed)), C::none);
}

TEST(payout_steps, a_transfer_answer_moves_created_to_transferred) {
  auto r = react(S::created, C::create_transfer, K::transferred);
  EXPECT_EQ(r.kind, R::advance);
  EXPECT_EQ(r.event, payout_event::transfer_accepted);
  EXPECT_EQ(react(S::created, C::find_transfer, K::transferred).event,
            payout_event::transfer_accepted);
}

TEST(payout_steps, a_lookup_that_finds_nothing_lets_the_create_go_ahead) {
  EXPECT_EQ(react(S::created, C::find_transfer, K::absent).kind, R::create_now);
  EXPECT_EQ(react(S::transferred, C::find_payout, K::absent).kind,
            R::create_now);
  // An answer that is not a lookup never says "absent" for sure.
  EXPECT_EQ(react(S::in_transit, C::read_payout, K::absent).kind,
            R::record_attempt);
}

TEST(payout_steps, the_payout_answer_moves_transferred_on) {
  EXPECT_EQ(react(S::transferred, C::create_payout, K::pending).event,
            payout_event::psp_accepted);
  EXPECT_EQ(react(S::transferred, C::create_payout, K::paid).event,
            payout_event::psp_accepted);
  EXPECT_EQ(react(S::transferred, C::create_payout, K::failed).event,
            payout_event::psp_failed);
  EXPECT_EQ(react(S::transferred, C::create_payout, K::rejected).event,
            payout_event::psp_rejected);
}

TEST(payout_steps, in_transit_polls_while_pending_and_ends_paid_or_failed) {
  EXPECT_EQ(react(S::in_transit, C::read_payout, K::pending).kind, R::poll);
  EXPECT_EQ(react(S::in_transit, C::read_payout, K::paid).event,
            payout_event::psp_paid);
  EXPECT_EQ(react(S::in_transit, C::read_payout, K::failed).event,
            payout_event::psp_failed);
  // A refused read says nothing about the pay-out the provider holds.
  EXPECT_EQ(react(S::in_transit, C::read_payout, K::rejected).kind,
            R::record_attempt);
}

TEST(payout_steps,
     reversing_reverses_a_live_transfer_and_ends_once_it_is_back) {
  EXPECT_EQ(react(S::reversing, C::read_transfer, K::transferred).kind,
            R::reverse_now);
  EXPECT_EQ(react(S::reversing, C::read_transfer, K::reversed).event,
            payout_event::transfer_reversed);
  EXPECT_EQ(react(S::reversing, C::reverse_transfer, K::reversed).event,
            payout_event::transfer_reversed);
  EXPECT_EQ(react(S::reversing, C::reverse_transfer, K::rejected).kind,
            R::record_attempt);
}

TEST(payout_steps, a_lost_answer_is_only_ever_an_attempt) {
  for (auto status : {S::created, S::transferred, S::in_transit, S::reversing})
    for (auto call : {C::create_transfer, C::find_transfer, C::create_payout,
                      C::find_payout, C::read_payout, C::read_transfer,
                      C::reverse_transfer})
      EXPECT_EQ(react(status, call, K::retry).kind, R::record_attempt)
        << to_db_string(status) << " " << to_string(call);
}

TEST(payout_steps, every_advance_is_a_legal_transition) {
  for (auto status : all_payout_statuses)
    for (auto call : {C::create_transfer, C::find_transfer, C::create_payout,
                      C::find_payout, C::read_payout, C::read_transfer,
                      C::reverse_transfer})
      for (auto answer : {K::pending, K::paid, K::failed, K::rejected, K::retry,
                          K::transferred, K::reversed, K::absent}) {
        auto r = react(status, call, answer);
        if (r.kind != R::advance) continue;
        EXPECT_TRUE(next_status(status, r.event))
          << to_db_string(status) << " " << to_string(call) << " "
          << to_string(answer);
      }
}

}  // namespace
}  // namespace pay::domain
