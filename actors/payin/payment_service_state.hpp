#pragma once
// What the payment service's parts share: its state, and the functions one
// concern calls in another. Each concern reads in its own file:
//   payment_service.cpp             the behaviour: which message goes where
//   payment_service_admission.cpp   create/join a checkout, shedding, caps
//   payment_service_keys.cpp        Idempotency-Key claims and joiners
//   payment_service_supervision.cpp live checkout actors: start, resume,
//                                   restart after a crash
//   payment_service_recovery.cpp    resume what the database left unfinished
//   payment_service_operations.cpp  webhooks, operator actions, inspection

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/common/actor_errors.hpp"
#include "actors/common/live_actors.hpp"
#include "actors/payin/payment_service.hpp"
#include "domain/common/restart_budget.hpp"
#include "messages/payin/checkout_protocol.hpp"

namespace pay::payment_service_parts {

using reply_promise = caf::typed_response_promise<create_payment_reply>;

// A key whose first request is still running, and who waits for its answer.
struct key_in_flight {
  std::string request_hash;
  std::uint64_t generation = 0;
  std::vector<reply_promise> joiners;
};

struct payment_service_state {
  collaborators deps;
  std::unordered_map<std::string, key_in_flight> keys;
  std::uint64_t next_key_generation = 1;
  payment_service_options options;
  // The risk decision stored with every checkout when no rule is
  // configured (options.allow_without_risk_check), rendered once.
  std::string allow_rules_json;
  live_actors<checkout_actor> live;
  domain::restart_budget restarts{0};  // set from deps.restarts_max
  // Open checkouts per merchant account: counted in the database every
  // options.open_checkouts_refresh, plus one for each created since.
  std::unordered_map<std::string, std::uint32_t> open_by_account;
  static inline const char* name = "payment_service";
};

using service_self =
  payment_service_actor::stateful_pointer<payment_service_state>;

inline const store_actor& store_for(service_self self,
                                    const domain::checkout_id& id) {
  return self->state.deps.stores.for_key(id.value);
}

// New checkouts and keys are stored on the admission connections.
inline const store_actor& admission_for(service_self self,
                                        const std::string& key) {
  return self->state.deps.admission.for_key(key);
}

// Where a create request's result goes: straight to the client's promise,
// or, under an Idempotency-Key, through the key's bookkeeping first.
struct reply_sink {
  std::function<void(create_payment_reply)> ok;
  std::function<void(const caf::error&)> fail;
};

// --- admission ---------------------------------------------------------------
// The error to refuse `cmd` with before any work (overloaded, or its account
// at its open-checkout cap); none when it may go on.
std::optional<caf::error> refusal_of(service_self self,
                                     const create_payment& cmd);
void count_open_checkouts_again(service_self self);
// The first 64 bits of the request's SHA-256 (hex): enough to tell a
// repeated request from a different one while its checkout runs.
std::uint64_t request_fingerprint(const std::string& request_hash);
void create(service_self self, const create_payment& cmd,
            const reply_sink& sink);

// --- Idempotency-Key ------------------------------------------------------------
void create_with_key(service_self self, const create_payment& cmd,
                     reply_promise rp);
void complete_key(service_self self, const complete_idempotency_key& cmd,
                  caf::typed_response_promise<step_reply> rp);
void expire_key(service_self self, const key_expired& expired);

// --- ownership (cluster) ------------------------------------------------------
// What became of a resume: whether some order has a live actor here now,
// or which live node elsewhere owns the checkout.
struct resume_outcome {
  bool live = false;
  std::string owner_address;  // not empty: owned by a live node there
};
using resume_done = std::function<void(const resume_outcome&)>;

// Whether a request about the checkout `which` names (by its id, or by an
// order's id) is served here: `here()` when this node drives it, may take
// it over, runs alone, or it does not exist; `elsewhere(address)` when a
// live node elsewhere owns it.
void route(service_self self, const load_owner& which,
           const std::function<void()>& here,
           const std::function<void(const std::string&)>& elsewhere,
           const std::function<void(const caf::error&)>& fail);

// Runs `here` when this node serves requests about `which`, else delivers
// owned_elsewhere (or the lookup's error) to `rp`: the gateway forwards the
// request to the owner.
template <class Promise>
void when_served_here(service_self self, const load_owner& which, Promise rp,
                      const std::function<void()>& here) {
  route(
    self, which, here,
    [rp](const std::string& address) mutable {
      rp.deliver(make_owned_elsewhere_error(address));
    },
    [rp](const caf::error& err) mutable { rp.deliver(err); });
}

// --- supervision ----------------------------------------------------------------
// `request_hash`: of the request that has just stored it (its orders were
// never sent to the PSP, and a repeat of that request may join it without
// the database); empty when started from the database.
void start_checkout(service_self self, checkout_view view,
                    std::string psp_token, std::string correlation_id,
                    const std::string& request_hash = {});
// Gives a checkout's orders with work left a live actor: joins the live
// checkout actor, or starts one from the database.
// In a cluster it first takes the checkout over when its owner is dead, and
// starts nothing when a live node elsewhere owns it. `correlation_id` tags
// a checkout started from the database ("recovery", "resume").
void resume(service_self self, const domain::checkout_id& id,
            const std::string& correlation_id, const resume_done& done);
void on_checkout_down(service_self self, const caf::down_msg& down);

// --- recovery -------------------------------------------------------------------
void recover(service_self self);

// --- operations -----------------------------------------------------------------
void on_webhook(service_self self, const psp_webhook& hook,
                caf::typed_response_promise<webhook_outcome> rp);
caf::result<operator_reply> operate(service_self self,
                                    const resolve_dead_letter& cmd);
caf::result<operator_reply> operate(service_self self,
                                    const requeue_dead_letter& cmd);
void inspect(service_self self, const domain::payment_order_id& id,
             const caf::typed_response_promise<order_inspection>& rp);
void decide(service_self self, const decide_review& cmd,
            const caf::typed_response_promise<review_reply>& rp);

// --- capture on fulfilment ------------------------------------------------------
void settle(service_self self, const settle_order& cmd,
            const caf::typed_response_promise<settle_reply>& rp);

}  // namespace pay::payment_service_parts
