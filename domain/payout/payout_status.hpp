#pragma once
// The pay-out state machine, as data: (state, event) -> next state. Anything
// not in the table is illegal and is never applied.
//
//   CREATED --transfer_accepted--> TRANSFERRED --psp_accepted--> IN_TRANSIT
//      |                                |                              |  |
//      | psp_rejected    psp_rejected,  |                   psp_failed |  |
//      v                 psp_failed     v                              |  |
//   FAILED <--transfer_reversed---- REVERSING <------------------------+  |
//                                                           PAID <--------+
//                                                                 psp_paid
//
// operator_failed (an operator resolving the pay-out's dead letter, after
// the provider was asked): CREATED -> FAILED when no transfer exists, and
// TRANSFERRED -> REVERSING when no pay-out exists on the connected account,
// so the transfer is taken back before the money returns to the wallet.
//
// CREATED: the row exists and the seller's money left the wallet; the
// transfer to the seller's connected account may or may not exist yet (we
// ask with the same key, or look it up). TRANSFERRED: the money is on the
// seller's connected account (tr_ stored); its pay-out may or may not exist.
// IN_TRANSIT: the provider accepted the pay-out (po_ stored). REVERSING: the
// pay-out was refused or failed, so the transfer is taken back before the
// money returns to the wallet. PAID and FAILED are terminal; FAILED gives the
// money back to the seller's wallet.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pay::domain {

enum class payout_status : std::uint8_t {
  created = 0,
  in_transit = 1,
  paid = 2,
  failed = 3,
  transferred = 4,
  reversing = 5,
};

enum class payout_event : std::uint8_t {
  psp_accepted = 0,  // the provider holds it, pending
  psp_paid = 1,
  psp_failed = 2,    // the provider tried and could not pay (account closed)
  psp_rejected = 3,  // the provider refused our create request (final 4xx)
  transfer_accepted = 4,  // the transfer to the connected account exists
  transfer_reversed = 5,  // the transfer was taken back (or never existed)
  operator_failed = 6,    // an operator resolved its dead letter as failed
};

inline constexpr payout_status all_payout_statuses[] = {
  payout_status::created,    payout_status::transferred,
  payout_status::in_transit, payout_status::reversing,
  payout_status::paid,       payout_status::failed};
inline constexpr payout_event all_payout_events[] = {
  payout_event::transfer_accepted, payout_event::psp_accepted,
  payout_event::psp_paid,          payout_event::psp_failed,
  payout_event::psp_rejected,      payout_event::transfer_reversed,
  payout_event::operator_failed};

// nullopt: the transition is illegal from `from`.
constexpr std::optional<payout_status> next_status(payout_status from,
                                                   payout_event event) {
  switch (from) {
    case payout_status::created:
      if (event == payout_event::transfer_accepted)
        return payout_status::transferred;
      if (event == payout_event::psp_rejected
          || event == payout_event::operator_failed)
        return payout_status::failed;
      return std::nullopt;
    case payout_status::transferred:
      if (event == payout_event::psp_accepted) return payout_status::in_transit;
      if (event == payout_event::psp_rejected
          || event == payout_event::psp_failed
          || event == payout_event::operator_failed)
        return payout_status::reversing;
      return std::nullopt;
    case payout_status::in_transit:
      if (event == payout_event::psp_paid) return payout_status::paid;
      if (event == payout_event::psp_failed) return payout_status::reversing;
      return std::nullopt;
    case payout_status::reversing:
      if (event == payout_event::transfer_reversed)
        return payout_status::failed;
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

// Database and wire spelling: "CREATED", "TRANSFERRED", "IN_TRANSIT",
// "REVERSING", "PAID", "FAILED".
std::string_view to_db_string(payout_status s);
std::optional<payout_status> parse_payout_status(std::string_view s);
std::string_view to_string(payout_event e);

}  // namespace pay::domain
