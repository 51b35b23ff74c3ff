#include "actors/common/psp_request.hpp"

namespace pay {

namespace bhttp = boost::beast::http;

http::request make_psp_request(const psp_identity& who, const psp_call& call) {
  http::request req{call.method == "POST" ? bhttp::verb::post
                                          : bhttp::verb::get,
                    call.target, 11};
  req.set(bhttp::field::host, who.host);
  req.set(bhttp::field::authorization, "Bearer " + who.api_key);
  req.set(bhttp::field::user_agent, "paymentd");
  req.set("Stripe-Version", who.stripe_version);
  if (!call.stripe_account.empty())
    req.set("Stripe-Account", call.stripe_account);
  if (!call.correlation_id.empty())
    req.set("X-Request-Id", call.correlation_id);
  if (call.method == "POST") {
    req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    if (!call.idempotency_key.empty())
      req.set("Idempotency-Key", call.idempotency_key);
    req.body() = call.form_body;
  }
  req.prepare_payload();
  return req;
}

}  // namespace pay
