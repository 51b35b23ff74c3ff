#include "actors/reconcile/reconciler.hpp"

// The reconciler's one handle: runs go to the runner, everything finance
// reads or resolves to the finance store, each a detached worker with a
// database connection of its own, so a resolution or the trial balance is
// answered while a day's run takes its minutes. Stopping the handle stops
// both.

#include "actors/reconcile/finance_store.hpp"
#include "actors/reconcile/reconcile_runner.hpp"

namespace pay {

namespace {

struct reconciler_state {
  reconcile_runner_actor runner;
  finance_store_actor finance;
  static inline const char* name = "reconciler";
};

using front_self = reconciler_actor::stateful_pointer<reconciler_state>;

reconciler_actor::behavior_type reconciler_behavior(
  front_self self, reconciler_options options) {
  auto& st = self->state;
  st.finance = spawn_finance_store(self->system(), options.database_url);
  st.runner = spawn_reconcile_runner(self->system(), std::move(options));
  self->set_exit_handler([=](caf::exit_msg& msg) {
    self->send_exit(self->state.runner, msg.reason);
    self->send_exit(self->state.finance, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [=](const run_reconciliation& cmd) {
      return self->delegate(self->state.runner, cmd);
    },
    [=](const list_reconciliation_runs& query) {
      return self->delegate(self->state.finance, query);
    },
    [=](const list_reconciliation_exceptions& query) {
      return self->delegate(self->state.finance, query);
    },
    [=](const get_reconciliation_exception& query) {
      return self->delegate(self->state.finance, query);
    },
    [=](const resolve_reconciliation_exception& cmd) {
      return self->delegate(self->state.finance, cmd);
    },
    [=](const read_trial_balance& query) {
      return self->delegate(self->state.finance, query);
    },
  };
}

}  // namespace

reconciler_actor spawn_reconciler(caf::actor_system& sys,
                                  reconciler_options options) {
  return sys.spawn(reconciler_behavior, std::move(options));
}

}  // namespace pay
