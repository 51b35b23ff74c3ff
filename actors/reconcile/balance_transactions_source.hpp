#pragma once
// reconcile.source = balance_transactions: Stripe's GET
// /v1/balance_transactions for the UTC day, 100 to a page, each
// transaction's source expanded (so a charge names its PaymentIntent and
// our metadata), paged with starting_after while has_more. The pages are
// read by domain/reconcile/balance_transactions_day; any answer other than
// a readable 200 fails the run, as a bad CSV file does.

#include <string>
#include <string_view>

#include "actors/reconcile/settlement_source.hpp"
#include "domain/reconcile/utc_day.hpp"

namespace pay {

// The request target of one page: created[gte], created[lt], limit,
// expand[0]=data.source, and starting_after unless it is "" (the first
// page), form-encoded as Stripe takes query strings.
std::string balance_transactions_target(const domain::utc_day_span& day,
                                        std::string_view starting_after);

class balance_transactions_source final : public settlement_source {
 public:
  // `headers` go with every page (Authorization, Stripe-Version).
  balance_transactions_source(psp_headers headers, psp_opener open)
      : headers_(std::move(headers)), open_(std::move(open)) {}

  settled_day settled_lines_of(const std::string& date) override;

 private:
  psp_headers headers_;
  psp_opener open_;
};

}  // namespace pay
