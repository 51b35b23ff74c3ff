#include "actors/reconcile/finance_store.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "actors/common/actor_errors.hpp"
#include "persistence/common/db_session.hpp"
#include "persistence/ledger/trial_balance_sql.hpp"
#include "persistence/reconcile/reconciliation_sql.hpp"

namespace pay {

namespace {

struct finance_store_state {
  std::unique_ptr<persistence::db_session> db;
  static inline const char* name = "finance_store";
};

using finance_self = finance_store_actor::stateful_pointer<finance_store_state>;

// Runs `work` in one transaction; its result, or an error when the
// transaction failed (nothing committed).
template <class Result, class Work>
caf::result<Result> transact(finance_self self, const char* what, Work work) {
  Result out;
  auto error = self->state.db->in_transaction(
    [&](pqxx::work& txn) { out = work(txn); });
  if (error.empty()) return out;
  spdlog::error("finance store: {} failed: {}", what, error);
  return make_error(actor_errc::database_unavailable);
}

finance_store_actor::behavior_type finance_store_behavior(
  finance_self self, std::string database_url) {
  self->state.db = std::make_unique<persistence::db_session>(
    std::move(database_url));
  return {
    [=](const list_reconciliation_runs& query) {
      return transact<reconciliation_runs>(
        self, "list runs",
        [&](pqxx::work& txn) { return persistence::list_runs(txn, query); });
    },
    [=](const list_reconciliation_exceptions& query) {
      return transact<reconciliation_exceptions>(
        self, "list exceptions", [&](pqxx::work& txn) {
          return persistence::list_exceptions(txn, query);
        });
    },
    [=](const get_reconciliation_exception& query) {
      return transact<reconciliation_exception_lookup>(
        self, "get exception", [&](pqxx::work& txn) {
          return persistence::get_exception(txn, query.id);
        });
    },
    [=](const resolve_reconciliation_exception& cmd)
      -> caf::result<resolve_reconciliation_reply> {
      resolve_reconciliation_reply reply;
      auto error = self->state.db->in_transaction([&](pqxx::work& txn) {
        reply = persistence::resolve_exception(txn, cmd);
      });
      if (!error.empty()) {
        spdlog::error("finance store: resolve exception {} failed: {}", cmd.id,
                      error);
        return make_error(actor_errc::database_unavailable);
      }
      if (reply.booked) {
        const auto& e = reply.exception;
        spdlog::info(
          "reconciliation exception {} resolved: {} {} minor moved from "
          "settlement_suspense to {} (ledger transaction {})",
          cmd.id, e.correction_minor, e.currency, e.correction_account,
          e.correction_transaction_id);
      }
      return reply;
    },
    [=](const read_trial_balance&) {
      return transact<trial_balance>(
        self, "trial balance",
        [&](pqxx::work& txn) { return persistence::read_trial_balance(txn); });
    },
  };
}

}  // namespace

finance_store_actor spawn_finance_store(caf::actor_system& sys,
                                        std::string database_url) {
  return sys.spawn<caf::detached>(finance_store_behavior,
                                  std::move(database_url));
}

}  // namespace pay
