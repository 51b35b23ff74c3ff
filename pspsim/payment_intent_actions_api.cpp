#include "pspsim/payment_intent_actions_api.hpp"

#include <algorithm>
#include <iterator>
#include <string>

#include <boost/json/serialize.hpp>

#include "pspsim/create_params.hpp"
#include "pspsim/expand_param.hpp"
#include "pspsim/v1_common.hpp"

namespace pay::pspsim {
namespace {

constexpr std::string_view intents_prefix = "/v1/payment_intents/";
constexpr std::string_view capture_suffix = "/capture";
constexpr std::string_view cancel_suffix = "/cancel";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size()
         && text.substr(text.size() - suffix.size()) == suffix;
}

// A whole number 1..amount_minor_max; the intent bounds it further.
std::optional<param_error> parse_amount_to_capture(
  std::optional<std::string_view> raw, std::optional<std::int64_t>& out) {
  if (!raw) return std::nullopt;
  std::int64_t amount_minor = 0;
  if (parse_positive_integer(raw, "amount_to_capture", amount_minor)) {
    return param_error{400, "parameter_invalid_integer",
                       "Invalid amount_to_capture: must be a whole number "
                       "of minor units from 1 to amount_capturable.",
                       "amount_to_capture"};
  }
  out = amount_minor;
  return std::nullopt;
}

std::optional<param_error> parse_cancellation_reason(
  std::optional<std::string_view> raw, std::string& out) {
  if (!raw) return std::nullopt;
  const auto* known = std::find(std::begin(cancellation_reasons),
                                std::end(cancellation_reasons), *raw);
  if (known == std::end(cancellation_reasons)) {
    return param_error{400, "parameter_invalid",
                       "Invalid cancellation_reason: must be one of "
                       "duplicate, fraudulent, requested_by_customer, or "
                       "abandoned",
                       "cancellation_reason"};
  }
  out = std::string(*raw);
  return std::nullopt;
}

// Stripe's payment_intent_unexpected_state, the intent embedded.
http::response unexpected_state(const http::request& req,
                                const action_result& result,
                                intent_action action) {
  const std::string status(to_string(result.intent_state));
  boost::json::object error;
  error["type"] = "invalid_request_error";
  error["code"] = "payment_intent_unexpected_state";
  error["message"] =
    action == intent_action::capture
      ? "This PaymentIntent could not be captured because it has a status "
        "of " + status + ". Only a PaymentIntent with one of the following "
        "statuses may be captured: requires_capture."
      : "You cannot cancel this PaymentIntent because it has a status of "
          + status + ". Only a PaymentIntent with one of the following "
          "statuses may be canceled: requires_payment_method, "
          "requires_capture, requires_confirmation, requires_action.";
  error["param"] = nullptr;
  error["payment_intent"] = result.intent;
  return http::make_json_response(
    req, 400, boost::json::serialize(boost::json::object{{"error", error}}));
}

http::response answer(const http::request& req, const action_result& result,
                      intent_action action, std::string_view id,
                      const std::string& key) {
  switch (result.status) {
    case action_status::done:
    case action_status::replayed: {
      auto res = http::make_json_response(req, 200, result.body);
      if (!key.empty()) res.set("Idempotency-Key", key);
      if (result.status == action_status::replayed) {
        res.set("Idempotent-Replayed", "true");
      }
      return res;
    }
    case action_status::key_reused_with_other_params:
      return key_reused(req, key);
    case action_status::not_found:
      return error(req, 404, "invalid_request_error", "resource_missing",
                   "No such payment_intent: '" + std::string(id) + "'",
                   "intent");
    case action_status::unexpected_state:
      return unexpected_state(req, result, action);
    case action_status::amount_out_of_range:
      return error(req, 400, "invalid_request_error",
                   "parameter_invalid_integer",
                   "amount_to_capture must be at most the amount_capturable ("
                     + std::to_string(result.capturable_minor) + ").",
                   "amount_to_capture");
    case action_status::amount_invalid:
      return error(req, 400, "invalid_request_error", "invalid_charge_amount",
                   "Amounts in " + result.currency
                     + " (a three-decimal currency) must be multiples of "
                       "10.",
                   "amount_to_capture");
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

}  // namespace

intent_action_target intent_action_of(std::string_view path) {
  if (path.substr(0, intents_prefix.size()) != intents_prefix) return {};
  std::string_view rest = path.substr(intents_prefix.size());
  intent_action action = intent_action::none;
  if (ends_with(rest, capture_suffix)) {
    action = intent_action::capture;
    rest.remove_suffix(capture_suffix.size());
  } else if (ends_with(rest, cancel_suffix)) {
    action = intent_action::cancel;
    rest.remove_suffix(cancel_suffix.size());
  }
  if (action == intent_action::none || rest.empty()
      || rest.find('/') != std::string_view::npos) {
    return {};
  }
  return {action, rest};
}

http::response capture_intent(const http::request& req, std::string_view id,
                              intent_store& store, const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::capture_payment_intent);
  if (post.refused) return std::move(*post.refused);
  capture_request request;
  if (auto e = parse_amount_to_capture(http::form_value(post.fields,
                                                        "amount_to_capture"),
                                       request.amount_minor)) {
    return param_error_response(req, *e);
  }
  if (auto e = parse_charge_expand(post.fields, request.expand_charge)) {
    return param_error_response(req, *e);
  }
  const std::string path = std::string(intents_prefix) + std::string(id)
                           + std::string(capture_suffix);
  const auto result = store.capture(id, request, post.idempotency_key,
                                    fingerprint_of(path, post.fields), now);
  return answer(req, result, intent_action::capture, id, post.idempotency_key);
}

http::response cancel_intent(const http::request& req, std::string_view id,
                             intent_store& store, const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::cancel_payment_intent);
  if (post.refused) return std::move(*post.refused);
  cancel_request request;
  if (auto e = parse_cancellation_reason(
        http::form_value(post.fields, "cancellation_reason"), request.reason)) {
    return param_error_response(req, *e);
  }
  if (auto e = parse_charge_expand(post.fields, request.expand_charge)) {
    return param_error_response(req, *e);
  }
  const std::string path = std::string(intents_prefix) + std::string(id)
                           + std::string(cancel_suffix);
  const auto result = store.cancel(id, request, post.idempotency_key,
                                   fingerprint_of(path, post.fields), now);
  return answer(req, result, intent_action::cancel, id, post.idempotency_key);
}

}  // namespace pay::pspsim
