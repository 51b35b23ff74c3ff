#include "pspsim/payment_intents_api.hpp"

#include <algorithm>
#include <string>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "http/form.hpp"
#include "pspsim/balance_transactions_api.hpp"
#include "pspsim/connect_api.hpp"
#include "pspsim/create_params.hpp"
#include "pspsim/expand_param.hpp"
#include "pspsim/payment_intent_actions_api.hpp"
#include "pspsim/payouts_api.hpp"
#include "pspsim/refunds_api.hpp"
#include "pspsim/settlement_api.hpp"
#include "pspsim/stripe_list.hpp"
#include "pspsim/v1_common.hpp"
#include "pspsim/web_url.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view intents_path = "/v1/payment_intents";

http::response create_intent(const http::request& req, intent_store& store,
                             const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::create_payment_intent);
  if (post.refused) return std::move(*post.refused);
  const auto& key = post.idempotency_key;
  const auto& fields = post.fields;
  auto parsed = parse_create_params(fields);
  if (!parsed.params) return param_error_response(req, parsed.error);
  if (auto e = parse_charge_expand(fields, parsed.params->expand_charge)) {
    return param_error_response(req, *e);
  }
  parsed.params->action_page_base = page_base_of(req[bhttp::field::host]);

  const auto result = store.create(*parsed.params, key,
                                   fingerprint_of(intents_path, fields), now);
  switch (result.status) {
    case create_status::created:
    case create_status::replayed: {
      auto res = http::make_json_response(req, result.http_status, result.body);
      if (!key.empty()) res.set("Idempotency-Key", key);
      if (result.status == create_status::replayed) {
        res.set("Idempotent-Replayed", "true");
      }
      return res;
    }
    case create_status::key_reused_with_other_params:
      return error(req, 400, "idempotency_error", "idempotency_key_reused",
                   "Keys for idempotent requests can only be used with the "
                   "same parameters they were first used with. Try using a "
                   "key other than '" + key + "' if you meant to execute a "
                   "different request.");
    case create_status::intents_exhausted:
      return error(req, 503, "api_error", "intents_exhausted",
                   "pspsim holds its maximum number of payment intents; "
                   "POST /sim/reset to clear them.");
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

http::response get_intent(const http::request& req, std::string_view id,
                          intent_store& store, const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::retrieve_payment_intent);
  if (query.refused) return std::move(*query.refused);
  bool expand_charge = false;
  if (auto e = parse_charge_expand(query.fields, expand_charge)) {
    return param_error_response(req, *e);
  }
  if (auto json = store.find_json(id, now, expand_charge)) {
    return http::make_json_response(req, 200, std::move(*json));
  }
  return error(req, 404, "invalid_request_error", "resource_missing",
               "No such payment_intent: '" + std::string(id) + "'", "intent");
}

// GET /v1/payment_intents: every intent, newest first. pspsim has no
// customers, so any `customer` names an unknown one.
http::response list_intents(const http::request& req, intent_store& store,
                            const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::list_payment_intents);
  if (query.refused) return std::move(*query.refused);
  page_query q;
  if (auto e = parse_page_query(query.fields, q)) {
    return param_error_response(req, *e);
  }
  std::string customer;
  if (auto e = parse_id_param(query.fields, "customer", customer)) {
    return param_error_response(req, *e);
  }
  if (!customer.empty()) {
    return error(req, 404, "invalid_request_error", "resource_missing",
                 "No such customer: '" + customer + "'", "customer");
  }
  auto result = store.list(q, now);
  if (!result.cursor_found) {
    return error(req, 400, "invalid_request_error", "resource_missing",
                 "No such payment_intent: '" + cursor_id(q) + "'",
                 cursor_param(q));
  }
  return http::make_json_response(
    req, 200, list_body(intents_path, std::move(result.data), result.has_more));
}

}  // namespace

bool is_item_path(std::string_view path, std::string_view collection) {
  return path.size() > collection.size() + 1
         && path.substr(0, collection.size()) == collection
         && path[collection.size()] == '/'
         && path.find('/', collection.size() + 1) == std::string_view::npos;
}

