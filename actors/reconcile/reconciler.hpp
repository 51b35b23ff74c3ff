#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/all.hpp>

#include "domain/reconcile/reconcile.hpp"
#include "messages/payin/payment_service_protocol.hpp"
#include "messages/reconcile/reconciler_protocol.hpp"

namespace pay {

struct reconciler_options {
  std::string database_url;
  // Where the day's settled lines come from (settlement_source.hpp):
  // "balance_transactions" or "settlement_csv".
  std::string source = "balance_transactions";
  std::string psp_base_url;
  std::string psp_api_key;
  std::string psp_stripe_version;  // sent as Stripe-Version
  std::string psp_ca_file;  // verifies an https PSP; "": the system's CAs
  domain::fee_terms fee_terms;
  // Minutes after midnight UTC to reconcile yesterday; none: only on demand.
  std::optional<std::uint32_t> daily_minute_utc;
  std::uint32_t fetch_timeout_ms = 120'000;  // per request (per page)
  // Orders the PSP says succeeded while ours wait are poked through it.
  payment_service_actor service;
};

// The reconciler's handle (messages/reconcile/reconciler_protocol.hpp): runs
// are serialised by the runner's mailbox, so two runs of one day never
// interleave; finance's requests are answered meanwhile.
reconciler_actor spawn_reconciler(caf::actor_system& sys,
                                  reconciler_options options);

}  // namespace pay
