#include "domain/payout/payout_outcome.hpp"

#include <boost/json.hpp>

#include "domain/common/json_fields.hpp"

namespace pay::domain {

namespace json = boost::json;

namespace {

payout_outcome retry(std::string code, std::string message) {
  payout_outcome out;
  out.kind = payout_kind::retry;
  out.failure_code = std::move(code);
  out.failure_message = std::move(message);
  return out;
}

payout_outcome from_payout(const json::object& payout) {
  payout_outcome out;
  out.psp_reference = string_at(payout, "id");
  auto status = string_at(payout, "status");
  if (status == "pending" || status == "in_transit") {
    out.kind = payout_kind::pending;
  } else if (status == "paid") {
    out.kind = payout_kind::paid;
  } else if (status == "failed" || status == "canceled") {
    out.kind = payout_kind::failed;
    out.failure_code = string_at(payout, "failure_code");
    if (out.failure_code.empty()) out.failure_code = "payout_" + status;
    out.failure_message = string_at(payout, "failure_message");
  } else {
    return retry("unexpected_status", "unexpected payout status: " + status);
  }
  if (out.psp_reference.empty())
    return retry("missing_id", "payout object without id");
  return out;
}

payout_outcome from_transfer(const json::object& transfer) {
  payout_outcome out;
  out.psp_reference = string_at(transfer, "id");
  if (out.psp_reference.empty())
    return retry("missing_id", "transfer object without id");
  auto reversed = transfer.find("reversed");
  out.kind = reversed != transfer.end() && reversed->value().is_bool()
                 && reversed->value().get_bool()
               ? payout_kind::reversed
               : payout_kind::transferred;
  return out;
}

payout_outcome from_object(const json::object& obj);

// A lookup list: our object is the one whose metadata names our pay-out.
payout_outcome from_list(const json::object& list, std::string_view payout_id) {
  auto data = list.find("data");
  if (data == list.end() || !data->value().is_array())
    return retry("unreadable_body", "list without data");
  for (const auto& item : data->value().get_array()) {
    if (!item.is_object()) continue;
    const auto& obj = item.get_object();
    auto metadata = obj.find("metadata");
    if (metadata == obj.end() || !metadata->value().is_object()) continue;
    if (!payout_id.empty()
        && string_at(metadata->value().get_object(), "payout_id") == payout_id)
      return from_object(obj);
  }
  payout_outcome out;
  out.kind = payout_kind::absent;
  return out;
}

payout_outcome from_object(const json::object& obj) {
  auto kind = string_at(obj, "object");
  if (kind == "transfer") return from_transfer(obj);
  if (kind == "transfer_reversal") {
    payout_outcome out;
    out.kind = payout_kind::reversed;
    out.psp_reference = string_at(obj, "transfer");
    return out;
  }
  return from_payout(obj);
}

// Statuses that say nothing final about our request: the provider was busy
// (5xx, 429), a concurrent request with our key is in flight (409), our
// credentials are wrong (401/403: our problem, not the seller's), or the
// object is unknown where we expect it (404).
bool is_retryable_status(unsigned http_status) {
  return http_status >= 500 || http_status == 409 || http_status == 429
         || http_status == 401 || http_status == 403 || http_status == 404;
}

}  // namespace

std::string_view to_string(payout_kind a) {
  switch (a) {
    case payout_kind::pending:
      return "pending";
    case payout_kind::paid:
      return "paid";
    case payout_kind::failed:
      return "failed";
    case payout_kind::rejected:
      return "rejected";
    case payout_kind::retry:
      return "retry";
    case payout_kind::transferred:
      return "transferred";
    case payout_kind::reversed:
      return "reversed";
    case payout_kind::absent:
      return "absent";
  }
  return "invalid";
}

namespace {

payout_outcome classify_answer(psp_transport transport, unsigned http_status,
                               std::string_view body,
                               std::string_view payout_id) {
  if (transport == psp_transport::not_sent)
    return retry("not_sent", "the request did not reach the provider");
  if (transport == psp_transport::outcome_unknown)
    return retry("outcome_unknown", "no answer from the provider");
  if (is_retryable_status(http_status))
    return retry("http_" + std::to_string(http_status),
                 "the provider answered " + std::to_string(http_status));
  boost::system::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec || !parsed.is_object())
    return retry("unreadable_body", "the provider's answer is not JSON");
  const auto& obj = parsed.get_object();
  if (http_status >= 200 && http_status < 300)
    return string_at(obj, "object") == "list" ? from_list(obj, payout_id)
                                              : from_object(obj);
  if (http_status >= 400 && http_status < 500) {
    payout_outcome out;
    out.kind = payout_kind::rejected;
    out.failure_code = "http_" + std::to_string(http_status);
    if (auto it = obj.find("error");
        it != obj.end() && it->value().is_object()) {
      const auto& err = it->value().get_object();
      auto code = string_at(err, "code");
      if (code.empty()) code = string_at(err, "type");
      if (!code.empty()) out.failure_code = code;
      out.failure_message = string_at(err, "message");
    }
    return out;
  }
  return retry("http_" + std::to_string(http_status),
               "unexpected status from the provider");
}

}  // namespace

payout_outcome classify_payout(psp_transport transport, unsigned http_status,
                               std::string_view body,
                               std::string_view payout_id) {
  auto out = classify_answer(transport, http_status, body, payout_id);
  bool refused_unread = transport == psp_transport::responded
                        && (http_status == 401 || http_status == 403
                            || http_status == 404 || http_status == 429);
  out.may_have_acted = out.kind == payout_kind::retry
                       && transport != psp_transport::not_sent
                       && !refused_unread;
  return out;
}

}  // namespace pay::domain
