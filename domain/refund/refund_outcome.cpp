#include "domain/refund/refund_outcome.hpp"

#include <optional>

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
    case refund_kind::pending:
      return "pending";
    case refund_kind::absent:
      return "absent";
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
  } else if ((status == "pending" || status == "requires_action")
             && !out.psp_reference.empty()) {
    // The refund exists at the PSP and waits for the bank (or the buyer):
    // from now on it is read back by its id.
    out.kind = refund_kind::pending;
    out.failure_code = "refund_" + status;
  } else {
    // Unreadable, or a refund without an id: nothing is known for sure.
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

// Transport failures, bodies that are not JSON objects and error answers:
// what classify_refund and classify_refund_lookup share. Empty when `parsed`
// is a 2xx object the caller reads.
std::optional<refund_outcome> unless_readable(psp_transport transport,
                                              unsigned http_status,
                                              std::string_view body,
                                              json::value& parsed) {
  if (transport == psp_transport::not_sent)
    return retry_because("psp_unreachable", "request not sent");
  if (transport == psp_transport::outcome_unknown)
    return retry_because("psp_outcome_unknown", "no answer to the request");
  boost::system::error_code ec;
  parsed = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (http_status >= 500 && (ec || !parsed.is_object()))
    return retry_because("psp_server_error",
                         "HTTP " + std::to_string(http_status));
  if (ec || !parsed.is_object())
    return retry_because("psp_body_unreadable",
                         "HTTP " + std::to_string(http_status)
                           + " with a body that is not a JSON object");
  if (http_status < 200 || http_status >= 300)
    return from_error(http_status, parsed.get_object());
  return std::nullopt;
}

}  // namespace

refund_outcome classify_refund_lookup(psp_transport transport,
                                      unsigned http_status,
                                      std::string_view body,
                                      std::string_view refund_id) {
  json::value parsed;
  if (auto early = unless_readable(transport, http_status, body, parsed)) {
    // A refused lookup says nothing about the refund: never fail it for one.
    if (early->kind != refund_kind::retry)
      return retry_because(early->failure_code, early->failure_message);
    return *early;
  }
  const auto& list = parsed.get_object();
  auto data = list.find("data");
  if (data == list.end() || !data->value().is_array())
    return retry_because("psp_body_unreadable", "a list without data");
  for (const auto& item : data->value().get_array()) {
    if (!item.is_object()) continue;
    const auto& refund = item.get_object();
    auto metadata = refund.find("metadata");
    if (metadata == refund.end() || !metadata->value().is_object()) continue;
    if (string_at(metadata->value().get_object(), "refund_id") == refund_id)
      return from_refund_object(refund);
  }
  auto more = list.find("has_more");
  if (more != list.end() && more->value().is_bool() && more->value().get_bool())
    // More than a page of refunds on one payment: rarer than rare, and
    // guessing "absent" could refund twice; a person looks.
    return retry_because("refund_lookup_incomplete",
                         "more refunds than one page of the list");
  return refund_outcome{refund_kind::absent, {}, {}, {}};
}

refund_outcome classify_refund(psp_transport transport, unsigned http_status,
                               std::string_view body) {
  json::value parsed;
  auto out = unless_readable(transport, http_status, body, parsed);
  if (!out) out = from_refund_object(parsed.get_object());
  // Only a request the PSP surely did not act on leaves the flag off: one
  // that never left, or one refused for our credentials or our rate.
  out->may_have_refunded = out->kind == refund_kind::retry
                           && transport != psp_transport::not_sent
                           && !(transport == psp_transport::responded
                                && (http_status == 401 || http_status == 403
                                    || http_status == 429));
  return *out;
}

}  // namespace pay::domain
