#include "pspsim/stripe_account.hpp"

#include "pspsim/v1_common.hpp"

namespace pay::pspsim {

stripe_account stripe_account_of(const http::request& req,
                                 const connect_store& accounts) {
  stripe_account out;
  const auto it = req.find("Stripe-Account");
  if (it == req.end()) return out;
  out.id = std::string(it->value());
  if (!accounts.has_account(out.id)) {
    out.refused = error(req, 400, "invalid_request_error", "account_invalid",
                        "The provided Stripe-Account '" + out.id
                          + "' does not exist or is not connected to this "
                            "platform.",
                        "Stripe-Account");
  }
  return out;
}

}  // namespace pay::pspsim
