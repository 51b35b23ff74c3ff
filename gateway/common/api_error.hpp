#pragma once
// A client-facing error: Stripe's error object plus the HTTP status.

#include <string>

namespace pay::gateway {

struct api_error {
  unsigned http_status = 400;
  std::string type = "invalid_request_error";
  std::string code;
  std::string message;
  std::string param;  // the offending field, e.g. "payment_orders[1].amount"
  unsigned retry_after_s = 0;  // sent as Retry-After when not 0
};

inline api_error invalid(std::string code, std::string message,
                         std::string param) {
  return api_error{400, "invalid_request_error", std::move(code),
                   std::move(message), std::move(param)};
}

}  // namespace pay::gateway
