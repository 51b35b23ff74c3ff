#include "actors/payin/payment_service.hpp"

// The entry point. It stores a new checkout (one transaction for the event
// and all its orders), spawns its checkout actor, and supervises the live
// ones. A request for a checkout that is still live joins that actor, so a
// duplicate gets the same final answer as the original.
//
// At start it resumes every checkout the database says is unfinished.
//
// Idempotency-Key (Stripe's semantics, and better): the first request under
// a key claims it durably; duplicates that arrive while it runs join it and
// receive the first answer verbatim once the gateway has stored it, instead
// of Stripe's 409; later duplicates get the stored answer from the database.

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/common/actor_errors.hpp"
#include "actors/common/live_actors.hpp"
#include "actors/payin/checkout.hpp"
#include "actors/payin/order_work.hpp"
#include "domain/access/account_scope.hpp"
#include "domain/common/restart_budget.hpp"
#include "domain/risk/risk_rules.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

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

const store_actor& store_for(service_self self, const domain::checkout_id& id) {
  return self->state.deps.stores.for_key(id.value);
}

// New checkouts and keys are stored on the admission connections.
const store_actor& admission_for(service_self self, const std::string& key) {
  return self->state.deps.admission.for_key(key);
}

// Work taken in and not yet past the PSP call or the database: what grows
// when orders arrive faster than they complete. Orders waiting at the PSP
// (PENDING) or for an operator (REVIEW) do not count.
double execution_backlog() {
  auto& m = obs::metrics::get();
  return m.orders_live(domain::order_status::not_started).Value()
         + m.orders_live(domain::order_status::executing).Value()
         + m.backlog(obs::shared_actor::store).Value();
}

// True when `cmd` would open one checkout more than its account may hold.
// A repeat of a live checkout only joins it and is never refused.
bool past_open_cap(service_self self, const create_payment& cmd) {
  auto& st = self->state;
  auto cap = st.options.open_checkouts_per_account_max;
  auto account = domain::account_of(cmd.checkout.id.value);
  if (cap == 0 || account.empty() || st.live.count(cmd.checkout.id.value))
    return false;
  auto it = st.open_by_account.find(std::string{account});
  return it != st.open_by_account.end() && it->second >= cap;
}

void count_open_checkouts_again(service_self self) {
  auto& st = self->state;
  auto again = [self] {
    self->delayed_send(self, self->state.options.open_checkouts_refresh,
                       count_open_atom::value);
  };
  self
    ->request(st.deps.stores.shards.front(), st.deps.store_timeout,
              count_open_checkouts{})
    .then(
      [=](const open_checkouts& counted) {
        auto& open = self->state.open_by_account;
        open.clear();
        for (const auto& a : counted.accounts)
          open.emplace(a.account_id, a.open);
        again();
      },
      [=](caf::error& err) {
        // The counts from before stay: a database outage refuses nothing
        // that was not refused already.
        spdlog::warn("cannot count open checkouts: {}", caf::to_string(err));
        again();
      });
}

// The first 64 bits of the request's SHA-256 (hex): enough to tell a
// repeated request from a different one while its checkout runs.
std::uint64_t request_fingerprint(const std::string& request_hash) {
  return std::strtoull(request_hash.substr(0, 16).c_str(), nullptr, 16);
}

