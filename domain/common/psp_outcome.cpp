#include "domain/common/psp_outcome.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "domain/common/json_fields.hpp"

namespace pay::domain {

namespace json = boost::json;

std::string_view to_string(charge_kind k) {
  switch (k) {
    case charge_kind::succeeded:
      return "succeeded";
    case charge_kind::declined:
      return "declined";
    case charge_kind::processing:
      return "processing";
    case charge_kind::transient:
      return "transient";
    case charge_kind::outcome_unknown:
      return "outcome_unknown";
    case charge_kind::rejected:
      return "rejected";
    case charge_kind::authorized:
      return "authorized";
    case charge_kind::voided:
      return "voided";
  }
  return "invalid";
}

namespace {

std::int64_t int_at(const json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_int64()) return 0;
  return it->value().get_int64();
}

const json::object* object_at(const json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  return it != obj.end() && it->value().is_object() ? &it->value().get_object()
                                                    : nullptr;
}

// The charge's checks and outcome, when latest_charge was expanded.
card_checks checks_of(const json::object& intent) {
  card_checks out;
  const json::object* charge = object_at(intent, "latest_charge");
  if (!charge) return out;
  if (const json::object* outcome = object_at(*charge, "outcome")) {
    out.risk_level = string_at(*outcome, "risk_level");
    if (auto it = outcome->find("risk_score");
        it != outcome->end() && it->value().is_int64())
      out.risk_score = static_cast<std::int32_t>(
        std::clamp<std::int64_t>(it->value().get_int64(), 0, 99));
  }
  const json::object* details = object_at(*charge, "payment_method_details");
  const json::object* card = details ? object_at(*details, "card") : nullptr;
  if (const json::object* checks = card ? object_at(*card, "checks")
                                        : nullptr) {
    out.cvc_check = string_at(*checks, "cvc_check");
    out.address_line1_check = string_at(*checks, "address_line1_check");
    out.address_postal_code_check = string_at(*checks,
                                              "address_postal_code_check");
  }
  return out;
}

charge_outcome from_intent(const json::object& intent) {
  charge_outcome out;
  out.psp_reference = string_at(intent, "id");
  out.checks = checks_of(intent);
  out.amount_capturable_minor = int_at(intent, "amount_capturable");
  out.amount_received_minor = int_at(intent, "amount_received");
  auto status = string_at(intent, "status");
  const bool manual = string_at(intent, "capture_method") == "manual";
  auto reason = string_at(intent, "cancellation_reason");
  if (status == "succeeded") {
    out.kind = charge_kind::succeeded;
  } else if (status == "requires_capture") {
    out.kind = charge_kind::authorized;
    out.may_have_charged = true;
  } else if (status == "canceled" && manual && reason != "abandoned") {
    out.kind = charge_kind::voided;
    out.failure_code = reason == "automatic" ? "authorization_expired"
                                             : "canceled";
  } else if (status == "canceled" && reason == "abandoned") {
    // Never authorized and never will be: the buyer walked away.
    out.kind = charge_kind::declined;
    out.failure_code = "expired";
  } else if (status == "processing" || status == "requires_action") {
    // Accepted by the PSP and may still complete: money may move.
    out.kind = charge_kind::processing;
    out.may_have_charged = true;
    // 3-D Secure: where the buyer authenticates (sent with a return_url).
    if (auto next = intent.find("next_action");
        next != intent.end() && next->value().is_object()) {
      const auto& action = next->value().get_object();
      if (auto to = action.find("redirect_to_url");
          to != action.end() && to->value().is_object())
        out.redirect_url = string_at(to->value().get_object(), "url");
    }
  } else if (status == "requires_payment_method" || status == "canceled") {
    out.kind = charge_kind::declined;
    out.failure_code = "card_declined";
    if (auto it = intent.find("last_payment_error");
        it != intent.end() && it->value().is_object()) {
      const auto& err = it->value().get_object();
      auto decline = string_at(err, "decline_code");
      auto code = decline.empty() ? string_at(err, "code") : decline;
      // A decline always says why: an error without codes keeps the
      // generic one rather than failing the order with no reason.
      if (!code.empty()) out.failure_code = std::move(code);
      out.failure_message = string_at(err, "message");
    }
  } else {
    // An intent in a state we do not model: do not guess, ask again later.
    out.kind = charge_kind::outcome_unknown;
    out.may_have_charged = true;
    out.failure_message = "unexpected intent status: " + status;
  }
  return out;
}

charge_outcome from_error(unsigned http_status, const json::object& body) {
  charge_outcome out;
  auto it = body.find("error");
  if (it == body.end() || !it->value().is_object()) {
    out.kind = charge_kind::outcome_unknown;
    out.failure_message = "error response without error object";
    out.may_have_charged = true;
    return out;
  }
  const auto& err = it->value().get_object();
  auto type = string_at(err, "type");
  auto code = string_at(err, "code");
  auto decline = string_at(err, "decline_code");
  out.failure_message = string_at(err, "message");
  const json::object* intent = object_at(err, "payment_intent");
  if (intent) out.psp_reference = string_at(*intent, "id");
  // A capture or cancel too late or twice: the intent says where it is.
  if (code == "payment_intent_unexpected_state" && intent)
    return from_intent(*intent);
  // Below the PSP's minimum charge: final like a decline, never retried.
  if (http_status == 402 || type == "card_error"
      || code == "amount_too_small") {
    out.kind = charge_kind::declined;
    out.failure_code = decline.empty() ? code : decline;
    if (out.failure_code.empty()) out.failure_code = "card_declined";
    return out;
  }
  out.failure_code = code.empty() ? type : code;
  // A refusal always says why; an error object with neither code nor type
  // is named after the status the PSP answered with.
  if (out.failure_code.empty())
    out.failure_code = "psp_http_" + std::to_string(http_status);
  if (type == "idempotency_error") {
    // Our key was already used at the PSP with other parameters: something
    // was charged under it before. Never fail such an order; ask again, and
    // let an operator decide if the answer never changes.
    out.kind = charge_kind::outcome_unknown;
    out.may_have_charged = true;
    return out;
  }
  if (http_status == 401 || http_status == 403) {
    // Our credentials are wrong: nothing was charged, and failing the
    // buyer's order for our misconfiguration would be wrong. Retry.
    out.kind = charge_kind::transient;
    out.failure_code = "psp_auth_failed";
    return out;
  }
  if (http_status == 404) {
    // The intent we asked about is unknown to the PSP: do not conclude
    // anything about the charge from that.
    out.kind = charge_kind::outcome_unknown;
    out.may_have_charged = true;
    return out;
  }
  out.kind = charge_kind::rejected;
  return out;
}

charge_outcome from_session(const json::object& session) {
  charge_outcome out;
  out.session_id = string_at(session, "id");
  out.redirect_url = string_at(session, "url");
  out.psp_reference = string_at(session, "payment_intent");
  auto status = string_at(session, "status");
  auto paid = string_at(session, "payment_status") == "paid";
  if (status == "open") {
    out.kind = charge_kind::processing;
    // Once the buyer submitted a card, money may move.
    out.may_have_charged = !out.psp_reference.empty();
  } else if (status == "complete" && paid) {
    out.kind = charge_kind::succeeded;
  } else if (status == "complete") {
    out.kind = charge_kind::declined;
    out.failure_code = "payment_failed";
  } else if (status == "expired") {
    // The buyer never paid: no decline, the offer lapsed.
    out.kind = charge_kind::declined;
    out.failure_code = "expired";
  } else {
    out.kind = charge_kind::outcome_unknown;
    out.may_have_charged = true;
    out.failure_message = "unexpected session status: " + status;
  }
  return out;
}

using object_reader = charge_outcome (*)(const json::object&);

charge_outcome classify(psp_transport transport, unsigned http_status,
                        std::string_view body, object_reader read_object) {
  charge_outcome out;
  if (transport == psp_transport::not_sent) {
    out.kind = charge_kind::transient;
    out.failure_code = "psp_unreachable";
    return out;
  }
  if (transport == psp_transport::outcome_unknown) {
    out.kind = charge_kind::outcome_unknown;
    out.failure_code = "psp_no_answer";
    out.may_have_charged = true;
    return out;
  }
  // 409 is Stripe's "a request with this key is in flight"; 429 and 5xx are
  // load or outage. None of them decided the charge, and retrying with the
  // same idempotency key can never charge twice.
  if (http_status == 409 || http_status == 429 || http_status >= 500) {
    out.kind = charge_kind::transient;
    out.failure_code = "psp_http_" + std::to_string(http_status);
    out.may_have_charged = http_status >= 500;
    return out;
  }
  boost::system::error_code ec;
  auto value = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (ec || !value.is_object()) {
    out.kind = charge_kind::outcome_unknown;
    out.failure_code = "psp_unparsable_response";
    out.may_have_charged = true;
    return out;
  }
  if (http_status >= 200 && http_status < 300)
    return read_object(value.get_object());
  return from_error(http_status, value.get_object());
}

}  // namespace

