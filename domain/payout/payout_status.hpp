#pragma once
// The pay-out state machine, as data: (state, event) -> next state. Anything
// not in the table is illegal and is never applied.
//
//   CREATED --psp_accepted--> IN_TRANSIT --psp_paid--> PAID
//      |                          |
//      +--psp_rejected--> FAILED <+--psp_failed
//
// CREATED: the row exists and the seller's money left the wallet; the
// provider may or may not have the pay-out yet (we ask with the same key).
// IN_TRANSIT: the provider accepted it (we hold its po_ reference).
// PAID and FAILED are terminal; FAILED gives the money back to the seller.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pay::domain {

enum class payout_status : std::uint8_t {
  created = 0,
  in_transit = 1,
  paid = 2,
  failed = 3,
};

enum class payout_event : std::uint8_t {
  psp_accepted = 0,  // the provider holds it, pending
  psp_paid = 1,
  psp_failed = 2,    // the provider tried and could not pay (account closed)
  psp_rejected = 3,  // the provider refused our create request (final 4xx)
};

inline constexpr payout_status all_payout_statuses[] = {
  payout_status::created, payout_status::in_transit, payout_status::paid,
  payout_status::failed};
inline constexpr payout_event all_payout_events[] = {
  payout_event::psp_accepted, payout_event::psp_paid, payout_event::psp_failed,
  payout_event::psp_rejected};

// nullopt: the transition is illegal from `from`.
constexpr std::optional<payout_status> next_status(payout_status from,
                                                   payout_event event) {
  switch (from) {
    case payout_status::created:
      if (event == payout_event::psp_accepted) return payout_status::in_transit;
      if (event == payout_event::psp_rejected
          || event == payout_event::psp_failed)
        return payout_status::failed;
      return std::nullopt;
    case payout_status::in_transit:
      if (event == payout_event::psp_paid) return payout_status::paid;
      if (event == payout_event::psp_failed) return payout_status::failed;
      return std::nullopt;
    case payout_status::paid:
    case payout_status::failed:
      return std::nullopt;
  }
  return std::nullopt;
}

constexpr bool is_final(payout_status s) {
  return s == payout_status::paid || s == payout_status::failed;
}

// Database and wire spelling: "CREATED", "IN_TRANSIT", "PAID", "FAILED".
std::string_view to_db_string(payout_status s);
std::optional<payout_status> parse_payout_status(std::string_view s);
std::string_view to_string(payout_event e);

}  // namespace pay::domain
