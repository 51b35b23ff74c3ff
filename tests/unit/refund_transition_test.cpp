// The refund transition table, entry by entry, including every illegal move.

#include <gtest/gtest.h>

#include "domain/refund/refund_status.hpp"

namespace {

using pay::domain::next_status;
using pay::domain::refund_event;
using pay::domain::refund_status;

struct transition_row {
  refund_status from;
  refund_event event;
  std::optional<refund_status> to;  // nullopt: illegal
};

// The whole table: 4 states x 4 events.
const transition_row table[] = {
  {refund_status::created, refund_event::psp_succeeded,
   refund_status::succeeded},
  {refund_status::created, refund_event::psp_failed, refund_status::failed},
  {refund_status::created, refund_event::psp_pending, refund_status::pending},
  {refund_status::pending, refund_event::psp_succeeded,
   refund_status::succeeded},
  {refund_status::pending, refund_event::psp_failed, refund_status::failed},
  // Once pending, the PSP's refund exists: it is read back, never made again.
  {refund_status::pending, refund_event::psp_pending, std::nullopt},
  {refund_status::succeeded, refund_event::psp_succeeded, std::nullopt},
  {refund_status::succeeded, refund_event::psp_failed, std::nullopt},
  {refund_status::succeeded, refund_event::psp_pending, std::nullopt},
  {refund_status::failed, refund_event::psp_succeeded, std::nullopt},
  {refund_status::failed, refund_event::psp_failed, std::nullopt},
  {refund_status::failed, refund_event::psp_pending, std::nullopt},
  // An operator fails only a refund the PSP does not hold: never a PENDING
  // one (the PSP made it) and never a final one.
  {refund_status::created, refund_event::operator_failed,
   refund_status::failed},
  {refund_status::pending, refund_event::operator_failed, std::nullopt},
  {refund_status::succeeded, refund_event::operator_failed, std::nullopt},
  {refund_status::failed, refund_event::operator_failed, std::nullopt},
};

TEST(refund_transition, every_entry_of_the_table_holds) {
  for (const auto& row : table)
    EXPECT_EQ(next_status(row.from, row.event), row.to)
      << to_db_string(row.from) << " on " << to_string(row.event);
}

TEST(refund_transition, only_created_and_pending_are_not_final) {
  EXPECT_FALSE(is_final(refund_status::created));
  EXPECT_FALSE(is_final(refund_status::pending));
  EXPECT_TRUE(is_final(refund_status::succeeded));
  EXPECT_TRUE(is_final(refund_status::failed));
}

TEST(refund_transition, status_names_round_trip_as_the_database_spells_them) {
  for (auto s : {refund_status::created, refund_status::pending,
                 refund_status::succeeded, refund_status::failed})
    EXPECT_EQ(pay::domain::parse_refund_status(to_db_string(s)), s);
  EXPECT_EQ(to_db_string(refund_status::succeeded), "SUCCEEDED");
  EXPECT_FALSE(pay::domain::parse_refund_status("succeeded").has_value());
  EXPECT_FALSE(pay::domain::parse_refund_status("").has_value());
}

}  // namespace
