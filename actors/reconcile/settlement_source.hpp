#pragma once
// Where a reconciliation run gets what the PSP settled on a UTC day
// (reconcile.source, docs/reconciliation.md):
//   balance_transactions  Stripe's GET /v1/balance_transactions, paged
//                         (balance_transactions_source.hpp); the default,
//                         because it is what a real Stripe account has
//   settlement_csv        a daily CSV at GET /v1/settlement_files/{date}
//                         (settlement_csv_source.hpp); pspsim's own format
// Either way the run gets a domain::settlement_file or the reason it has
// none, and the matcher and the writes after it are the same.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "actors/reconcile/psp_reader.hpp"
#include "domain/reconcile/settlement_line.hpp"

namespace pay {

inline constexpr std::string_view balance_transactions_source_name =
  "balance_transactions";
inline constexpr std::string_view settlement_csv_source_name = "settlement_csv";

// What the report says about where the lines came from.
struct settlement_source_facts {
  std::string name;         // one of the names above
  std::uint32_t pages = 0;  // answers read
  // Balance transactions of types that are no settlement line (a dispute,
  // a transfer), by type: counted, not reconciled.
  std::map<std::string, std::uint32_t> skipped_by_type;
};

struct settled_day {
  domain::settlement_file file;  // complete only when error is empty
  // The report's file_sha256: of the CSV as downloaded; for balance
  // transactions, of the lines read, in the CSV's format (the raw pages
  // also carry expanded objects that change after the day, such as a
  // charge's amount_refunded).
  std::string content_sha256;
  settlement_source_facts facts;
  std::uint64_t fetch_ms = 0;  // waiting for the PSP
  std::uint64_t parse_ms = 0;  // reading its answers
  // Why the run fails (no answer, a status other than 200, an unreadable
  // answer); empty: `file` is the day's.
  std::string error;
};

class settlement_source {
 public:
  virtual ~settlement_source() = default;
  // The settled lines of UTC day `date` (YYYY-MM-DD).
  virtual settled_day settled_lines_of(const std::string& date) = 0;
};

struct settlement_source_options {
  std::string name;            // reconcile.source
  std::string api_key;         // psp.api_key, sent as a Bearer token
  std::string stripe_version;  // psp.stripe_version, sent as Stripe-Version
};

// Nothing for a name that is neither source (settings refuse it first).
std::unique_ptr<settlement_source> make_settlement_source(
  const settlement_source_options& options, psp_opener open);

}  // namespace pay
