#include "pspsim/payouts_api.hpp"

#include "pspsim/create_params.hpp"
#include "pspsim/stripe_account.hpp"
#include "pspsim/stripe_list.hpp"
#include "pspsim/v1_common.hpp"

namespace pay::pspsim {
namespace {

std::optional<param_error> parse_payout_params(const http::form_fields& fields,
                                               payout_params& params) {
  if (auto error = parse_amount(http::form_value(fields, "amount"),
                                params.amount_minor)) {
    return error;
  }
  if (auto error = parse_currency(http::form_value(fields, "currency"),
                                  params.currency)) {
    return error;
  }
  const auto destination = http::form_value(fields, "destination");
  // A connected account's pay-out goes to its default external account.
  if (params.account.empty() && (!destination || destination->empty())) {
    return param_error{400, "parameter_missing",
                       "Missing required param: destination.", "destination"};
  }
  if (destination) {
    if (destination->empty() || destination->size() > destination_chars_max) {
      return param_error{400, "parameter_invalid_string",
                         "destination must be 1 to 255 characters.",
                         "destination"};
    }
    params.destination = std::string(*destination);
  }
  if (const auto description = http::form_value(fields, "description")) {
    params.description = std::string(*description);
  }
  return parse_metadata(fields, params.metadata);
}

}  // namespace

http::response create_payout(const http::request& req, payout_store& payouts,
                             const connect_store& accounts,
                             const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::create_payout);
  if (post.refused) return std::move(*post.refused);
  const std::string& key = post.idempotency_key;
  // Money leaving must be exactly-once: no key, no payout.
  if (key.empty()) {
    return error(req, 400, "invalid_request_error", "idempotency_key_missing",
                 "Payouts require an Idempotency-Key header.",
                 "Idempotency-Key");
  }
  auto account = stripe_account_of(req, accounts);
  if (account.refused) return std::move(*account.refused);
  payout_params params;
  params.account = account.id;
  params.bank_closed =
    !account.id.empty()
    && accounts.email_of(account.id).rfind(closed_bank_email_prefix, 0) == 0;
  if (auto e = parse_payout_params(post.fields, params)) {
    return param_error_response(req, *e);
  }
  const auto result = payouts.create(
    params, key, fingerprint_of(payouts_path, post.fields) + "@" + account.id,
    now);
  if (result.status == payout_create_status::key_reused_with_other_params) {
    return key_reused(req, key);
  }
  if (result.status == payout_create_status::balance_insufficient) {
    return error(req, 400, "invalid_request_error", "balance_insufficient",
                 "You have insufficient funds in your Stripe account for this "
                 "transfer.",
                 "amount");
  }
  auto res = http::make_json_response(req, 200, result.body);
  res.set("Idempotency-Key", key);
  if (result.status == payout_create_status::replayed) {
    res.set("Idempotent-Replayed", "true");
  }
  return res;
}

http::response get_payout(const http::request& req, std::string_view id,
                          payout_store& payouts, const connect_store& accounts,
                          const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::retrieve);
  if (query.refused) return std::move(*query.refused);
  auto account = stripe_account_of(req, accounts);
  if (account.refused) return std::move(*account.refused);
  if (auto json = payouts.find_json(id, account.id, now)) {
    return http::make_json_response(req, 200, std::move(*json));
  }
  return error(req, 404, "invalid_request_error", "resource_missing",
               "No such payout: '" + std::string(id) + "'", "payout");
}

http::response list_payouts(const http::request& req, payout_store& payouts,
                            const connect_store& accounts,
                            const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::list_payouts);
  if (query.refused) return std::move(*query.refused);
  auto account = stripe_account_of(req, accounts);
  if (account.refused) return std::move(*account.refused);
  page_query q;
  if (auto e = parse_page_query(query.fields, q)) {
    return param_error_response(req, *e);
  }
  auto result = payouts.list(account.id, q, now);
  if (!result.cursor_found) {
    return error(req, 400, "invalid_request_error", "resource_missing",
                 "No such payout: '" + cursor_id(q) + "'", cursor_param(q));
  }
  return http::make_json_response(
    req, 200, list_body(payouts_path, std::move(result.data), result.has_more));
}

}  // namespace pay::pspsim
