#include "actors/reconcile/settlement_source.hpp"

#include "actors/reconcile/balance_transactions_source.hpp"
#include "actors/reconcile/settlement_csv_source.hpp"

namespace pay {

std::unique_ptr<settlement_source> make_settlement_source(
  const settlement_source_options& options, psp_opener open) {
  psp_headers headers{{"Authorization", "Bearer " + options.api_key},
                      {"Stripe-Version", options.stripe_version}};
  if (options.name == balance_transactions_source_name)
    return std::make_unique<balance_transactions_source>(std::move(headers),
                                                         std::move(open));
  if (options.name == settlement_csv_source_name)
    return std::make_unique<settlement_csv_source>(std::move(headers),
                                                   std::move(open));
  return nullptr;
}

}  // namespace pay
