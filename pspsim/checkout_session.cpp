#include "pspsim/checkout_session.hpp"

#include <boost/json/array.hpp>

#include "pspsim/json_values.hpp"

namespace pay::pspsim {

std::string_view to_string(session_status status) {
  switch (status) {
    case session_status::open:
      return "open";
    case session_status::complete:
      return "complete";
    case session_status::expired:
      return "expired";
  }
  return "unknown";
}

boost::json::object session_to_json(const checkout_session& session) {
  boost::json::object out;
  out["id"] = session.id;
  out["object"] = "checkout.session";
  out["mode"] = "payment";
  out["url"] = session.url;
  out["status"] = to_string(session.status);
  out["payment_status"] = session.paid ? "paid" : "unpaid";
  if (session.payment_intent.empty()) {
    out["payment_intent"] = nullptr;
  } else {
    out["payment_intent"] = session.payment_intent;
  }
  out["payment_method_types"] = boost::json::array{"card"};
  out["amount_subtotal"] = session.amount_minor;
  out["amount_total"] = session.amount_minor;
  out["currency"] = session.currency;
  out["client_reference_id"] = optional_json(session.client_reference_id);
  out["customer_email"] = optional_json(session.customer_email);
  out["success_url"] = session.success_url;
  out["cancel_url"] = session.cancel_url;
  out["metadata"] = metadata_json(session.metadata);
  out["created"] = session.created_unix_s;
  out["expires_at"] = session.expires_at_unix_s;
  out["livemode"] = false;
  return out;
}

std::string success_redirect_url(const checkout_session& session) {
  constexpr std::string_view placeholder = "{CHECKOUT_SESSION_ID}";
  std::string url = session.success_url;
  for (auto at = url.find(placeholder); at != std::string::npos;
       at = url.find(placeholder, at + session.id.size())) {
    url.replace(at, placeholder.size(), session.id);
  }
  return url;
}

}  // namespace pay::pspsim
