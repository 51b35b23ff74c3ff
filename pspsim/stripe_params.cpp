#include "pspsim/stripe_params.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace pay::pspsim {
namespace {

constexpr std::string_view any_key = "[*]";
constexpr std::string_view any_index = "[#]";
// Stripe takes at most 100 line items; three digits are plenty for an index.
constexpr std::size_t index_digits_max = 3;

const std::vector<param_spec> payment_intent_specs = {
  {"amount", true},
  {"currency", true},
  // pspsim creates and confirms in one step, so both are required here
  // although Stripe would accept an unconfirmed intent.
  {"payment_method", true},
  {"confirm", true},
  {"payment_method_types[0]"},
  {"return_url"},
  {"error_on_requires_action"},
  {"capture_method"},
  {"description"},
  {"metadata[*]"},
  {"expand[0]"},
};

const std::vector<param_spec> checkout_session_specs = {
  {"mode", true},
  {"payment_method_types[0]", true},
  {"line_items[#][price_data][currency]", true},
  {"line_items[#][price_data][unit_amount]", true},
  {"line_items[#][price_data][product_data][name]", true},
  {"line_items[#][quantity]", true},
  {"success_url", true},
  {"cancel_url", true},
  {"client_reference_id"},
  {"customer_email"},
  {"payment_intent_data[description]"},
  {"payment_intent_data[metadata][*]"},
  {"metadata[*]"},
};

const std::vector<param_spec> refund_specs = {
  {"payment_intent", true},
  {"amount"},
  {"reason"},
  {"metadata[*]"},
};

const std::vector<param_spec> payout_specs = {
  {"amount", true},
  {"currency", true},
  // Required of the platform; a connected account's pay-out (Stripe-Account)
  // goes to its default external account without one.
  {"destination"},
  {"description"},
  {"metadata[*]"},
};

const std::vector<param_spec> balance_transaction_specs = {
  {"created[gt]"}, {"created[gte]"},   {"created[lt]"}, {"created[lte]"},
  {"limit"},       {"starting_after"}, {"type"},        {"expand[0]"},
};

const std::vector<param_spec> refund_list_specs = {
  {"payment_intent"}, {"charge"},        {"limit"},
  {"starting_after"}, {"ending_before"}, {"created[gt]"},
  {"created[gte]"},   {"created[lt]"},   {"created[lte]"},
};

const std::vector<param_spec> payment_intent_list_specs = {
  {"limit"},        {"starting_after"}, {"ending_before"}, {"created[gt]"},
  {"created[gte]"}, {"created[lt]"},    {"created[lte]"},  {"customer"},
};

const std::vector<param_spec> retrieve_specs = {};

const std::vector<param_spec> retrieve_payment_intent_specs = {
  {"expand[0]"},
};

// Stripe's capture also takes application fees, statement descriptors and
// metadata; pspsim models none of them (refused as unknown).
const std::vector<param_spec> capture_payment_intent_specs = {
  {"amount_to_capture"},
  {"expand[0]"},
};

const std::vector<param_spec> cancel_payment_intent_specs = {
  {"cancellation_reason"},
  {"expand[0]"},
};

const std::vector<param_spec> account_specs = {
  {"type", true},
  {"country"},
  {"email"},
  {"capabilities[transfers][requested]"},
  {"capabilities[card_payments][requested]"},
  {"metadata[*]"},
};

const std::vector<param_spec> balance_specs = {};

const std::vector<param_spec> transfer_specs = {
  {"amount", true},   {"currency", true},     {"destination", true},
  {"transfer_group"}, {"source_transaction"}, {"description"},
  {"metadata[*]"},
};

// refund_application_fee is left out: pspsim's transfers carry no
// application fee, so the parameter is refused as unknown.
const std::vector<param_spec> transfer_reversal_specs = {
  {"amount"},
  {"description"},
  {"metadata[*]"},
};

const std::vector<param_spec> transfer_list_specs = {
  {"destination"},    {"transfer_group"}, {"limit"},
  {"starting_after"}, {"ending_before"},  {"created[gt]"},
  {"created[gte]"},   {"created[lt]"},    {"created[lte]"},
};

// Stripe's arrival_date, destination and status filters are not modelled
// (refused as unknown).
const std::vector<param_spec> payout_list_specs = {
  {"limit"},        {"starting_after"}, {"ending_before"}, {"created[gt]"},
  {"created[gte]"}, {"created[lt]"},    {"created[lte]"},
};

}  // namespace