// `request_hash`: of the request that has just stored it (its orders were
// never sent to the PSP, and a repeat of that request may join it without
// the database); empty when started from the database.
void start_checkout(service_self self, checkout_view view,
                    std::string psp_token, std::string correlation_id,
                    const std::string& request_hash = {}) {
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

// Where a create request's result goes: straight to the client's promise,
// or, under an Idempotency-Key, through the key's bookkeeping first.
struct reply_sink {
  std::function<void(create_payment_reply)> ok;
  std::function<void(const caf::error&)> fail;
};

// Answers with the live actor's final view when it is still running (or the
// stored view if it ends meanwhile), else with `view` as stored.
void answer(service_self self, const reply_sink& sink,
            create_payment_reply reply, std::uint32_t wait_ms,
            bool until_pending) {
  auto& st = self->state;
  auto it = st.live.find(reply.view.id.value);
  if (wait_ms == 0 || it == st.live.end()) {
    sink.ok(std::move(reply));
    return;
  }
  auto timeout = std::chrono::milliseconds{wait_ms} + st.deps.store_timeout;
  self->request(it->second, timeout, await_outcome{wait_ms, until_pending})
    .then(
      [=](const checkout_view& view) {
        auto out = reply;
        out.view = view;
        sink.ok(std::move(out));
      },
      [=](caf::error&) {
        // The checkout ended between our lookup and its answer: the stored
        // view is final by then.
        auto id = reply.view.id;
        self
          ->request(store_for(self, id), self->state.deps.store_timeout,
                    load_checkout{id})
          .then(
            [=](const checkout_lookup& lookup) {
              auto out = reply;
              out.view = lookup.view;
              sink.ok(std::move(out));
            },
            [=](caf::error& err) { sink.fail(err); });
      });
}

void create(service_self self, const create_payment& cmd,
            const reply_sink& sink) {
  auto& st = self->state;
  // The same request again while its checkout runs (a client waiting for
  // the outcome with Prefer: wait): join it without asking the database.
  auto tag = st.live.tag_of(cmd.checkout.id.value);
  if (cmd.wait_ms > 0 && tag && *tag != 0
      && *tag == request_fingerprint(cmd.checkout.request_hash)) {
    create_payment_reply reply;
    reply.outcome = insert_outcome::duplicate_same_body;
    reply.view.id = cmd.checkout.id;
    answer(self, sink, std::move(reply), cmd.wait_ms, cmd.until_pending);
    return;
  }
  insert_checkout insert{cmd.checkout, {}, {}, false, cmd.correlation_id};
  if (st.options.allow_without_risk_check) {
    insert.risk_verdict = "allow";
    insert.risk_rules_json = st.allow_rules_json;
    insert.start_executing = true;
  }
  self
    ->request(admission_for(self, cmd.checkout.id.value), st.deps.store_timeout,
              std::move(insert))
    .then(
      [=](const insert_checkout_reply& stored) {
        create_payment_reply reply;
        reply.outcome = stored.outcome;
        reply.conflicting_order_id = stored.conflicting_order_id;
        reply.view = stored.view;
        if (stored.outcome == insert_outcome::created) {
          auto account = domain::account_of(cmd.checkout.id.value);
          if (!account.empty())
            ++self->state.open_by_account[std::string{account}];
          log::info(cmd.correlation_id, "checkout {} stored with {} orders",
                    cmd.checkout.id.value, cmd.checkout.orders.size());
          // Orders stored EXECUTING made that move with the insert.
          for (const auto& o : stored.view.orders)
            if (o.status == domain::order_status::executing)
              obs::metrics::get().order_transition(
                domain::order_status::not_started, o.status);
        }
        // A duplicate of an unfinished checkout with no live actor (our own
        // first attempt whose commit reply was lost, or work left by a crash)
        // gets its actor too; one that is live is joined instead.
        if (stored.outcome == insert_outcome::created
            || (stored.outcome == insert_outcome::duplicate_same_body
                && checkout_needs_actor(stored.view)))
          start_checkout(self, stored.view, cmd.checkout.psp_token,
                         cmd.correlation_id,
                         stored.outcome == insert_outcome::created
                           ? cmd.checkout.request_hash
                           : std::string{});
        if (stored.outcome == insert_outcome::created
            || stored.outcome == insert_outcome::duplicate_same_body)
          answer(self, sink, std::move(reply), cmd.wait_ms, cmd.until_pending);
        else
          sink.ok(std::move(reply));
      },
      [=](caf::error& err) { sink.fail(err); });
}

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

// Gives a checkout's orders with work left a live actor: joins the live
// checkout actor, or starts one from the database.
// `done(true)` when some order got a live actor (or the live checkout
// took the request). `correlation_id` tags a checkout started from the
// database ("recovery", "resume").
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
          spdlog::error("cannot resume checkout {}: {}", id.value,
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

// A verified webhook: remembered by event id (a redelivery changes nothing),
// then the order's actor is told to ask the PSP, or, when its checkout has
// no actor (after a restart), the checkout is resumed, which asks at start.
void on_webhook(service_self self, const psp_webhook& hook,
                caf::typed_response_promise<webhook_outcome> rp) {
  if (hook.order.value.empty()) {
    rp.deliver(webhook_outcome::ignored);
    return;
  }
  auto& st = self->state;
  const auto& store = st.deps.stores.for_key(hook.order.value);
  self
    ->request(store, st.deps.store_timeout,
              record_webhook_event{hook.event_id, hook.type, hook.order.value})
    .then(
      [=](bool first_time) mutable {
        if (!first_time) {
          rp.deliver(webhook_outcome::duplicate);
          return;
        }
        self
          ->request(store, self->state.deps.store_timeout,
                    load_order{hook.order})
          .then(
            [=](const order_lookup& found) mutable {
              if (!found.found) {
                rp.deliver(webhook_outcome::ignored);
                return;
              }
              auto live = self->state.live.find(found.view.checkout.value);
              if (live != self->state.live.end())
                self->send(live->second, psp_news{hook.order});
              else
                resume(self, found.view.checkout, hook.event_id, [](bool) {});
              rp.deliver(webhook_outcome::applied);
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// An operator's requeue or resolve, then the checkout is resumed: a
// requeued order needs a live actor again, and a resolved order may leave a
// SUCCESS sibling (or itself) with booking to finish.
template <class Command>
caf::result<operator_reply> operate(service_self self, const Command& cmd) {
  auto rp = self->make_response_promise<operator_reply>();
  self->request(self->state.deps.dlq, self->state.deps.store_timeout, cmd)
    .then(
      [=](const operator_reply& reply) mutable {
        if (reply.outcome == operator_outcome::applied)
          resume(self, reply.entry.checkout, "resume", [](bool) {});
        rp.deliver(reply);
      },
      [=](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

void recover(service_self self) {
  auto& st = self->state;
  // Unfinished checkouts are spread over all shards' keys, but any store
  // connection can list them.
  self
    ->request(st.deps.stores.shards.front(), st.deps.store_timeout,
              load_unfinished_checkouts{st.options.recovery_batch_max})
    .then(
      [=](const unfinished_checkouts& found) {
        if (!found.ids.empty())
          spdlog::info("recovery: resuming {} unfinished checkouts",
                       found.ids.size());
        for (const auto& id : found.ids)
          resume(self, id, "recovery", [](bool) {});
      },
      [=](caf::error& err) {
        spdlog::error("recovery: cannot list unfinished checkouts: {}",
                      caf::to_string(err));
      });
}

// The persisted row and history, and, when the order's checkout is live,
// what its actor is doing right now.
void inspect(service_self self, const domain::payment_order_id& id,
             caf::typed_response_promise<order_inspection> rp) {
  auto& st = self->state;
  self
    ->request(st.deps.stores.for_key(id.value), st.deps.store_timeout,
              load_order_record{id})
    .then(
      [=](order_record& record) mutable {
        order_inspection out;
        out.record = std::move(record);
        auto live = self->state.live.find(out.record.view.checkout.value);
        if (!out.record.found || live == self->state.live.end()) {
          rp.deliver(std::move(out));
          return;
        }
        self
          ->request(live->second, self->state.deps.store_timeout,
                    inspect_live_order{id})
          .then(
            [=](const order_live_view& view) mutable {
              auto answer = out;
              answer.live = view;
              rp.deliver(std::move(answer));
            },
            // The checkout ended meanwhile: nothing live to show.
            [=](caf::error&) mutable { rp.deliver(out); });
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// A crashed checkout is started again from its rows (its orders died with
// it through their links) while its restart budget lasts; past that it is
// left to the watchdog, which resumes its stuck orders and dead-letters
// them if they stay stuck.
void on_checkout_down(service_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto id = st.live.forget(down.source);
  if (!id) return;
  if (!down.reason) {
    st.restarts.forget(*id);
    return;
  }
  auto verdict = st.restarts.on_crash(*id);
  obs::metrics::get().actor_crash("checkout", domain::to_string(verdict));
  if (verdict == domain::crash_verdict::escalate) {
    spdlog::error("checkout {} crashed again ({}): left to the watchdog", *id,
                  caf::to_string(down.reason));
    return;
  }
  spdlog::error("checkout {} ended abnormally ({}); restarting from its rows",
                *id, caf::to_string(down.reason));
  resume(self, domain::checkout_id{*id}, "restart", [](bool) {});
}

payment_service_actor::behavior_type payment_service_behavior(
  service_self self, collaborators deps, payment_service_options options) {
  self->state.deps = std::move(deps);
  self->state.options = options;
  if (options.allow_without_risk_check)
    self->state.allow_rules_json = domain::risk_decision_json({});
  if (options.open_checkouts_per_account_max > 0)
    self->send(self, count_open_atom::value);
  self->state.restarts = domain::restart_budget{self->state.deps.restarts_max};
  self->set_down_handler(
    [=](caf::down_msg& down) { on_checkout_down(self, down); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    // Shutdown: stop every live checkout (their orders follow through their
    // links), then ourselves. Work in flight resumes from the database at
    // the next start.
    for (const auto& [id, checkout] : self->state.live)
      self->send_exit(checkout, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [=](const create_payment& cmd) -> caf::result<create_payment_reply> {
      // Shed new checkouts before any work: a refused one costs a counter,
      // not a database write, and the client retries after Retry-After. A
      // repeat of a live checkout only joins it and is never refused.
      if (execution_backlog() >= self->state.options.backlog_max
          && !self->state.live.count(cmd.checkout.id.value)) {
        obs::metrics::get().checkout_shed();
        return make_overloaded_error(self->state.options.retry_after_s);
      }
      if (past_open_cap(self, cmd)) {
        obs::metrics::get().checkout_open_limited();
        return make_open_checkouts_limit_error(
          self->state.options.open_checkouts_per_account_max,
          self->state.options.retry_after_s);
      }
      auto rp = self->make_response_promise<create_payment_reply>();
      if (!cmd.idempotency_key.empty()) {
        create_with_key(self, cmd, rp);
        return rp;
      }
      create(self, cmd,
             reply_sink{[rp](create_payment_reply r) mutable {
                          rp.deliver(std::move(r));
                        },
                        [rp](const caf::error& err) mutable {
                          rp.deliver(err);
                        }});
      return rp;
    },
    [=](const complete_idempotency_key& cmd) -> caf::result<step_reply> {
      auto rp = self->make_response_promise<step_reply>();
      complete_key(self, cmd, rp);
      return rp;
    },
    [=](const list_dead_letters& q) {
      return self->delegate(self->state.deps.dlq, q);
    },
    [=](const resolve_dead_letter& cmd) { return operate(self, cmd); },
    [=](const requeue_dead_letter& cmd) { return operate(self, cmd); },
    [=](const resume_checkout& cmd) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      resume(self, cmd.id, "resume",
             [rp](bool resumed) mutable { rp.deliver(resumed); });
      return rp;
    },
    [=](const load_checkout& q) {
      return self->delegate(store_for(self, q.id), q);
    },
    [=](const load_order& q) {
      return self->delegate(self->state.deps.stores.for_key(q.id.value), q);
    },
    [=](const check_ready& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const inspect_order& q) -> caf::result<order_inspection> {
      auto rp = self->make_response_promise<order_inspection>();
      inspect(self, q.id, rp);
      return rp;
    },
    [=](const list_orders& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const list_reviews& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const decide_review& cmd) -> caf::result<review_reply> {
      auto rp = self->make_response_promise<review_reply>();
      self
        ->request(store_for(self, cmd.id), self->state.deps.store_timeout, cmd)
        .then(
          [=](review_reply& reply) mutable {
            log::info("operator", "review of checkout {}: {}", cmd.id.value,
                      cmd.approve ? "approved" : "rejected");
            if (reply.outcome == operator_outcome::applied)
              for (std::size_t i = 0; i < reply.checkout.orders.size(); ++i)
                obs::metrics::get().order_transition(
                  domain::order_status::review,
                  cmd.approve ? domain::order_status::not_started
                              : domain::order_status::failed);
            // Approved orders are NOT_STARTED again: give them actors.
            if (reply.outcome == operator_outcome::applied && cmd.approve)
              resume(self, cmd.id, "review", [](bool) {});
            rp.deliver(std::move(reply));
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](const psp_webhook& hook) -> caf::result<webhook_outcome> {
      auto rp = self->make_response_promise<webhook_outcome>();
      on_webhook(self, hook, rp);
      return rp;
    },
    [=](recover_atom) { recover(self); },
    [=](count_open_atom) { count_open_checkouts_again(self); },
    [=](const key_expired& expired) {
      auto it = self->state.keys.find(expired.key);
      if (it != self->state.keys.end()
          && it->second.generation == expired.generation)
        fail_key(self, expired.key, caf::make_error(caf::sec::request_timeout));
    },
  };
}

}  // namespace

payment_service_actor spawn_payment_service(caf::actor_system& sys,
                                            collaborators deps,
                                            payment_service_options options) {
  return sys.spawn(payment_service_behavior, std::move(deps), options);
}

}  // namespace pay
