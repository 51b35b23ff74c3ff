// Why a request's parameters were refused, in Stripe's terms: answered as
// {"error":{"type":"invalid_request_error","code","message","param"}}.
#pragma once

#include <string>

namespace pay::pspsim {

struct param_error {
  unsigned http_status = 400;
  std::string code;  // "parameter_missing", "amount_too_small", ...
  std::string message;
  std::string param;  // the offending field
};

}  // namespace pay::pspsim
