#include "pspsim/checkout_session.hpp"

#include "http/form.hpp"
#include "pspsim/check.hpp"

namespace pay::pspsim {

boost::json::object session_to_json(const checkout_session& session) {
  boost::json::object out;
  out["id"] = session.id;
  out["object"] = "checkout.session";
  out["url"] = session.url;
  out["status"] = session.status == session_status::complete ? "complete"
                                                             : "open";
  out["payment_status"] = session.paid ? "paid" : "unpaid";
  if (session.payment_intent.empty()) {
    out["payment_intent"] = nullptr;
  } else {
    out["payment_intent"] = session.payment_intent;
  }
  out["amount_total"] = session.amount_minor;
  out["currency"] = session.currency;
  out["client_reference_id"] = session.client_reference_id;
  out["return_url"] = session.return_url;
  boost::json::object metadata;
  for (const auto& [key, value] : session.metadata) metadata[key] = value;
  out["metadata"] = std::move(metadata);
  out["created"] = session.created_unix_s;
  out["livemode"] = false;
  return out;
}

std::string result_redirect_url(const checkout_session& session) {
  PSPSIM_CHECK(session.status == session_status::complete);
  std::string url = session.return_url;
  std::string fragment;
  if (const auto hash = url.find('#'); hash != std::string::npos) {
    fragment = url.substr(hash);
    url.resize(hash);
  }
  http::form_fields query{{"session_id", session.id},
                          {"payment_order_id", session.client_reference_id},
                          {"status", session.paid ? "succeeded" : "failed"}};
  if (!session.paid) query.emplace_back("code", session.failure_code);
  const bool has_query = url.find('?') != std::string::npos;
  const bool ends_open = !url.empty()
                         && (url.back() == '?' || url.back() == '&');
  url += ends_open ? "" : (has_query ? "&" : "?");
  return url + http::form_encode(query) + fragment;
}

}  // namespace pay::pspsim
