#include "pspsim/refunds_api.hpp"

#include <algorithm>

#include "pspsim/create_params.hpp"
#include "pspsim/stripe_amounts.hpp"
#include "pspsim/stripe_list.hpp"
#include "pspsim/v1_common.hpp"

namespace pay::pspsim {
namespace {

struct parsed_refund {
  std::optional<refund_params> params;
  param_error error;
};

parsed_refund parse_refund_params(const http::form_fields& fields) {
  refund_params params;
  const auto intent = http::form_value(fields, "payment_intent");
  if (!intent || intent->empty()) {
    return {std::nullopt,
            {400, "parameter_missing",
             "Missing required param: payment_intent.", "payment_intent"}};
  }
  params.payment_intent = std::string(*intent);
  if (const auto amount = http::form_value(fields, "amount")) {
    std::int64_t amount_minor = 0;
    if (auto error = parse_amount(amount, amount_minor))
      return {std::nullopt, *error};
    params.amount_minor = amount_minor;
  }
  if (const auto reason = http::form_value(fields, "reason")) {
    if (std::find(std::begin(refund_reasons), std::end(refund_reasons), *reason)
        == std::end(refund_reasons)) {
      return {std::nullopt,
              {400, "parameter_invalid",
               "Invalid reason: must be one of duplicate, fraudulent, or "
               "requested_by_customer.",
               "reason"}};
    }
    params.reason = std::string(*reason);
  }
  if (auto error = parse_metadata(fields, params.metadata)) {
    return {std::nullopt, *error};
  }
  return {std::move(params), {}};
}

http::response keyed(http::response res, const std::string& key,
                     bool replayed) {
  if (!key.empty()) res.set("Idempotency-Key", key);
  if (replayed) res.set("Idempotent-Replayed", "true");
  return res;
}

}  // namespace

http::response create_refund(const http::request& req, refund_store& refunds,
                             const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::create_refund);
  if (post.refused) return std::move(*post.refused);
  const auto parsed = parse_refund_params(post.fields);
  if (!parsed.params) return param_error_response(req, parsed.error);
  const std::string& key = post.idempotency_key;
  const auto result = refunds.create(*parsed.params, key,
                                     fingerprint_of(refunds_path, post.fields),
                                     now);
  const std::string& intent = parsed.params->payment_intent;
  switch (result.status) {
    case refund_status::created:
    case refund_status::replayed:
      return keyed(http::make_json_response(req, 200, result.body), key,
                   result.status == refund_status::replayed);
    case refund_status::key_reused_with_other_params:
      return key_reused(req, key);
    case refund_status::intent_not_found:
      return error(req, 404, "invalid_request_error", "resource_missing",
                   "No such payment_intent: '" + intent + "'",
                   "payment_intent");
    case refund_status::not_refundable:
      if (result.intent_state == intent_status::requires_capture) {
        return error(req, 400, "invalid_request_error",
                     "charge_not_refundable",
                     "PaymentIntent " + intent + " has not been captured; "
                     "cancel it to release the authorization, or capture it "
                     "first.", "payment_intent");
      }
      return error(req, 400, "invalid_request_error", "charge_not_refundable",
                   "PaymentIntent " + intent + " has not succeeded; only a "
                   "succeeded payment can be refunded.", "payment_intent");
    case refund_status::amount_too_large:
      return error(req, 400, "invalid_request_error", "amount_too_large",
                   "Refund amount is greater than what is left to refund ("
                     + std::to_string(result.left_minor) + ").",
                   "amount");
    case refund_status::already_refunded:
      return error(req, 400, "invalid_request_error", "charge_already_refunded",
                   "PaymentIntent " + intent
                     + " has already been refunded in full.",
                   "payment_intent");
    case refund_status::amount_invalid:
      return param_error_response(
        req, *check_three_decimal_amount(*parsed.params->amount_minor,
                                         result.currency, "amount"));
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

http::response get_refund(const http::request& req, std::string_view id,
                          refund_store& refunds, const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::retrieve);
  if (query.refused) return std::move(*query.refused);
  if (auto json = refunds.find_json(id, now)) {
    return http::make_json_response(req, 200, std::move(*json));
  }
  return error(req, 404, "invalid_request_error", "resource_missing",
               "No such refund: '" + std::string(id) + "'", "refund");
}

http::response list_refunds(const http::request& req, refund_store& refunds,
                            const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::list_refunds);
  if (query.refused) return std::move(*query.refused);
  refund_list_query q;
  if (auto e = parse_page_query(query.fields, q.page)) {
    return param_error_response(req, *e);
  }
  for (auto [name, value] : {std::pair{"payment_intent", &q.payment_intent},
                             std::pair{"charge", &q.charge}}) {
    if (auto e = parse_id_param(query.fields, name, *value)) {
      return param_error_response(req, *e);
    }
  }
  auto result = refunds.list(q, now);
  switch (result.status) {
    case refund_list_status::listed:
      return http::make_json_response(
        req, 200,
        list_body(refunds_path, std::move(result.data), result.has_more));
    case refund_list_status::intent_not_found:
      return error(req, 404, "invalid_request_error", "resource_missing",
                   "No such payment_intent: '" + q.payment_intent + "'",
                   "payment_intent");
    case refund_list_status::charge_not_found:
      return error(req, 404, "invalid_request_error", "resource_missing",
                   "No such charge: '" + q.charge + "'", "charge");
    case refund_list_status::cursor_not_found:
      return error(req, 400, "invalid_request_error", "resource_missing",
                   "No such refund: '" + cursor_id(q.page) + "'",
                   cursor_param(q.page));
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

}  // namespace pay::pspsim
