#include "actors/payin/payment_service_state.hpp"

// Idempotency-Key (Stripe's semantics, and better): the first request under
// a key claims it durably; duplicates that arrive while it runs join it and
// receive the first answer verbatim once the gateway has stored it, instead
// of Stripe's 409; later duplicates get the stored answer from the database.

namespace pay::payment_service_parts {

namespace {

// Answers every request waiting on `key` and forgets the key.
void settle_key(service_self self, const std::string& key,
                const create_payment_reply& reply) {
  auto it = self->state.keys.find(key);
  if (it == self->state.keys.end()) return;
  for (auto& joiner : it->second.joiners) joiner.deliver(reply);
  self->state.keys.erase(it);
}

void fail_key(service_self self, const std::string& key,
              const caf::error& err) {
  auto it = self->state.keys.find(key);
  if (it == self->state.keys.end()) return;
  for (auto& joiner : it->second.joiners) joiner.deliver(err);
  self->state.keys.erase(it);
}

}  // namespace

void create_with_key(service_self self, const create_payment& cmd,
                     reply_promise rp) {
  auto& st = self->state;
  const auto& key = cmd.idempotency_key;
  const auto& hash = cmd.checkout.request_hash;
  if (auto it = st.keys.find(key); it != st.keys.end()) {
    if (it->second.request_hash == hash) {
      it->second.joiners.push_back(rp);
    } else {
      create_payment_reply mismatch;
      mismatch.idempotency_mismatch = true;
      rp.deliver(mismatch);
    }
    return;
  }
  auto generation = st.next_key_generation++;
  st.keys.emplace(key, key_in_flight{hash, generation, {}});
  // If the first request's answer is never stored (its client went away
  // before the gateway could), the joiners must not wait forever.
  self->delayed_send(self, st.options.key_completion_timeout,
                     key_expired{key, generation});
  self
    ->request(admission_for(self, key), st.deps.store_timeout,
              claim_idempotency_key{key, hash, cmd.checkout.id,
                                    st.options.idempotency_ttl_s})
    .then(
      [=](const idempotency_claim& claim) mutable {
        create_payment_reply reply;
        switch (claim.outcome) {
          case claim_outcome::replay:
            reply.stored_status = claim.status;
            reply.stored_body = claim.body;
            rp.deliver(reply);
            settle_key(self, key, reply);
            return;
          case claim_outcome::mismatch:
            reply.idempotency_mismatch = true;
            rp.deliver(reply);
            settle_key(self, key, reply);
            return;
          case claim_outcome::claimed:
          case claim_outcome::pending:
            // The gateway renders the answer and stores it through
            // complete_idempotency_key, which then answers the joiners.
            create(self, cmd,
                   reply_sink{[rp](create_payment_reply r) mutable {
                                r.must_complete_key = true;
                                rp.deliver(std::move(r));
                              },
                              [=](const caf::error& err) mutable {
                                rp.deliver(err);
                                fail_key(self, key, err);
                              }});
            return;
        }
      },
      [=](caf::error& err) mutable {
        rp.deliver(err);
        fail_key(self, key, err);
      });
}

void complete_key(service_self self, const complete_idempotency_key& cmd,
                  caf::typed_response_promise<step_reply> rp) {
  auto& st = self->state;
  self
    ->request(admission_for(self, cmd.key), st.deps.store_timeout,
              save_idempotent_response{cmd.key, cmd.status, cmd.body})
    .then(
      [=](const step_reply& saved) mutable {
        create_payment_reply replay;
        replay.stored_status = cmd.status;
        replay.stored_body = cmd.body;
        settle_key(self, cmd.key, replay);
        rp.deliver(saved);
      },
      [=](caf::error& err) mutable {
        fail_key(self, cmd.key, err);
        rp.deliver(err);
      });
}

// The first request's answer was never stored (its client went away before
// the gateway could): its joiners must not wait forever.
void expire_key(service_self self, const key_expired& expired) {
  auto it = self->state.keys.find(expired.key);
  if (it != self->state.keys.end()
      && it->second.generation == expired.generation)
    fail_key(self, expired.key, caf::make_error(caf::sec::request_timeout));
}

}  // namespace pay::payment_service_parts
