// The operator's way out of the DLQ, exercised at the end of a clean round:
// every open dead letter is requeued through the admin API (faults are off
// by then), so each must end SUCCESS or FAILED, charged at most once, like
// any other order. The admin API's list must agree with the table first.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "tools/chaos/violation.hpp"

namespace pay::chaos {

struct requeue_report {
  std::uint32_t listed = 0;    // open dead letters GET /admin/dlq showed
  std::uint32_t requeued = 0;  // answered 200
  violations found;
};

requeue_report requeue_open_dead_letters(
  const std::string& database_url,
  const std::atomic<std::uint16_t>& paymentd_port,
  const std::string& admin_key);

// Refunds and pay-outs whose retry budget ran out under the round's faults
// wait in their own dead-letter queues (GET /admin/dlq/refunds, /payouts).
// Once the faults are off, the operator requeues them all, before the round
// waits for quiescence: each must then finish like any other.
requeue_report requeue_money_dead_letters(
  const std::atomic<std::uint16_t>& paymentd_port,
  const std::string& admin_key);

}  // namespace pay::chaos
