#include "pspsim/intent_json.hpp"

#include "pspsim/charge_json.hpp"
#include "pspsim/check.hpp"
#include "pspsim/json_values.hpp"

#include <boost/json/serialize.hpp>

namespace pay::pspsim {
namespace {

boost::json::value string_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return boost::json::string(text);
}

boost::json::object error_to_json(const payment_error& error) {
  boost::json::object out;
  out["type"] = "card_error";
  out["code"] = error.code;
  // Stripe sends decline_code only for declines, not for e.g. a failed
  // 3-D Secure authentication.
  if (!error.decline_code.empty()) out["decline_code"] = error.decline_code;
  out["message"] = error.message;
  return out;
}

// 2020-08-27 lists the intent's charges (latest_charge came in 2022-11-15
// and is rendered too: the engine reads it). A declined charge is left out
// of the list: paymentd reads the list's first charge as the paid one.
boost::json::object charges_json(const payment_intent& intent) {
  boost::json::array data;
  if (intent.charge_paid) data.push_back(charge_summary(intent));
  boost::json::object out;
  out["object"] = "list";
  out["data"] = std::move(data);
  out["has_more"] = false;
  out["url"] = "/v1/charges?payment_intent=" + intent.id;
  return out;
}

boost::json::value unix_or_null(const std::optional<std::int64_t>& unix_s) {
  if (!unix_s) return nullptr;
  return *unix_s;
}

boost::json::value next_action_json(const payment_intent& intent) {
  if (intent.status != intent_status::requires_action) return nullptr;
  boost::json::object next_action;
  if (intent.action_url.empty()) {
    next_action["type"] = "use_stripe_sdk";
    return next_action;
  }
  next_action["type"] = "redirect_to_url";
  next_action["redirect_to_url"] = boost::json::object{
    {"url", intent.action_url}, {"return_url", intent.return_url}};
  return next_action;
}

}  // namespace

std::string_view to_string(intent_status status) {
  switch (status) {
    case intent_status::processing:
      return "processing";
    case intent_status::succeeded:
      return "succeeded";
    case intent_status::requires_payment_method:
      return "requires_payment_method";
    case intent_status::requires_action:
      return "requires_action";
    case intent_status::requires_capture:
      return "requires_capture";
    case intent_status::canceled:
      return "canceled";
  }
  return "unknown";
}

boost::json::object intent_to_json(const payment_intent& intent,
                                   bool expand_charge) {
  const bool succeeded = intent.status == intent_status::succeeded;
  const bool capturable = intent.status == intent_status::requires_capture;
  PSPSIM_CHECK(!(succeeded || capturable) || intent.charge_paid);
  PSPSIM_CHECK(succeeded || intent.amount_received_minor == 0);
  PSPSIM_CHECK(capturable || intent.amount_capturable_minor == 0);
  boost::json::object out;
  out["id"] = intent.id;
  out["object"] = "payment_intent";
  out["amount"] = intent.amount_minor;
  out["amount_capturable"] = intent.amount_capturable_minor;
  out["amount_received"] = intent.amount_received_minor;
  out["canceled_at"] = unix_or_null(intent.canceled_at_unix_s);
  out["cancellation_reason"] = string_or_null(intent.cancellation_reason);
  out["capture_method"] = to_string(intent.capture);
  out["currency"] = intent.currency;
  out["status"] = to_string(intent.status);
  out["payment_method"] = intent.payment_method;
  out["payment_method_types"] = boost::json::array{"card"};
  out["charges"] = charges_json(intent);
  out["latest_charge"] = latest_charge_json(intent, expand_charge);
  out["client_secret"] = intent.client_secret;
  out["metadata"] = metadata_json(intent.metadata);
  if (intent.description) {
    out["description"] = *intent.description;
  } else {
    out["description"] = nullptr;
  }
  out["created"] = intent.created_unix_s;
  if (intent.last_payment_error) {
    out["last_payment_error"] = error_to_json(*intent.last_payment_error);
  } else {
    out["last_payment_error"] = nullptr;
  }
  out["livemode"] = false;
  out["next_action"] = next_action_json(intent);
  out["review"] = string_or_null(intent.review_note);
  return out;
}

std::string decline_body(const payment_intent& intent, bool expand_charge) {
  PSPSIM_CHECK(intent.last_payment_error.has_value());
  boost::json::object error = error_to_json(*intent.last_payment_error);
  error["param"] = nullptr;
  // Stripe's decline carries the failed charge's id too.
  if (!intent.latest_charge.empty()) error["charge"] = intent.latest_charge;
  error["payment_intent"] = intent_to_json(intent, expand_charge);
  boost::json::object body;
  body["error"] = std::move(error);
  return boost::json::serialize(body);
}

boost::json::object charge_to_json(const charge_record& charge) {
  boost::json::object out;
  out["id"] = charge.id;
  out["payment_intent"] = charge.payment_intent;
  out["idempotency_key"] = string_or_null(charge.idempotency_key);
  out["amount"] = charge.amount_minor;
  out["amount_captured"] = charge.amount_captured_minor;
  out["captured"] = charge.captured_unix_s != 0;
  out["currency"] = charge.currency;
  out["payment_method"] = charge.payment_method;
  out["created"] = charge.created_unix_s;
  if (charge.captured_unix_s == 0) {
    out["captured_at"] = nullptr;
  } else {
    out["captured_at"] = charge.captured_unix_s;
  }
  return out;
}

}  // namespace pay::pspsim
