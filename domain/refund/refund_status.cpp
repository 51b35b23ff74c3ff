#include "domain/refund/refund_status.hpp"

namespace pay::domain {

std::optional<refund_status> next_status(refund_status from,
                                         refund_event event) {
  if (is_final(from)) return std::nullopt;
  switch (event) {
    case refund_event::psp_succeeded:
      return refund_status::succeeded;
    case refund_event::psp_failed:
      return refund_status::failed;
    case refund_event::psp_pending:
      if (from == refund_status::created) return refund_status::pending;
      return std::nullopt;
    case refund_event::operator_failed:
      if (from == refund_status::created) return refund_status::failed;
      return std::nullopt;
  }
  return std::nullopt;
}

bool is_final(refund_status status) {
  return status == refund_status::succeeded || status == refund_status::failed;
}

std::string_view to_db_string(refund_status status) {
  switch (status) {
    case refund_status::created:
      return "CREATED";
    case refund_status::succeeded:
      return "SUCCEEDED";
    case refund_status::failed:
      return "FAILED";
    case refund_status::pending:
      return "PENDING";
  }
  return "INVALID";
}

std::optional<refund_status> parse_refund_status(std::string_view text) {
  for (auto s : {refund_status::created, refund_status::pending,
                 refund_status::succeeded, refund_status::failed})
    if (to_db_string(s) == text) return s;
  return std::nullopt;
}

std::string_view to_string(refund_event event) {
  switch (event) {
    case refund_event::psp_succeeded:
      return "psp_succeeded";
    case refund_event::psp_failed:
      return "psp_failed";
    case refund_event::psp_pending:
      return "psp_pending";
    case refund_event::operator_failed:
      return "operator_failed";
  }
  return "invalid";
}

}  // namespace pay::domain
