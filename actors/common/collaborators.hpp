#pragma once
// The shared actors a checkout and its payment orders work with, and the
// limits they work within. Built once in main and passed down.

#include <chrono>

#include "domain/common/backoff.hpp"
#include "domain/risk/card_rules.hpp"
#include "messages/ledger/ledger_protocol.hpp"
#include "messages/ledger/wallet_protocol.hpp"
#include "messages/ops/dlq_protocol.hpp"
#include "messages/payin/executor_protocol.hpp"
#include "messages/payin/store_protocol.hpp"
#include "messages/risk/risk_protocol.hpp"

namespace pay {

struct collaborators {
  store_pool stores;
  // Connections of their own for storing new checkouts and Idempotency-Keys.
  store_pool admission;
  executor_actor executor;
  wallet_actor wallet;
  ledger_actor ledger;
  dlq_actor dlq;
  risk_actor risk;
  domain::backoff_policy retry;
  // Past this since the first PSP attempt, an order goes to the DLQ even
  // with attempts left.
  std::chrono::milliseconds retry_deadline{120'000};
  // Requests that give up: to the DLQ and the risk actor here, and by
  // refunds and pay-outs (orders wait for stores and the executor until
  // they answer: actors/common/until_answered.hpp).
  std::chrono::milliseconds store_timeout{30'000};
  std::chrono::milliseconds psp_timeout{15'000};
  std::chrono::milliseconds processing_poll{500};
  std::chrono::milliseconds pending_poll_max{30'000};
  // A PENDING order whose next poll is at least this far away leaves memory
  // until then (passivation); 0: never.
  std::chrono::milliseconds passivate_after{10'000};
  std::uint32_t restarts_max = 3;
  // What the card checks and the PSP's risk score decide, after each
  // authorization and before any capture.
  std::vector<domain::card_rule> card_rules = domain::default_card_rules();
  // How long an authorization may wait for its capture before we void it
  // ourselves: Stripe lets an uncaptured one lapse after 7 days.
  std::chrono::milliseconds authorization_hold{6 * 24 * 3600 * 1000LL};
};

}  // namespace pay
