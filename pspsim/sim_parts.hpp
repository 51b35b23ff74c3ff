// The simulator's stateful parts, as the routes see them. main owns them;
// each must outlive the server.
#pragma once

#include <string>

#include "pspsim/checkout_session_store.hpp"
#include "pspsim/connect_store.hpp"
#include "pspsim/delay_queue.hpp"
#include "pspsim/fault_injector.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/payout_store.hpp"
#include "pspsim/refund_store.hpp"
#include "pspsim/settlement_builder.hpp"
#include "pspsim/settlement_store.hpp"
#include "pspsim/webhook_dispatcher.hpp"

namespace pay::pspsim {

struct sim_parts {
  intent_store& store;
  fault_injector& faults;
  delay_queue& delays;
  checkout_session_store& sessions;
  webhook_dispatcher* webhooks;  // null without --webhook-url
  refund_store& refunds;
  payout_store& payouts;
  settlement_store& settlement;
  settlement_terms terms;
  connect_store& connect;
  std::string merchant_name;  // shown on the buyer's pages
};

}  // namespace pay::pspsim
