#include "actors/cluster/takeover.hpp"

// Every interval: take over (persistence::take_over) what dead incarnations
// left unfinished, and hand it to the services, which resume it exactly as
// recovery at start does. The first round after joining also takes work
// nobody owns (left by a single-node paymentd). A full batch means more may
// be waiting: the next round follows at once.
//
//   IDLE --tick--> TAKING --n taken--> resume each --n < batch--> IDLE
//                    |                               \--n = batch--> tick now
//                    +--database error--> IDLE (next interval)

#include <memory>

#include <spdlog/spdlog.h>

#include "observability/metrics.hpp"
#include "persistence/cluster/cluster_sql.hpp"
#include "persistence/common/db_session.hpp"

namespace pay {

namespace {

struct takeover_state {
  std::unique_ptr<persistence::db_session> db;
  bool first_round = true;
  static inline const char* name = "takeover";
};

using takeover_self = takeover_actor::stateful_pointer<takeover_state>;

void hand_over(const persistence::taken_over_work& work,
               const takeover_targets& to) {
  for (const auto& id : work.checkouts)
    caf::anon_send(to.payments, resume_checkout{domain::checkout_id{id}});
  // Their services resume every unfinished one they own and have no actor
  // for: what was just taken over.
  if (!work.refunds.empty() && to.refunds)
    caf::anon_send(to.refunds, refund_recover_atom::value);
  if (!work.payouts.empty() && to.payouts)
    caf::anon_send(to.payouts, payout_recover_atom::value);
  auto& m = obs::metrics::get();
  m.taken_over("checkout", work.checkouts.size());
  m.taken_over("refund", work.refunds.size());
  m.taken_over("payout", work.payouts.size());
}

void take(takeover_self self, const takeover_options& options,
          const takeover_targets& targets) {
  auto& st = self->state;
  persistence::taken_over_work work;
  auto error = st.db->in_transaction([&](pqxx::work& txn) {
    work = persistence::take_over(txn, options.me, options.batch_max,
                                  st.first_round);
  });
  auto next = options.interval;
  if (!error.empty()) {
    spdlog::warn("cluster: takeover round failed: {}", error);
  } else {
    st.first_round = false;
    if (work.size() > 0) {
      spdlog::info(
        "cluster: took over {} checkouts, {} refunds, {} pay-outs of dead "
        "nodes",
        work.checkouts.size(), work.refunds.size(), work.payouts.size());
      hand_over(work, targets);
    }
    if (work.size() >= options.batch_max) next = std::chrono::milliseconds{0};
  }
  self->delayed_send(self, next, takeover_tick_atom::value);
}

takeover_actor::behavior_type takeover_behavior(
  takeover_self self, takeover_options options,
  const takeover_targets& targets) {
  self->state.db = std::make_unique<persistence::db_session>(
    options.database_url);
  self->send(self, takeover_tick_atom::value);
  return {
    [=](takeover_tick_atom) { take(self, options, targets); },
  };
}

}  // namespace

takeover_actor spawn_takeover(caf::actor_system& sys, takeover_options options,
                              takeover_targets targets) {
  return sys.spawn<caf::detached>(takeover_behavior, std::move(options),
                                  std::move(targets));
}

}  // namespace pay