v1_route route_of(const http::request& req) {
  const std::string_view path = http::target_path(req.target());
  const bool get = req.method() == bhttp::verb::get;
  const bool post = req.method() == bhttp::verb::post;
  if (path == intents_path && post) return v1_route::create_intent;
  if (path == intents_path && get) return v1_route::list_intents;
  if (path == refunds_path && post) return v1_route::create_refund;
  if (path == refunds_path && get) return v1_route::list_refunds;
  if (path == payouts_path && post) return v1_route::create_payout;
  if (path == payouts_path && get) return v1_route::list_payouts;
  if (get && is_item_path(path, refunds_path)) return v1_route::read_refund;
  if (get && is_item_path(path, payouts_path)) return v1_route::read_payout;
  if (get && is_item_path(path, settlement_files_path)) {
    return v1_route::read_settlement_file;
  }
  if (get && path == balance_transactions_path) {
    return v1_route::list_balance_transactions;
  }
  if (post && path == accounts_path) return v1_route::create_account;
  if (get && is_item_path(path, accounts_path)) return v1_route::read_account;
  if (post && path == transfers_path) return v1_route::create_transfer;
  if (get && path == transfers_path) return v1_route::list_transfers;
  if (post && !reversal_transfer_of(path).empty()) {
    return v1_route::create_transfer_reversal;
  }
  if (get && is_item_path(path, transfers_path)) {
    return v1_route::read_transfer;
  }
  if (get && path == balance_path) return v1_route::read_balance;
  if (post) {
    switch (intent_action_of(path).action) {
      case intent_action::capture:
        return v1_route::capture_intent;
      case intent_action::cancel:
        return v1_route::cancel_intent;
      case intent_action::none:
        break;
    }
  }
  const bool under_intents = path.size() > intents_path.size() + 1
                             && path.substr(0, intents_path.size())
                                  == intents_path
                             && path[intents_path.size()] == '/';
  if (under_intents && req.method() == bhttp::verb::get
      && path.find('/', intents_path.size() + 1) == std::string_view::npos) {
    return v1_route::read_intent;
  }
  return v1_route::unrecognized;
}

http::response handle_v1(const http::request& req, const sim_parts& parts,
                         std::string_view api_key, const sim_time& now) {
  if (auto denied = check_api_key(req, api_key)) return std::move(*denied);

  intent_store& store = parts.store;
  const std::string_view path = http::target_path(req.target());
  switch (route_of(req)) {
    case v1_route::create_intent:
      return create_intent(req, store, now);
    case v1_route::read_intent:
      return get_intent(req, path.substr(intents_path.size() + 1), store, now);
    case v1_route::list_intents:
      return list_intents(req, store, now);
    case v1_route::capture_intent:
      return capture_intent(req, intent_action_of(path).intent_id, store, now);
    case v1_route::cancel_intent:
      return cancel_intent(req, intent_action_of(path).intent_id, store, now);
    case v1_route::list_refunds:
      return list_refunds(req, parts.refunds, now);
    case v1_route::create_refund:
      return create_refund(req, parts.refunds, now);
    case v1_route::read_refund:
      return get_refund(req, path.substr(refunds_path.size() + 1),
                        parts.refunds, now);
    case v1_route::create_payout:
      return create_payout(req, parts.payouts, parts.connect, now);
    case v1_route::read_payout:
      return get_payout(req, path.substr(payouts_path.size() + 1),
                        parts.payouts, parts.connect, now);
    case v1_route::list_payouts:
      return list_payouts(req, parts.payouts, parts.connect, now);
    case v1_route::read_settlement_file:
      return get_settlement_file(req,
                                 path.substr(settlement_files_path.size() + 1),
                                 parts, now);
    case v1_route::list_balance_transactions:
      return list_balance_transactions(req, parts, now);
    case v1_route::create_account:
      return create_account(req, parts.connect, now);
    case v1_route::read_account:
      return get_account(req, path.substr(accounts_path.size() + 1),
                         parts.connect);
    case v1_route::create_transfer:
      return create_transfer(req, parts.connect, now);
    case v1_route::read_transfer:
      return get_transfer(req, path.substr(transfers_path.size() + 1),
                          parts.connect);
    case v1_route::list_transfers:
      return list_transfers(req, parts.connect);
    case v1_route::create_transfer_reversal:
      return create_reversal(req, reversal_transfer_of(path), parts.connect,
                             now);
    case v1_route::read_balance:
      return get_balance(req, parts.connect);
    case v1_route::unrecognized:
      break;
  }
  return error(req, 404, "invalid_request_error", "url_unrecognized",
               "Unrecognized request URL (" + std::string(req.method_string())
                 + ": " + std::string(path) + ").");
}

}  // namespace pay::pspsim
