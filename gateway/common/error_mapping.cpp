#include "gateway/common/error_mapping.hpp"

#include "actors/common/actor_errors.hpp"

namespace pay::gateway {

api_error money_error_to_api(domain::money_error e,
                             const std::string& amount_param,
                             const std::string& currency_param) {
  bool about_currency = e == domain::money_error::currency_unknown
                        || e == domain::money_error::currency_not_uppercase;
  return invalid(std::string{domain::to_code(e)},
                 std::string{domain::to_message(e)},
                 about_currency ? currency_param : amount_param);
}

api_error system_error_to_api(const caf::error& err) {
  if (is_overloaded(err)) {
    std::uint32_t retry_after_s = 1;
    if (err.context().match_elements<std::uint32_t>())
      retry_after_s = err.context().get_as<std::uint32_t>(0);
    return api_error{503,
                     "api_error",
                     "overloaded",
                     "Too many payments are in progress; retry this request "
                     "after Retry-After seconds, it is safe.",
                     "",
                     retry_after_s};
  }
  if (is_error(err, actor_errc::open_checkouts_limit)) {
    std::uint32_t open_max = 0, retry_after_s = 1;
    if (err.context().match_elements<std::uint32_t, std::uint32_t>()) {
      open_max = err.context().get_as<std::uint32_t>(0);
      retry_after_s = err.context().get_as<std::uint32_t>(1);
    }
    return api_error{429, "rate_limit_error", "open_checkouts_limit",
                     "This account has " + std::to_string(open_max)
                       + " unfinished checkouts, the most it may have at "
                         "once; retry once some have finished.",
                     "", retry_after_s};
  }
  bool unavailable = err == make_error(actor_errc::database_unavailable)
                     || err == caf::make_error(caf::sec::request_timeout);
  if (unavailable)
    return api_error{503, "api_error", "service_unavailable",
                     "A dependency is unavailable; retry with the same "
                     "request, it is safe.",
                     ""};
  return api_error{500, "api_error", "internal_error",
                   "Something went wrong on our side.", ""};
}

api_error conflict_to_api(insert_outcome outcome, const std::string& param) {
  if (outcome == insert_outcome::order_id_conflict)
    return api_error{409, "invalid_request_error", "payment_order_id_conflict",
                     "This payment_order_id already belongs to a different "
                     "request.",
                     param};
  return api_error{409, "invalid_request_error", "checkout_id_conflict",
                   "This checkout_id was already used with a different "
                   "request body.",
                   param};
}

api_error not_found(const std::string& what, const std::string& id,
                    const std::string& param) {
  return api_error{404, "invalid_request_error", "resource_missing",
                   "No such " + what + ": '" + id + "'", param};
}

}  // namespace pay::gateway
