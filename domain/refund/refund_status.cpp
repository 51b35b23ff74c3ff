#include "domain/refund/refund_status.hpp"

namespace pay::domain {

std::optional<refund_status> next_status(refund_status from,
                                         refund_event event) {
  if (from != refund_status::created) return std::nullopt;
  switch (event) {
    case refund_event::psp_succeeded:
      return refund_status::succeeded;
    case refund_event::psp_failed:
      return refund_status::failed;
  }
  return std::nullopt;
}

bool is_final(refund_status status) { return status != refund_status::created; }

std::string_view to_db_string(refund_status status) {
  switch (status) {
    case refund_status::created:
      return "CREATED";
    case refund_status::succeeded:
      return "SUCCEEDED";
    case refund_status::failed:
      return "FAILED";
  }
  return "INVALID";
}

std::optional<refund_status> parse_refund_status(std::string_view text) {
  for (auto s : {refund_status::created, refund_status::succeeded,
                 refund_status::failed})
    if (to_db_string(s) == text) return s;
  return std::nullopt;
}

std::string_view to_string(refund_event event) {
  switch (event) {
    case refund_event::psp_succeeded:
      return "psp_succeeded";
    case refund_event::psp_failed:
      return "psp_failed";
  }
  return "invalid";
}

}  // namespace pay::domain
