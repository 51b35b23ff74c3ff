#pragma once
// One psp_call as the HTTP request Stripe expects: the headers every call
// carries (docs/stripe.md "Every call"). Shared by the PSP client's pool and
// the contract test, so what is checked against Stripe's mock is exactly what
// goes out.

#include <string>

#include "http/types.hpp"
#include "messages/common/psp_client_protocol.hpp"

namespace pay {

struct psp_identity {
  std::string host;  // Host header: "host:port"
  std::string api_key;
  std::string stripe_version;  // "2020-08-27"
};

http::request make_psp_request(const psp_identity& who, const psp_call& call);

}  // namespace pay
