#include "tools/loadgen/checkout_plan.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "domain/common/assert.hpp"
#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"
#include "pspsim/stripe_amounts.hpp"

namespace pay::loadgen {

namespace {

// SplitMix64: a tiny, well-mixed generator; one stream per checkout keeps
// the plan independent of the order in which checkouts are started.
struct split_mix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }
};

std::string lowercase(std::string_view code) {
  std::string out{code};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::int64_t amount_minor_floor(std::string_view currency) {
  const auto minimum = pspsim::minimum_charge_minor(lowercase(currency));
  const auto floor = std::max(amount_minor_min, minimum.value_or(0));
  const auto step = amount_step_minor(currency);
  return (floor + step - 1) / step * step;
}

std::int64_t amount_step_minor(std::string_view currency) {
  return pspsim::is_three_decimal(lowercase(currency)) ? 10 : 1;
}

planned_checkout plan_checkout(const loadgen_options& options,
                               std::uint64_t index) {
  PAY_ASSERT(!options.currencies.empty() && options.sellers > 0);
  PAY_ASSERT(options.tokens.weight_total > 0);
  split_mix rng{options.seed ^ (index * 0xd1342543de82ef95ULL)};
  planned_checkout out;
  out.checkout_id = "lg_" + options.run_id + "_" + std::to_string(index);
  out.orders = options.orders_per_checkout;

  boost::json::array orders;
  for (std::uint32_t k = 0; k < out.orders; ++k) {
    const auto& code = options.currencies[rng.below(options.currencies.size())];
    auto currency = domain::find_currency(code);
    PAY_ASSERT(currency.has_value());  // options checked every code
    const auto floor = amount_minor_floor(code);
    const auto step = amount_step_minor(code);
    PAY_ASSERT(floor <= amount_minor_max);
    auto amount_minor = static_cast<std::int64_t>(
      floor
      + rng.below(static_cast<std::uint64_t>(amount_minor_max - floor + 1)));
    amount_minor -= (amount_minor - floor) % step;
    orders.push_back(boost::json::object{
      {"payment_order_id", out.checkout_id + "_" + std::to_string(k)},
      {"seller_account",
       "lg_seller_" + std::to_string(rng.below(options.sellers))},
      {"amount", domain::format_minor(amount_minor, *currency)},
      {"currency", code}});
  }
  const auto& token = pick_token(options.tokens,
                                 rng.below(options.tokens.weight_total));
  boost::json::object card{{"psp_token", token}};
  if (token == three_ds_token) card["return_url"] = return_url;
  boost::json::object body{
    {"checkout_id", out.checkout_id},
    {"buyer_info", boost::json::object{{"email", "loadgen@example.com"}}},
    {"credit_card_info", std::move(card)},
    {"payment_orders", std::move(orders)}};
  out.body = boost::json::serialize(body);
  return out;
}

}  // namespace pay::loadgen
