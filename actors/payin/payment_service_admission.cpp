#include "actors/common/actor_errors.hpp"
#include "actors/common/until_answered.hpp"
#include "actors/payin/order_work.hpp"
#include "actors/payin/payment_service_state.hpp"
#include "domain/access/account_scope.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

// Creating a checkout, or joining the one a repeated request names: stored
// in one transaction (the event and all its orders) on an admission
// connection, then given its checkout actor. New checkouts are refused
// before any work when execution falls behind (overloaded) or their account
// holds too many open ones.

namespace pay::payment_service_parts {

namespace {

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

}  // namespace

std::optional<caf::error> refusal_of(service_self self,
                                     const create_payment& cmd) {
  auto& st = self->state;
  // A refused checkout costs a counter, not a database write, and the
  // client retries after Retry-After. A repeat of a live checkout only
  // joins it and is never refused.
  if (execution_backlog() >= st.options.backlog_max
      && !st.live.count(cmd.checkout.id.value)) {
    obs::metrics::get().checkout_shed();
    return make_overloaded_error(st.options.retry_after_s);
  }
  if (past_open_cap(self, cmd)) {
    obs::metrics::get().checkout_open_limited();
    return make_open_checkouts_limit_error(
      st.options.open_checkouts_per_account_max, st.options.retry_after_s);
  }
  return std::nullopt;
}

void count_open_checkouts_again(service_self self) {
  auto& st = self->state;
  auto again = [self] {
    self->delayed_send(self, self->state.options.open_checkouts_refresh,
                       count_open_atom::value);
  };
  self
    ->request(st.deps.stores.shards.front(), until_answered,
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

std::uint64_t request_fingerprint(const std::string& request_hash) {
  return std::strtoull(request_hash.substr(0, 16).c_str(), nullptr, 16);
}

namespace {

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
        self->request(store_for(self, id), until_answered, load_checkout{id})
          .then(
            [=](const checkout_lookup& lookup) {
              auto out = reply;
              out.view = lookup.view;
              sink.ok(std::move(out));
            },
            [=](caf::error& err) { sink.fail(err); });
      });
}

// A duplicate of an unfinished checkout with no live actor here (our own
// first attempt whose commit reply was lost, or work left by a crash) gets
// its actor too; one that is live is joined instead. In a cluster, one
// that a live node elsewhere drives is answered there.
void join_duplicate(service_self self, const create_payment& cmd,
                    const reply_sink& sink, create_payment_reply reply) {
  auto& st = self->state;
  if (!checkout_needs_actor(reply.view) || st.live.count(reply.view.id.value)) {
    answer(self, sink, std::move(reply), cmd.wait_ms, cmd.until_pending);
    return;
  }
  if (!st.options.me.clustered()) {
    start_checkout(self, reply.view, cmd.checkout.psp_token,
                   cmd.correlation_id);
    answer(self, sink, std::move(reply), cmd.wait_ms, cmd.until_pending);
    return;
  }
  auto forward = [sink](const std::string& owner) {
    sink.fail(make_owned_elsewhere_error(owner));
  };
  // Who owns it is a plain read; only a checkout whose owner is dead is
  // claimed (a row lock the owner's own writes would wait on).
  route(
    self, load_owner{reply.view.id.value, {}},
    [=] {
      resume(self, reply.view.id, cmd.correlation_id,
             [=](const resume_outcome& resumed) {
               if (!resumed.owner_address.empty())
                 forward(resumed.owner_address);
               else
                 answer(self, sink, reply, cmd.wait_ms, cmd.until_pending);
             });
    },
    forward, sink.fail);
}

}  // namespace

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
    ->request(admission_for(self, cmd.checkout.id.value), until_answered,
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
        if (stored.outcome == insert_outcome::created) {
          start_checkout(self, stored.view, cmd.checkout.psp_token,
                         cmd.correlation_id, cmd.checkout.request_hash);
          answer(self, sink, std::move(reply), cmd.wait_ms, cmd.until_pending);
        } else if (stored.outcome == insert_outcome::duplicate_same_body) {
          join_duplicate(self, cmd, sink, std::move(reply));
        } else {
          sink.ok(std::move(reply));
        }
      },
      [=](caf::error& err) { sink.fail(err); });
}

}  // namespace pay::payment_service_parts
