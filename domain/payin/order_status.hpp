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
// Authorize now, capture later. A card charge is authorized first; the card
// rules then decide (from EXECUTING or PENDING, the PSP's answer in hand):
//
//   EXECUTING/PENDING --psp_succeeded--> SUCCESS  (captured at once)
//                     --psp_authorized--> AUTHORIZED  (capture on fulfilment)
//                     --card_review--> REVIEW  (authorization kept)
//                     --psp_voided--> VOIDED  (the rules voided it)
//   REVIEW (authorized) --hold_approved--> AUTHORIZED
//                       --hold_rejected--> VOIDING
//   AUTHORIZED --capture_requested--> CAPTURING --psp_succeeded--> SUCCESS
//              --psp_succeeded--> SUCCESS  (immediate capture, approved hold)
//              --void_requested--> VOIDING --psp_voided--> VOIDED
//   AUTHORIZED, CAPTURING, REVIEW --psp_voided--> VOIDED  (the PSP says the
//                                    authorization is gone: it expired)
//
// CAPTURING and VOIDING are a decision persisted before the PSP hears of it
// (a fulfilment, a cancel, an expiry): a restart finishes the call.
//
// operator_failed (an operator resolving a dead-lettered order) leads from
// every unfinished state to FAILED. SUCCESS, FAILED and VOIDED are terminal.
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
  pending = 4,     // the PSP decides later (3-D Secure, review, hosted page)
  review = 5,      // held by our risk check until an operator decides
  authorized = 6,  // money held at the PSP, not captured
  capturing = 7,   // capture decided, the PSP to be told
  voiding = 8,     // void decided, the PSP to be told
  voided = 9,      // authorization released: nothing charged
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
  risk_blocked = 9,        // our risk check refused the checkout: no PSP call
  psp_authorized = 10,     // held at the PSP, capture waits for fulfilment
  card_review = 11,        // the card rules want a human, authorization kept
  hold_approved = 12,      // an operator approved an authorized order
  hold_rejected = 13,      // an operator rejected an authorized order
  capture_requested = 14,  // fulfilled: capture (all or part)
  void_requested = 15,     // cancelled, or the authorization is expiring
  psp_voided = 16,         // the PSP released the authorization
};

inline constexpr order_status all_order_statuses[] = {
  order_status::not_started, order_status::executing, order_status::success,
  order_status::failed,      order_status::pending,   order_status::review,
  order_status::authorized,  order_status::capturing, order_status::voiding,
  order_status::voided};
inline constexpr order_event all_order_events[] = {
  order_event::start_execution, order_event::psp_succeeded,
  order_event::psp_declined,    order_event::operator_failed,
  order_event::psp_pending,     order_event::risk_review,
  order_event::review_approved, order_event::review_rejected,
  order_event::risk_blocked,    order_event::psp_authorized,
  order_event::card_review,     order_event::hold_approved,
  order_event::hold_rejected,   order_event::capture_requested,
  order_event::void_requested,  order_event::psp_voided};

constexpr bool is_final(order_status s) {
  return s == order_status::success || s == order_status::failed
         || s == order_status::voided;
}

// nullopt: the transition is illegal from `from`.
constexpr std::optional<order_status> next_status(order_status from,
                                                  order_event event) {
  using s = order_status;
  using e = order_event;
  if (event == e::operator_failed)
    return is_final(from) ? std::nullopt : std::optional{s::failed};
  switch (from) {
    case s::not_started:
      switch (event) {
        case e::start_execution:
          return s::executing;
        case e::risk_review:
          return s::review;
        case e::risk_blocked:
          return s::failed;
        default:
          return std::nullopt;
      }
    case s::review:
      switch (event) {
        case e::review_approved:
          return s::not_started;
        case e::review_rejected:
          return s::failed;
        case e::hold_approved:
          return s::authorized;
        case e::hold_rejected:
        case e::void_requested:
          return s::voiding;
        case e::psp_voided:
          return s::voided;
        default:
          return std::nullopt;
      }
    case s::executing:
    case s::pending:
      switch (event) {
        case e::psp_succeeded:
          return s::success;
        case e::psp_declined:
          return s::failed;
        case e::psp_pending:
          return from == s::executing ? std::optional{s::pending}
                                      : std::nullopt;
        case e::psp_authorized:
          return s::authorized;
        case e::card_review:
          return s::review;
        case e::psp_voided:
          return s::voided;
        default:
          return std::nullopt;
      }
    case s::authorized:
      switch (event) {
        case e::capture_requested:
          return s::capturing;
        case e::void_requested:
          return s::voiding;
        case e::psp_succeeded:
          return s::success;
        case e::psp_voided:
          return s::voided;
        default:
          return std::nullopt;
      }
    case s::capturing:
      switch (event) {
        case e::psp_succeeded:
          return s::success;
        case e::psp_voided:
          return s::voided;
        default:
          return std::nullopt;
      }
    case s::voiding:
      return event == e::psp_voided ? std::optional{s::voided} : std::nullopt;
    case s::success:
    case s::failed:
    case s::voided:
      return std::nullopt;
  }
  return std::nullopt;
}

// Whether the PSP holds money for the order that is neither captured nor
// released: what the trial balance's authorizations_held memo counts.
constexpr bool holds_authorization(order_status s) {
  return s == order_status::authorized || s == order_status::capturing
         || s == order_status::voiding;
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
  held = 5,      // in review, or authorized until fulfilment: nothing to do
                 // until someone decides
  capture = 6,   // tell the PSP to capture (the decision is persisted)
  void_authorization = 7,    // tell the PSP to release it (persisted too)
  expire_authorization = 8,  // persist the void of an authorization whose
                             // time to be captured is up
};

// What next_action reads of an order's row and its checkout.
struct order_progress {
  order_status status = order_status::not_started;
  bool wallet_updated = false;
  bool ledger_updated = false;
  // The checkout asked to capture on fulfilment: an authorized order waits.
  bool capture_on_fulfillment = false;
  // An authorization is held and its time to be captured is up.
  bool authorization_expired = false;
};

constexpr order_action next_action(const order_progress& p) {
  switch (p.status) {
    case order_status::not_started:
      return order_action::start_execution;
    case order_status::executing:
    case order_status::pending:  // ask the PSP how it went (a poll)
      return order_action::charge;
    case order_status::review:
      return p.authorization_expired ? order_action::expire_authorization
                                     : order_action::held;
    case order_status::authorized:
      if (p.authorization_expired) return order_action::expire_authorization;
      return p.capture_on_fulfillment ? order_action::held
                                      : order_action::capture;
    case order_status::capturing:
      return order_action::capture;
    case order_status::voiding:
      return order_action::void_authorization;
    case order_status::success:
      // Wallet first, then ledger: the design's order, and each step is
      // idempotent so a crash between them is finished on recovery.
      if (!p.wallet_updated) return order_action::credit_wallet;
      if (!p.ledger_updated) return order_action::write_ledger;
      return order_action::finished;
    case order_status::failed:
    case order_status::voided:
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
