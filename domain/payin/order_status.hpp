#pragma once
// The payment order state machine, as data (Kill Bill style): a table of
// (state, event) -> next state. Anything not in the table is illegal and is
// rejected, never applied.
//
//                      risk_review           review_approved
//   NOT_STARTED ----------------------> REVIEW ----------------> NOT_STARTED
//     |    |                              |
//     |    +--risk_blocked--> FAILED      +--review_rejected--> FAILED
//     |
//     +--start_execution--> EXECUTING --psp_succeeded--> SUCCESS
//                              |   |                       ^
//                              |   +--psp_pending--> PENDING (3-D Secure,
//                              |                       |   review at the PSP,
//                              |                       |   hosted page: the
//                              |                       |   webhook or a poll
//                              |                       |   decides)
//                              |                       +--psp_succeeded--+
//                              +--psp_declined--> FAILED <--psp_declined-+
//
// operator_failed (an operator resolving a dead-lettered order) leads from
// every unfinished state to FAILED. SUCCESS and FAILED are terminal.
// "Unknown outcome" is not an event here: an order whose PSP answer was lost
// stays where it is until the PSP is asked.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::domain {

// Contiguous from 0: metrics index arrays by it.
enum class order_status : std::uint8_t {
  not_started = 0,
  executing = 1,
  success = 2,
  failed = 3,
  pending = 4,  // the PSP decides later (3-D Secure, review, hosted page)
  review = 5,   // held by our risk check until an operator decides
};

enum class order_event : std::uint8_t {
  start_execution = 0,
  psp_succeeded = 1,
  psp_declined = 2,     // final answer from the PSP: card declined, etc.
  operator_failed = 4,  // an operator resolved a dead-lettered order
  psp_pending = 5,      // the PSP accepted and will decide later
  risk_review = 6,      // our risk check wants a human to look
  review_approved = 7,
  review_rejected = 8,
  risk_blocked = 9,  // our risk check refused the checkout: no PSP call
};

inline constexpr order_status all_order_statuses[] = {
  order_status::not_started, order_status::executing, order_status::success,
  order_status::failed,      order_status::pending,   order_status::review};
inline constexpr order_event all_order_events[] = {
  order_event::start_execution, order_event::psp_succeeded,
  order_event::psp_declined,    order_event::operator_failed,
  order_event::psp_pending,     order_event::risk_review,
  order_event::review_approved, order_event::review_rejected,
  order_event::risk_blocked};

// nullopt: the transition is illegal from `from`.
constexpr std::optional<order_status> next_status(order_status from,
                                                  order_event event) {
  if (event == order_event::operator_failed)
    return from == order_status::success || from == order_status::failed
             ? std::nullopt
             : std::optional{order_status::failed};
  switch (from) {
    case order_status::not_started:
      switch (event) {
        case order_event::start_execution:
          return order_status::executing;
        case order_event::risk_review:
          return order_status::review;
        case order_event::risk_blocked:
          return order_status::failed;
        default:
          return std::nullopt;
      }
    case order_status::review:
      switch (event) {
        case order_event::review_approved:
          return order_status::not_started;
        case order_event::review_rejected:
          return order_status::failed;
        default:
          return std::nullopt;
      }
    case order_status::executing:
      switch (event) {
        case order_event::psp_succeeded:
          return order_status::success;
        case order_event::psp_declined:
          return order_status::failed;
        case order_event::psp_pending:
          return order_status::pending;
        default:
          return std::nullopt;
      }
    case order_status::pending:
      switch (event) {
        case order_event::psp_succeeded:
          return order_status::success;
        case order_event::psp_declined:
          return order_status::failed;
        default:
          return std::nullopt;
      }
    case order_status::success:
    case order_status::failed:
      return std::nullopt;
  }
  return std::nullopt;
}

constexpr bool is_final(order_status s) {
  return s == order_status::success || s == order_status::failed;
}

// What a payment order actor does next, decided from its persisted row
// alone. Because it needs nothing in memory, an actor restarted after a crash
// continues exactly where the database says the order is.
enum class order_action : std::uint8_t {
  start_execution = 0,  // persist NOT_STARTED -> EXECUTING first
  charge = 1,           // call (or ask again) the PSP with the order's key
  credit_wallet = 2,
  write_ledger = 3,
  finished = 4,  // terminal and fully booked: report and stop
  held = 5,      // in review: nothing to do until an operator decides
};

constexpr order_action next_action(order_status status, bool wallet_updated,
                                   bool ledger_updated) {
  switch (status) {
    case order_status::not_started:
      return order_action::start_execution;
    case order_status::executing:
    case order_status::pending:  // ask the PSP how it went (a poll)
      return order_action::charge;
    case order_status::review:
      return order_action::held;
    case order_status::success:
      // Wallet first, then ledger: the design's order, and each step is
      // idempotent so a crash between them is finished on recovery.
      if (!wallet_updated) return order_action::credit_wallet;
      if (!ledger_updated) return order_action::write_ledger;
      return order_action::finished;
    case order_status::failed:
      return order_action::finished;
  }
  return order_action::finished;
}

std::string_view to_string(order_action a);

// Database and wire spelling: "NOT_STARTED", "EXECUTING", ...
std::string_view to_db_string(order_status s);
std::optional<order_status> parse_order_status(std::string_view s);
std::string to_string(order_status s);
std::string_view to_string(order_event e);

}  // namespace pay::domain
