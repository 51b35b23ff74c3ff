#include "domain/refund/refund_outcome.hpp"

#include <boost/json.hpp>

#include "domain/common/json_fields.hpp"

namespace pay::domain {

namespace json = boost::json;

std::string_view to_string(refund_kind kind) {
  switch (kind) {
    case refund_kind::succeeded:
      return "succeeded";
    case refund_kind::failed:
      return "failed";
    case refund_kind::retry:
      return "retry";
  }
  return "invalid";
}

namespace {

refund_outcome retry_because(std::string code, std::string message) {
  return refund_outcome{
    refund_kind::retry, {}, std::move(code), std::move(message)};
}

refund_outcome from_refund_object(const json::object& refund) {
  refund_outcome out;
  out.psp_reference = string_at(refund, "id");
  auto status = string_at(refund, "status");
  if (status == "succeeded" && !out.psp_reference.empty()) {
    out.kind = refund_kind::succeeded;
  } else if (status == "failed" || status == "canceled") {
    out.kind = refund_kind::failed;
    out.failure_code = string_at(refund, "failure_reason");
    if (out.failure_code.empty()) out.failure_code = "refund_failed";
  } else {
    // pending, requires_action or anything we do not model: the PSP has not
    // decided yet, so ask again under the same key.
    out.kind = refund_kind::retry;
    out.failure_code = "refund_" + (status.empty() ? "unreadable" : status);
  }
  return out;
}

refund_outcome from_error(unsigned http_status, const json::object& body) {
  auto it = body.find("error");
  if (it == body.end() || !it->value().is_object())
    return retry_because("psp_error_unreadable",
                         "error response without error object");
  const auto& err = it->value().get_object();
  auto type = string_at(err, "type");
  auto code = string_at(err, "code");
  auto message = string_at(err, "message");
  if (code.empty()) code = type;
  // A failed refund always says why, and so does every retry's log line.
  if (code.empty()) code = "psp_http_" + std::to_string(http_status);
  // Our key was used before with other parameters: something may have been
  // refunded under it, so failing it could lose track of money.
  if (type == "idempotency_error") return retry_because(code, message);
  // Wrong credentials are our misconfiguration, not the refund's fault.
  if (http_status == 401 || http_status == 403)
    return retry_because("psp_auth_failed", message);
  if (http_status == 409 || http_status == 429 || http_status >= 500)
    return retry_because(code, message);
  if (http_status >= 400 && http_status < 500)
    return refund_outcome{refund_kind::failed, {}, code, message};
  return retry_because("psp_unexpected_status",
                       "HTTP " + std::to_string(http_status));
}

}  // namespace

refund_outcome classify_refund(psp_transport transport, unsigned http_status,
                               std::string_view body) {
  if (transport == psp_transport::not_sent)
    return retry_because("psp_unreachable", "request not sent");
  if (transport == psp_transport::outcome_unknown)
    return retry_because("psp_outcome_unknown", "no answer to the request");
  boost::system::error_code ec;
  auto parsed = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (http_status >= 500 && (ec || !parsed.is_object()))
    return retry_because("psp_server_error",
                         "HTTP " + std::to_string(http_status));
  if (ec || !parsed.is_object())
    return retry_because("psp_body_unreadable",
                         "HTTP " + std::to_string(http_status)
                           + " with a body that is not a JSON object");
  const auto& obj = parsed.get_object();
  if (http_status >= 200 && http_status < 300) return from_refund_object(obj);
  return from_error(http_status, obj);
}

}  // namespace pay::domain
