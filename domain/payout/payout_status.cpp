#include "domain/payout/payout_status.hpp"

namespace pay::domain {

std::string_view to_db_string(payout_status s) {
  switch (s) {
    case payout_status::created:
      return "CREATED";
    case payout_status::in_transit:
      return "IN_TRANSIT";
    case payout_status::paid:
      return "PAID";
    case payout_status::failed:
      return "FAILED";
    case payout_status::transferred:
      return "TRANSFERRED";
    case payout_status::reversing:
      return "REVERSING";
  }
  return "INVALID";
}

std::optional<payout_status> parse_payout_status(std::string_view s) {
  for (auto status : all_payout_statuses)
    if (to_db_string(status) == s) return status;
  return std::nullopt;
}

std::string_view to_string(payout_event e) {
  switch (e) {
    case payout_event::psp_accepted:
      return "psp_accepted";
    case payout_event::psp_paid:
      return "psp_paid";
    case payout_event::psp_failed:
      return "psp_failed";
    case payout_event::psp_rejected:
      return "psp_rejected";
    case payout_event::transfer_accepted:
      return "transfer_accepted";
    case payout_event::transfer_reversed:
      return "transfer_reversed";
    case payout_event::operator_failed:
      return "operator_failed";
  }
  return "invalid";
}

}  // namespace pay::domain
