#include "domain/payin/order_status.hpp"

namespace pay::domain {

std::string_view to_db_string(order_status s) {
  switch (s) {
    case order_status::not_started:
      return "NOT_STARTED";
    case order_status::executing:
      return "EXECUTING";
    case order_status::success:
      return "SUCCESS";
    case order_status::failed:
      return "FAILED";
    case order_status::pending:
      return "PENDING";
    case order_status::review:
      return "REVIEW";
    case order_status::authorized:
      return "AUTHORIZED";
    case order_status::capturing:
      return "CAPTURING";
    case order_status::voiding:
      return "VOIDING";
    case order_status::voided:
      return "VOIDED";
  }
  return "UNKNOWN";
}

std::optional<order_status> parse_order_status(std::string_view s) {
  for (auto status : all_order_statuses)
    if (to_db_string(status) == s) return status;
  return std::nullopt;
}

std::string to_string(order_status s) { return std::string{to_db_string(s)}; }

std::string_view to_string(order_event e) {
  switch (e) {
    case order_event::start_execution:
      return "start_execution";
    case order_event::psp_succeeded:
      return "psp_succeeded";
    case order_event::psp_declined:
      return "psp_declined";
    case order_event::operator_failed:
      return "operator_failed";
    case order_event::psp_pending:
      return "psp_pending";
    case order_event::risk_review:
      return "risk_review";
    case order_event::review_approved:
      return "review_approved";
    case order_event::review_rejected:
      return "review_rejected";
    case order_event::risk_blocked:
      return "risk_blocked";
    case order_event::psp_authorized:
      return "psp_authorized";
    case order_event::card_review:
      return "card_review";
    case order_event::hold_approved:
      return "hold_approved";
    case order_event::hold_rejected:
      return "hold_rejected";
    case order_event::capture_requested:
      return "capture_requested";
    case order_event::void_requested:
      return "void_requested";
    case order_event::psp_voided:
      return "psp_voided";
  }
  return "unknown";
}

std::string_view to_string(order_action a) {
  switch (a) {
    case order_action::start_execution:
      return "start_execution";
    case order_action::charge:
      return "charge";
    case order_action::credit_wallet:
      return "credit_wallet";
    case order_action::write_ledger:
      return "write_ledger";
    case order_action::finished:
      return "finished";
    case order_action::held:
      return "held";
    case order_action::capture:
      return "capture";
    case order_action::void_authorization:
      return "void_authorization";
    case order_action::expire_authorization:
      return "expire_authorization";
  }
  return "unknown";
}

}  // namespace pay::domain
