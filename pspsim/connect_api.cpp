#include "pspsim/connect_api.hpp"

#include <algorithm>
#include <cctype>

#include "pspsim/create_params.hpp"
#include "pspsim/stripe_account.hpp"
#include "pspsim/stripe_list.hpp"
#include "pspsim/v1_common.hpp"

namespace pay::pspsim {
namespace {

constexpr std::size_t email_chars_max = 512;
constexpr std::size_t transfer_group_chars_max = 5000;

std::optional<param_error> invalid(const std::string& param,
                                   const std::string& message) {
  return param_error{400, "parameter_invalid", message, param};
}

std::optional<param_error> parse_account(const http::form_fields& fields,
                                         account_params& params) {
  const auto type = http::form_value(fields, "type");
  if (type != std::optional<std::string_view>("custom")
      && type != std::optional<std::string_view>("express")) {
    return invalid("type", "pspsim creates custom or express accounts only.");
  }
  params.type = std::string(*type);
  if (const auto country = http::form_value(fields, "country")) {
    const bool two_letters =
      country->size() == 2
      && std::all_of(country->begin(), country->end(), [](char c) {
           return std::isupper(static_cast<unsigned char>(c)) != 0;
         });
    if (!two_letters) {
      return invalid("country", "country must be two upper-case letters.");
    }
    params.country = std::string(*country);
  }
  if (const auto email = http::form_value(fields, "email")) {
    if (email->find('@') == std::string_view::npos
        || email->size() > email_chars_max) {
      return param_error{400, "email_invalid",
                         "Invalid email address: " + std::string(*email),
                         "email"};
    }
    params.email = std::string(*email);
  }
  for (auto [name, out] : {std::pair{"capabilities[transfers][requested]",
                                     &params.transfers_requested},
                           std::pair{"capabilities[card_payments][requested]",
                                     &params.card_payments_requested}}) {
    if (const auto raw = http::form_value(fields, name)) {
      if (auto e = parse_boolean(raw, name, *out)) return e;
    }
  }
  return parse_metadata(fields, params.metadata);
}

std::optional<param_error> parse_transfer(const http::form_fields& fields,
                                          transfer_params& params) {
  if (auto e = parse_amount(http::form_value(fields, "amount"),
                            params.amount_minor)) {
    return e;
  }
  if (auto e = parse_currency(http::form_value(fields, "currency"),
                              params.currency)) {
    return e;
  }
  const auto destination = http::form_value(fields, "destination");
  if (!destination || destination->rfind("acct_", 0) != 0) {
    return invalid("destination",
                   "destination must be a connected account (acct_...).");
  }
  params.destination = std::string(*destination);
  if (const auto group = http::form_value(fields, "transfer_group")) {
    if (group->empty() || group->size() > transfer_group_chars_max) {
      return invalid("transfer_group", "transfer_group must not be empty.");
    }
    params.transfer_group = std::string(*group);
  }
  if (const auto source = http::form_value(fields, "source_transaction")) {
    if (source->rfind("ch_", 0) != 0) {
      return invalid("source_transaction",
                     "source_transaction must be a charge (ch_...).");
    }
    params.source_transaction = std::string(*source);
  }
  if (const auto d = http::form_value(fields, "description")) {
    params.description = std::string(*d);
  }
  return parse_metadata(fields, params.metadata);
}

std::optional<param_error> parse_reversal(const http::form_fields& fields,
                                          reversal_params& params) {
  if (const auto raw = http::form_value(fields, "amount")) {
    std::int64_t amount_minor = 0;
    if (auto e = parse_amount(raw, amount_minor)) return e;
    params.amount_minor = amount_minor;
  }
  if (const auto d = http::form_value(fields, "description")) {
    params.description = std::string(*d);
  }
  return parse_metadata(fields, params.metadata);
}

http::response answer(const http::request& req, const connect_result& result,
                      const std::string& key) {
  auto res = http::make_json_response(req, 200, result.body);
  if (!key.empty()) res.set("Idempotency-Key", key);
  if (result.status == connect_status::replayed) {
    res.set("Idempotent-Replayed", "true");
  }
  return res;
}

}  // namespace

http::response create_account(const http::request& req, connect_store& store,
                              const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::create_account);
  if (post.refused) return std::move(*post.refused);
  account_params params;
  if (auto e = parse_account(post.fields, params)) {
    return param_error_response(req, *e);
  }
  const std::string& key = post.idempotency_key;
  const auto result = store.create_account(
    params, key, fingerprint_of(accounts_path, post.fields), now);
  if (result.status == connect_status::key_reused_with_other_params) {
    return key_reused(req, key);
  }
  return answer(req, result, key);
}

http::response get_account(const http::request& req, std::string_view id,
                           const connect_store& store) {
  auto query = read_query(req, stripe_endpoint::retrieve);
  if (query.refused) return std::move(*query.refused);
  if (auto json = store.find_account_json(id)) {
    return http::make_json_response(req, 200, std::move(*json));
  }
  return error(req, 404, "invalid_request_error", "resource_missing",
               "No such account: '" + std::string(id) + "'", "account");
}

