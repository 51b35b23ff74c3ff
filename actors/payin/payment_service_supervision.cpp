#include "actors/common/supervision.hpp"
#include "actors/payin/checkout.hpp"
#include "actors/payin/order_work.hpp"
#include "actors/payin/payment_service_state.hpp"
#include "observability/log.hpp"

// The live checkout actors: one per checkout with work left, started when
// it is stored, resumed from the database when a request, a webhook, an
// operator or recovery needs it, restarted after a crash under the one
// supervision policy (domain/common/restart_budget.hpp).

namespace pay::payment_service_parts {

void start_checkout(service_self self, checkout_view view,
                    std::string psp_token, std::string correlation_id,
                    const std::string& request_hash) {
  auto& st = self->state;
  auto id = view.id.value;
  if (st.live.count(id)) return;
  auto actor = spawn_checkout(
    self->system(), st.deps,
    checkout_args{std::move(view), std::move(psp_token),
                  std::move(correlation_id), !request_hash.empty()});
  self->monitor(actor);
  st.live.add(id, std::move(actor),
              request_hash.empty() ? 0 : request_fingerprint(request_hash));
}

void resume(service_self self, const domain::checkout_id& id,
            const std::string& correlation_id,
            const std::function<void(bool)>& done) {
  auto& st = self->state;
  auto start_from_db = [=]() mutable {
    self
      ->request(store_for(self, id), self->state.deps.store_timeout,
                load_checkout{id})
      .then(
        [=](const checkout_lookup& lookup) mutable {
          bool started = lookup.found && checkout_needs_actor(lookup.view)
                         && !self->state.live.count(id.value);
          if (started)
            start_checkout(self, lookup.view, lookup.psp_token, correlation_id);
          done(started);
        },
        [=](caf::error& err) mutable {
          log::error(correlation_id, "cannot resume checkout {}: {}", id.value,
                     caf::to_string(err));
          done(false);
        });
  };
  auto it = st.live.find(id.value);
  if (it == st.live.end()) {
    start_from_db();
    return;
  }
  self->request(it->second, st.deps.store_timeout, resume_orders_atom::value)
    .then([=](bool) mutable { done(true); },
          // It ended meanwhile: start a fresh one.
          [=](caf::error&) mutable { start_from_db(); });
}

// A crashed checkout is started again from its rows (its orders died with
// it through their links) while its restart budget lasts; past that it is
// left to the watchdog, which resumes its stuck orders and dead-letters
// them if they stay stuck.
void on_checkout_down(service_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto id = st.live.forget(down.source);
  if (!id) return;
  // Escalated: left to the watchdog, which resumes its stuck orders and
  // dead-letters those that stay stuck.
  if (judge_down(st.restarts, "checkout", *id, down.reason, "restart")
      == down_verdict::restart)
    resume(self, domain::checkout_id{*id}, "restart", [](bool) {});
}
}  // namespace pay::payment_service_parts
