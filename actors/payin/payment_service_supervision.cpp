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

namespace {

void log_resume_error(const std::string& correlation_id,
                      const domain::checkout_id& id, const caf::error& err) {
  log::error(correlation_id, "cannot resume checkout {}: {}", id.value,
             caf::to_string(err));
}

// Loads the checkout (after any takeover, so what it reads is final for
// the dead owner) and starts its actor when it has work left.
void start_from_db(service_self self, const domain::checkout_id& id,
                   const std::string& correlation_id, const resume_done& done) {
  self
    ->request(store_for(self, id), self->state.deps.store_timeout,
              load_checkout{id})
    .then(
      [=](const checkout_lookup& lookup) {
        bool started = lookup.found && checkout_needs_actor(lookup.view)
                       && !self->state.live.count(id.value);
        if (started)
          start_checkout(self, lookup.view, lookup.psp_token, correlation_id);
        done(resume_outcome{started, {}});
      },
      [=](caf::error& err) {
        log_resume_error(correlation_id, id, err);
        done(resume_outcome{});
      });
}

// In a cluster only the owner drives a checkout: take it when its owner is
// dead, leave it to its owner when that one lives.
void claim_then_start(service_self self, const domain::checkout_id& id,
                      const std::string& correlation_id,
                      const resume_done& done) {
  if (!self->state.options.me.clustered()) {
    start_from_db(self, id, correlation_id, done);
    return;
  }
  self
    ->request(store_for(self, id), self->state.deps.store_timeout,
              claim_checkout{id})
    .then(
      [=](const checkout_claim& claim) {
        if (!claim.found) {
          done(resume_outcome{});
        } else if (claim.mine) {
          start_from_db(self, id, correlation_id, done);
        } else {
          done(resume_outcome{false, claim.owner.address});
        }
      },
      [=](caf::error& err) {
        log_resume_error(correlation_id, id, err);
        done(resume_outcome{});
      });
}

}  // namespace

void resume(service_self self, const domain::checkout_id& id,
            const std::string& correlation_id, const resume_done& done) {
  auto& st = self->state;
  auto it = st.live.find(id.value);
  if (it == st.live.end()) {
    claim_then_start(self, id, correlation_id, done);
    return;
  }
  self->request(it->second, st.deps.store_timeout, resume_orders_atom::value)
    .then(
      [=](bool) {
        done(resume_outcome{true, {}});
      },
      // It ended meanwhile: start a fresh one.
      [=](caf::error&) { claim_then_start(self, id, correlation_id, done); });
}

void route(service_self self, const load_owner& which,
           const std::function<void()>& here,
           const std::function<void(const std::string&)>& elsewhere,
           const std::function<void(const caf::error&)>& fail) {
  auto& st = self->state;
  if (!st.options.me.clustered()
      || (!which.checkout_id.empty() && st.live.count(which.checkout_id))) {
    here();
    return;
  }
  const auto& key = which.checkout_id.empty() ? which.order_id
                                              : which.checkout_id;
  self->request(st.deps.stores.for_key(key), st.deps.store_timeout, which)
    .then(
      [=](const owner_lookup& found) {
        auto& st = self->state;
        if (!found.found || st.live.count(found.checkout.value)
            || domain::judge_owner(found.owner, st.options.me)
                 != domain::owner_verdict::elsewhere) {
          here();
          return;
        }
        elsewhere(found.owner.address);
      },
      [=](caf::error& err) { fail(err); });
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
    resume(self, domain::checkout_id{*id}, "restart",
           [](const resume_outcome&) {});
}
}  // namespace pay::payment_service_parts