charge_outcome classify_payment_intent(psp_transport transport,
                                       unsigned http_status,
                                       std::string_view body) {
  return classify(transport, http_status, body, from_intent);
}

charge_outcome classify_checkout_session(psp_transport transport,
                                         unsigned http_status,
                                         std::string_view body) {
  return classify(transport, http_status, body, from_session);
}

bool is_key_conflict(const charge_outcome& outcome) {
  return outcome.kind == charge_kind::outcome_unknown
         && (outcome.failure_code == "idempotency_error"
             || outcome.failure_code == "idempotency_key_reused");
}

intent_search_page search_intents(psp_transport transport, unsigned http_status,
                                  std::string_view body,
                                  std::string_view payment_order_id) {
  intent_search_page out;
  boost::system::error_code ec;
  json::value value;
  if (transport == psp_transport::responded && http_status == 200)
    value = json::parse(json::string_view{body.data(), body.size()}, ec);
  const json::array* data = nullptr;
  if (!ec && value.is_object())
    if (auto it = value.get_object().find("data");
        it != value.get_object().end() && it->value().is_array())
      data = &it->value().get_array();
  if (data == nullptr) {
    // Not a list: what the same answer to a create would be, never a
    // conclusion that nothing was charged.
    out.intent = classify_payment_intent(transport, http_status, body);
    if (out.intent.kind != charge_kind::transient) {
      out.intent.kind = charge_kind::outcome_unknown;
      out.intent.may_have_charged = true;
    }
    if (out.intent.failure_code.empty())
      out.intent.failure_code = "psp_search_unreadable";
    return out;
  }
  out.readable = true;
  for (const auto& item : *data) {
    if (!item.is_object()) continue;
    const auto& intent = item.get_object();
    out.last_id = string_at(intent, "id");
    auto metadata = intent.find("metadata");
    if (metadata == intent.end() || !metadata->value().is_object()) continue;
    if (string_at(metadata->value().get_object(), "payment_order_id")
        != payment_order_id)
      continue;
    out.found = true;
    out.intent = from_intent(intent);
    return out;
  }
  const auto& list = value.get_object();
  auto more = list.find("has_more");
  out.has_more = more != list.end() && more->value().is_bool()
                 && more->value().get_bool() && !out.last_id.empty();
  return out;
}

}  // namespace pay::domain