http::response create_transfer(const http::request& req, connect_store& store,
                               const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::create_transfer);
  if (post.refused) return std::move(*post.refused);
  transfer_params params;
  if (auto e = parse_transfer(post.fields, params)) {
    return param_error_response(req, *e);
  }
  const std::string& key = post.idempotency_key;
  const auto result = store.create_transfer(
    params, key, fingerprint_of(transfers_path, post.fields), now);
  switch (result.status) {
    case connect_status::created:
    case connect_status::replayed:
      return answer(req, result, key);
    case connect_status::key_reused_with_other_params:
      return key_reused(req, key);
    case connect_status::no_such_destination:
      return error(req, 400, "invalid_request_error", "resource_missing",
                   "No such destination: '" + params.destination + "'",
                   "destination");
    case connect_status::destination_cannot_receive:
      return error(req, 400, "invalid_request_error",
                   "insufficient_capabilities_for_transfer",
                   "The destination account needs the transfers capability "
                   "(capabilities[transfers][requested]=true).",
                   "destination");
    case connect_status::no_such_transfer:
    case connect_status::already_reversed:
    case connect_status::amount_too_large:
      break;
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

http::response get_transfer(const http::request& req, std::string_view id,
                            const connect_store& store) {
  auto query = read_query(req, stripe_endpoint::retrieve);
  if (query.refused) return std::move(*query.refused);
  if (auto json = store.find_transfer_json(id)) {
    return http::make_json_response(req, 200, std::move(*json));
  }
  return error(req, 404, "invalid_request_error", "resource_missing",
               "No such transfer: '" + std::string(id) + "'", "transfer");
}

std::string_view reversal_transfer_of(std::string_view path) {
  const std::size_t prefix = transfers_path.size() + 1;  // "/v1/transfers/"
  if (path.size() <= prefix + reversals_suffix.size()
      || path.substr(0, transfers_path.size()) != transfers_path
      || path[transfers_path.size()] != '/'
      || path.substr(path.size() - reversals_suffix.size())
           != reversals_suffix) {
    return {};
  }
  const std::string_view id = path.substr(prefix, path.size() - prefix
                                                    - reversals_suffix.size());
  return id.find('/') == std::string_view::npos ? id : std::string_view{};
}

http::response list_transfers(const http::request& req,
                              const connect_store& store) {
  auto query = read_query(req, stripe_endpoint::list_transfers);
  if (query.refused) return std::move(*query.refused);
  transfer_list_query q;
  if (auto e = parse_page_query(query.fields, q.page)) {
    return param_error_response(req, *e);
  }
  // Filters only: a destination or group with no transfers (or none that
  // pspsim knows) lists nothing, it is not an error.
  for (auto [name, value] : {std::pair{"destination", &q.destination},
                             std::pair{"transfer_group", &q.transfer_group}}) {
    if (auto e = parse_id_param(query.fields, name, *value)) {
      return param_error_response(req, *e);
    }
  }
  auto result = store.list_transfers(q);
  if (!result.cursor_found) {
    return error(req, 400, "invalid_request_error", "resource_missing",
                 "No such transfer: '" + cursor_id(q.page) + "'",
                 cursor_param(q.page));
  }
  return http::make_json_response(
    req, 200,
    list_body(transfers_path, std::move(result.data), result.has_more));
}

http::response create_reversal(const http::request& req,
                               std::string_view transfer, connect_store& store,
                               const sim_time& now) {
  auto post = read_form_post(req, stripe_endpoint::create_transfer_reversal);
  if (post.refused) return std::move(*post.refused);
  reversal_params params;
  if (auto e = parse_reversal(post.fields, params)) {
    return param_error_response(req, *e);
  }
  const std::string& key = post.idempotency_key;
  const std::string id(transfer);
  // The path names the transfer: the same key on another transfer is
  // another request.
  const auto result = store.create_reversal(
    id, params, key,
    fingerprint_of(std::string(transfers_path) + "/" + id
                     + std::string(reversals_suffix),
                   post.fields),
    now);
  switch (result.status) {
    case connect_status::created:
    case connect_status::replayed:
      return answer(req, result, key);
    case connect_status::key_reused_with_other_params:
      return key_reused(req, key);
    case connect_status::no_such_transfer:
      return error(req, 404, "invalid_request_error", "resource_missing",
                   "No such transfer: '" + id + "'", "transfer");
    case connect_status::already_reversed:
      // Stripe's message; Stripe itself sends no code with it
      // (stripe/stripe-ruby#1058), pspsim adds one so a client need not
      // match the text.
      return error(req, 400, "invalid_request_error",
                   "transfer_already_reversed",
                   "The transfer " + id + " is already fully reversed.");
    case connect_status::amount_too_large:
      // Only an explicit amount can exceed what is left.
      return error(req, 400, "invalid_request_error", "amount_too_large",
                   "Reversal amount (" + std::to_string(*params.amount_minor)
                     + ") is greater than the amount left to reverse on "
                       "transfer "
                     + id + " (" + std::to_string(result.left_minor) + ").",
                   "amount");
    case connect_status::no_such_destination:
    case connect_status::destination_cannot_receive:
      break;
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

http::response get_balance(const http::request& req,
                           const connect_store& store) {
  auto query = read_query(req, stripe_endpoint::retrieve_balance);
  if (query.refused) return std::move(*query.refused);
  auto account = stripe_account_of(req, store);
  if (account.refused) return std::move(*account.refused);
  if (account.id.empty()) {
    return error(req, 400, "invalid_request_error", "parameter_unsupported",
                 "pspsim keeps the balances of connected accounts only: send "
                 "Stripe-Account.",
                 "Stripe-Account");
  }
  return http::make_json_response(req, 200, *store.balance_json(account.id));
}

}  // namespace pay::pspsim
