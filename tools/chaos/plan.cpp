#include "tools/chaos/plan.hpp"

#include <algorithm>
#include <array>
#include <random>

#include "domain/common/assert.hpp"
#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"
#include "pspsim/stripe_amounts.hpp"

namespace pay::chaos {

namespace {

template <class T>
struct weighted {
  T value;
  std::uint32_t weight;
};

// Not std::uniform_int_distribution: its output is implementation-defined,
// and a seed must replay the same workload wherever the harness is built.
std::uint64_t below(std::mt19937_64& rng, std::uint64_t bound) {
  return rng() % bound;
}

template <class T, std::size_t N>
T pick(std::mt19937_64& rng, const std::array<weighted<T>, N>& table) {
  std::uint32_t total = 0;
  for (const auto& entry : table) total += entry.weight;
  auto at = static_cast<std::uint32_t>(below(rng, total));
  for (const auto& entry : table) {
    if (at < entry.weight) return entry.value;
    at -= entry.weight;
  }
  return table.back().value;
}

// Every pspsim outcome: success, the two declines, an intent that stays
// processing for a while, 3-D Secure (the checkouts carry a return_url, so
// it waits for the buyer until pspsim's --three-ds-ms decides), and a card
// whose refunds stay pending at first (read back, never POSTed again); and
// the cards our card rules act on after authorization: voided (highest
// risk), held for review with the money authorized (elevated, CVC failed).
constexpr std::array<weighted<const char*>, 10> psp_tokens{{
  {"pm_card_visa", 25},
  {"pm_card_mastercard", 20},
  {"pm_card_chargeDeclined", 12},
  {"pm_card_chargeDeclinedInsufficientFunds", 8},
  {"pm_card_processing", 15},
  {"pm_card_threeDSecureRequired", 8},
  {"pm_card_pendingRefund", 12},
  {"pm_card_riskLevelHighest", 4},
  {"pm_card_riskLevelElevated", 3},
  {"pm_card_cvcCheckFail", 3},
}};

// Checkouts authorized now and captured when the chaos clients fulfil (all
// or part) or cancel their orders.
constexpr std::uint32_t on_fulfillment_percent = 25;

// Exponents 0, 2 and 3, so a wrong minor-unit conversion shows up.
constexpr std::array<const char*, 6> currencies{"USD", "EUR", "JPY",
                                                "BHD", "GBP", "KRW"};

constexpr std::array<weighted<duplicate_kind>, 7> duplicate_kinds{{
  {duplicate_kind::none, 50},
  {duplicate_kind::same_key_sequential, 10},
  {duplicate_kind::same_key_concurrent, 10},
  {duplicate_kind::no_key_concurrent, 8},
  {duplicate_kind::other_key_sequential, 7},
  {duplicate_kind::key_reused_other_checkout, 8},
  {duplicate_kind::key_reused_changed_amount, 7},
}};

constexpr std::uint64_t amount_minor_max = 200'000;
constexpr std::uint32_t keyed_percent_without_duplicate = 60;
constexpr std::uint32_t waiting_percent = 30;
constexpr std::uint32_t wait_s = 5;

std::string amount_text(std::int64_t amount_minor, const char* currency) {
  const auto info = domain::find_currency(currency);
  PAY_ASSERT(info.has_value());
  return domain::format_minor(amount_minor, *info);
}

bool needs_key(duplicate_kind kind) {
  return kind != duplicate_kind::none
         && kind != duplicate_kind::no_key_concurrent;
}

bool is_key_reuse(duplicate_kind kind) {
  return kind == duplicate_kind::key_reused_other_checkout
         || kind == duplicate_kind::key_reused_changed_amount;
}

it::checkout_spec refused_body(const it::checkout_spec& spec,
                               duplicate_kind kind) {
  auto out = spec;
  if (kind == duplicate_kind::key_reused_other_checkout) {
    out.checkout_id += "_refused";
    for (auto& o : out.orders) o.payment_order_id += "_refused";
    return out;
  }
  // Same ids, one amount one step (a minor unit; 10 in BHD) larger.
  auto& first = out.orders.front();
  const auto info = domain::find_currency(first.currency);
  const auto parsed = domain::parse_money(first.amount, first.currency);
  PAY_ASSERT(info.has_value() && parsed.error == domain::money_error::ok);
  // One step: a BHD amount one minor unit larger would be refused for its
  // amount (amount_invalid) before the key is looked at.
  first.amount = domain::format_minor(
    parsed.value.amount_minor + amount_rule_for(first.currency).step_minor,
    *info);
  return out;
}

planned_checkout plan_one(std::mt19937_64& rng, const plan_options& options,
                          std::uint32_t index) {
  const auto prefix = "r" + std::to_string(options.round) + "_"
                      + std::to_string(index);
  planned_checkout out;
  out.spec.checkout_id = "chk_" + prefix;
  out.spec.psp_token = pick(rng, psp_tokens);
  if (below(rng, 100) < on_fulfillment_percent)
    out.spec.capture = "on_fulfillment";
  const auto first_seller = below(rng, sellers_count);
  for (std::uint32_t j = 0; j < options.orders_per_checkout; ++j) {
    const char* currency = currencies[below(rng, currencies.size())];
    const auto amount_minor = chargeable_minor(
      static_cast<std::int64_t>(1 + below(rng, amount_minor_max)), currency);
    out.spec.orders.push_back(it::order_spec{
      "po_" + prefix + "_" + std::to_string(j),
      "seller_" + std::to_string((first_seller + j) % sellers_count),
      amount_text(amount_minor, currency), currency});
  }
  out.duplicate = pick(rng, duplicate_kinds);
  if (!options.idempotency_keys && is_key_reuse(out.duplicate))
    out.duplicate = duplicate_kind::none;
  const bool keyed = needs_key(out.duplicate)
                     || (out.duplicate == duplicate_kind::none
                         && below(rng, 100) < keyed_percent_without_duplicate);
  if (keyed) out.idempotency_key = "idk_" + prefix;
  if (below(rng, 100) < waiting_percent) out.wait_s = wait_s;
  if (is_key_reuse(out.duplicate))
    out.refused = refused_body(out.spec, out.duplicate);
  return out;
}

}  // namespace

amount_rule amount_rule_for(std::string_view currency) {
  std::string code{currency};
  for (auto& c : code)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  amount_rule out;
  if (pspsim::is_three_decimal(code)) out.step_minor = 10;
  out.minimum_minor = std::max(out.step_minor,
                               pspsim::minimum_charge_minor(code).value_or(1));
  return out;
}

std::int64_t chargeable_minor(std::int64_t minor, std::string_view currency) {
  const auto rule = amount_rule_for(currency);
  const auto stepped = minor - minor % rule.step_minor;
  return stepped < rule.minimum_minor ? rule.minimum_minor : stepped;
}

const char* to_string(duplicate_kind kind) {
  switch (kind) {
    case duplicate_kind::none:
      return "none";
    case duplicate_kind::same_key_sequential:
      return "same_key_sequential";
    case duplicate_kind::same_key_concurrent:
      return "same_key_concurrent";
    case duplicate_kind::no_key_concurrent:
      return "no_key_concurrent";
    case duplicate_kind::other_key_sequential:
      return "other_key_sequential";
    case duplicate_kind::key_reused_other_checkout:
      return "key_reused_other_checkout";
    case duplicate_kind::key_reused_changed_amount:
      return "key_reused_changed_amount";
  }
  return "unknown";
}

std::vector<planned_checkout> make_plan(const plan_options& options,
                                        std::uint64_t seed) {
  PAY_ASSERT(options.orders_per_checkout >= 1);
  std::mt19937_64 rng{seed};
  std::vector<planned_checkout> out;
  out.reserve(options.checkouts);
  for (std::uint32_t i = 0; i < options.checkouts; ++i)
    out.push_back(plan_one(rng, options, i));
  return out;
}

}  // namespace pay::chaos
