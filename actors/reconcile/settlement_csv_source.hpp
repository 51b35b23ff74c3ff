#pragma once
// reconcile.source = settlement_csv: the day's CSV file at GET
// /v1/settlement_files/{date} (pspsim writes it; the format is
// domain/reconcile/settlement_csv.hpp), in one answer.

#include "actors/reconcile/settlement_source.hpp"

namespace pay {

class settlement_csv_source final : public settlement_source {
 public:
  // `headers` go with the GET (Authorization, Stripe-Version).
  settlement_csv_source(psp_headers headers, psp_opener open)
      : headers_(std::move(headers)), open_(std::move(open)) {}

  settled_day settled_lines_of(const std::string& date) override;

 private:
  psp_headers headers_;
  psp_opener open_;
};

}  // namespace pay