const std::vector<param_spec>& allowed_params(stripe_endpoint endpoint) {
  switch (endpoint) {
    case stripe_endpoint::create_payment_intent:
      return payment_intent_specs;
    case stripe_endpoint::create_checkout_session:
      return checkout_session_specs;
    case stripe_endpoint::create_refund:
      return refund_specs;
    case stripe_endpoint::create_payout:
      return payout_specs;
    case stripe_endpoint::list_balance_transactions:
      return balance_transaction_specs;
    case stripe_endpoint::retrieve:
      return retrieve_specs;
    case stripe_endpoint::create_account:
      return account_specs;
    case stripe_endpoint::create_transfer:
      return transfer_specs;
    case stripe_endpoint::retrieve_balance:
      return balance_specs;
    case stripe_endpoint::list_refunds:
      return refund_list_specs;
    case stripe_endpoint::list_payment_intents:
      return payment_intent_list_specs;
    case stripe_endpoint::create_transfer_reversal:
      return transfer_reversal_specs;
    case stripe_endpoint::list_transfers:
      return transfer_list_specs;
    case stripe_endpoint::list_payouts:
      return payout_list_specs;
    case stripe_endpoint::retrieve_payment_intent:
      return retrieve_payment_intent_specs;
    case stripe_endpoint::capture_payment_intent:
      return capture_payment_intent_specs;
    case stripe_endpoint::cancel_payment_intent:
      return cancel_payment_intent_specs;
  }
  return retrieve_specs;
}

namespace {

// The index `name` holds where `spec` has "[#]" ("line_items[12][...]"
// -> 12); nullopt when the part before it differs or the index is not a
// plain decimal (no sign, no leading zero).
std::optional<int> index_at(std::string_view spec, std::string_view name) {
  const std::size_t at = spec.find(any_index);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view head = spec.substr(0, at + 1);  // "line_items["
  if (name.substr(0, head.size()) != head) return std::nullopt;
  std::size_t end = head.size();
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  const std::size_t digits = end - head.size();
  if (digits == 0 || digits > index_digits_max
      || (digits > 1 && name[head.size()] == '0')) {
    return std::nullopt;
  }
  return std::stoi(std::string(name.substr(head.size(), digits)));
}

// `spec` with its "[#]" replaced by `[index]`.
std::string at_index(std::string_view spec, int index) {
  std::string out(spec);
  out.replace(out.find(any_index), any_index.size(),
              "[" + std::to_string(index) + "]");
  return out;
}

}  // namespace

bool param_matches(std::string_view spec, std::string_view name) {
  if (const auto index = index_at(spec, name)) {
    const std::size_t tail = spec.find(any_index) + any_index.size() - 1;
    const std::size_t name_tail = spec.find(any_index) + 1
                                  + std::to_string(*index).size();
    return param_matches(spec.substr(tail), name.substr(name_tail));
  }
  if (spec.find(any_index) != std::string_view::npos) return false;
  const bool wildcard = spec.size() > any_key.size()
                        && spec.substr(spec.size() - any_key.size()) == any_key;
  if (!wildcard) return spec == name;
  const std::string_view prefix = spec.substr(0, spec.size() - 2);  // "x["
  if (name.size() <= prefix.size() + 1
      || name.substr(0, prefix.size()) != prefix || name.back() != ']') {
    return false;
  }
  const std::string_view key = name.substr(prefix.size(),
                                           name.size() - prefix.size() - 1);
  return key.find_first_of("[]") == std::string_view::npos;
}

http::form_fields normalise_array_params(http::form_fields fields) {
  constexpr std::string_view appended = "[]";
  std::map<std::string, int> next_index;
  for (auto& field : fields) {
    std::string& name = field.first;
    if (name.size() <= appended.size()
        || name.compare(name.size() - appended.size(), appended.size(),
                        appended)
             != 0) {
      continue;
    }
    std::string base = name.substr(0, name.size() - appended.size());
    name = base + "[" + std::to_string(next_index[base]++) + "]";
  }
  return fields;
}

std::optional<param_error> check_params(stripe_endpoint endpoint,
                                        const http::form_fields& fields) {
  const auto& specs = allowed_params(endpoint);
  for (const auto& field : fields) {
    const bool known = std::any_of(specs.begin(), specs.end(),
                                   [&](const param_spec& s) {
                                     return param_matches(s.name, field.first);
                                   });
    if (!known) {
      return param_error{400, "parameter_unknown",
                         "Received unknown parameter: " + field.first,
                         field.first};
    }
  }
  const auto present = [&](std::string_view name) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](const auto& field) { return field.first == name; });
  };
  for (const auto& spec : specs) {
    if (!spec.required) continue;
    std::vector<std::string> names;
    if (spec.name.find(any_index) == std::string_view::npos) {
      names.emplace_back(spec.name);
    } else {
      // Line 0, and every line up to the highest one sent.
      int last = 0;
      for (const auto& field : fields) {
        last = std::max(last, index_at(spec.name, field.first).value_or(0));
      }
      for (int i = 0; i <= last; ++i) names.push_back(at_index(spec.name, i));
    }
    for (const auto& name : names) {
      if (!present(name)) {
        return param_error{400, "parameter_missing",
                           "Missing required param: " + name + ".", name};
      }
    }
  }
  return std::nullopt;
}

}  // namespace pay::pspsim
