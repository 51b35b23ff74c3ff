#include "pspsim/v1_faults.hpp"

#include "pspsim/check.hpp"
#include "pspsim/payment_intents_api.hpp"

namespace pay::pspsim {
namespace {

http::response injected_error(const http::request& req, fault_kind fault) {
  if (fault == fault_kind::error_429) {
    return http::make_json_response(
      req, 429,
      http::error_body("rate_limit_error", "rate_limit",
                       "Too many requests hit the API too quickly "
                       "(pspsim injected fault); nothing was done."));
  }
  PSPSIM_CHECK(fault == fault_kind::error_500);
  return http::make_json_response(
    req, 500,
    http::error_body("api_error", "api_error",
                     "An unexpected error occurred (pspsim injected fault); "
                     "nothing was done."));
}

// An answer that create_intent stored (or replayed) under a key: it echoes
// the key, and only stored outcomes do.
bool stored_under_key(const http::response& res) {
  const unsigned status = res.result_int();
  return (status == 200 || status == 402)
         && res.find("Idempotency-Key") != res.end();
}

// As if the PSP's own internal retry ran the request again after losing its
// first answer: the client gets the second run's answer, which must be a
// replay of the first, never a second charge.
http::response process_twice(const http::request& req, const sim_parts& parts,
                             std::string_view api_key, const sim_time& now) {
  http::response first = handle_v1(req, parts, api_key, now);
  if (!stored_under_key(first)) return first;
  http::response second = handle_v1(req, parts, api_key, now);
  PSPSIM_CHECK(second["Idempotent-Replayed"] == "true");
  PSPSIM_CHECK(second.result_int() == first.result_int());
  PSPSIM_CHECK(second.body() == first.body());
  parts.faults.note_injected(fault_kind::duplicate_processing);
  return second;
}

}  // namespace

http::response handle_v1_with_fault(const http::request& req, fault_kind fault,
                                    const sim_parts& parts,
                                    std::string_view api_key,
                                    const sim_time& now) {
  fault_injector& faults = parts.faults;
  switch (fault) {
    case fault_kind::none:
      return handle_v1(req, parts, api_key, now);
    case fault_kind::error_500:
    case fault_kind::error_429:
      faults.note_injected(fault);
      return injected_error(req, fault);
    case fault_kind::reset_before_commit:
      faults.note_injected(fault);
      return http::connection_reset();
    case fault_kind::reset_after_commit:
    case fault_kind::timeout_after_commit:
      // Whatever the outcome (charge, decline, even a 400), it is stored as
      // usual; only its answer is lost on the way back.
      handle_v1(req, parts, api_key, now);
      faults.note_injected(fault);
      return http::connection_reset();
    case fault_kind::duplicate_processing:
      return process_twice(req, parts, api_key, now);
  }
  check_failed("a known fault_kind", __FILE__, __LINE__);
}

}  // namespace pay::pspsim
