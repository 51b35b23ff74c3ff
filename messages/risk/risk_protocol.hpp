#pragma once
// The risk actor: our own checks on a checkout before any PSP call. It
// decides allow, review or block from the rules in config/, persists the
// decision once, and answers the checkout as it is afterwards.

#include <caf/all.hpp>

#include "messages/payin/store_protocol.hpp"

namespace pay {

struct assess_risk {
  checkout_view checkout;  // its orders' amounts are checked
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, assess_risk& x) {
  return f(x.checkout, x.correlation_id);
}

using risk_actor =
  caf::typed_actor<caf::replies_to<assess_risk>::with<checkout_lookup>>;

}  // namespace pay
