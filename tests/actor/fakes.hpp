#pragma once
// Scripted stand-ins for the store, executor, wallet, ledger and checkout,
// for flow tests under the deterministic scheduler. Everything they see is
// appended to one shared log so a test can assert the exact order of steps.

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/common/collaborators.hpp"
#include "messages/payin/checkout_protocol.hpp"

namespace pay::test {

struct world {
  std::vector<std::string> log;
  std::map<std::string, order_view> rows;  // the "database"
  std::deque<domain::charge_outcome> psp_answers;
  std::vector<order_finished> finished;
  bool checkout_marked_done = false;
  // The store marks the checkout done with the move that leaves every row
  // SUCCESS (as transition_orders does when it sees every sibling booked).
  bool moves_mark_done = false;
  std::vector<std::string> dead_lettered;    // "order: reason"
  std::vector<bool> charges_authorize_only;  // per charge asked, in order
};

using world_ptr = std::shared_ptr<world>;

inline order_view fresh_row(const std::string& id, const std::string& seller,
                            std::int64_t amount_minor) {
  order_view v;
  v.id.value = id;
  v.checkout.value = "chk_" + id;
  v.seller.value = seller;
  v.amount_minor = amount_minor;
  v.currency = "USD";
  return v;
}

inline domain::charge_outcome answer(domain::charge_kind kind,
                                     std::string code = {}) {
  domain::charge_outcome out;
  out.kind = kind;
  out.psp_reference = "pi_test";
  out.failure_code = std::move(code);
  // As the classifier says: a lost answer may have charged.
  out.may_have_charged = kind == domain::charge_kind::outcome_unknown;
  return out;
}

store_actor::behavior_type fake_store(store_actor::pointer self, world_ptr w);
executor_actor::behavior_type fake_executor(executor_actor::pointer self,
                                            world_ptr w);
wallet_actor::behavior_type fake_wallet(wallet_actor::pointer self,
                                        world_ptr w);
ledger_actor::behavior_type fake_ledger(ledger_actor::pointer self,
                                        world_ptr w);
dlq_actor::behavior_type fake_dlq(dlq_actor::pointer self, world_ptr w);
// Allows every checkout.
risk_actor::behavior_type fake_risk(risk_actor::pointer self, world_ptr w);
checkout_actor::behavior_type fake_checkout(checkout_actor::pointer self,
                                            world_ptr w);

collaborators fake_collaborators(caf::actor_system& sys, const world_ptr& w);

}  // namespace pay::test
