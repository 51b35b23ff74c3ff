#include "actors/payin/store.hpp"

// Group commit: a command is queued and a flush message is sent to self. The
// mailbox is FIFO, so by the time the flush is handled every command that had
// arrived meanwhile is queued too, and all of them share one transaction and
// one fsync. Under load batches grow by themselves; idle, a command waits for
// nothing but its own commit.
//
// Within a batch commands run in a fixed order (kind, then key) so that
// concurrent batches on other connections lock wallet rows in the same order
// and cannot deadlock. Commands in one batch never depend on each other:
// every caller waits for its reply before sending its next command.
//
// The commands of the hot path (checkout inserts, order transitions, done
// marks, passivations) queue in lanes and run as one set-based statement per kind, so a
// batch costs a handful of round trips whatever its size; the rest run one
// by one.
//
// If the batch fails, each command is retried alone so one bad command cannot
// fail its neighbours. Every command is idempotent (compare-and-set or unique
// keys), so re-running one whose first commit outcome was unknown is safe.

#include <algorithm>
#include <memory>

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include "actors/common/actor_errors.hpp"
#include "domain/common/assert.hpp"
#include "observability/metrics.hpp"
#include "persistence/common/fenced_write.hpp"
#include "persistence/payin/store_commands.hpp"

namespace pay {

namespace {

struct job {
  int rank;  // kind of command: fixes the lock order inside a batch
  std::string key;
  std::function<void(pqxx::work&)> run;
  std::function<void()> deliver;
  std::function<void(caf::error)> fail;
  // A lane's batch: its commands as jobs of their own, to run alone.
  std::function<std::vector<job>()> split;
};

template <class Cmd>
using batch_reply_t = typename decltype(persistence::execute_batch(
  std::declval<pqxx::work&>(),
  std::declval<const std::vector<Cmd>&>()))::value_type;

// Commands of one kind waiting for the next flush, run set-based.
template <class Cmd>
struct lane {
  std::vector<Cmd> cmds;
  std::vector<caf::typed_response_promise<batch_reply_t<Cmd>>> promises;
};

struct store_state {
  store_options options;
  std::unique_ptr<pqxx::connection> conn;
  std::vector<job> pending;
  lane<insert_checkout> inserts;
  lane<transition_order> transitions;
  lane<mark_checkout_done> done_marks;
  lane<passivate_order> passivations;
  bool flush_scheduled = false;
  // The database refused a write: this node's lease is gone, and it is
  // about to join again. Nothing it sends can commit any more.
  bool fenced = false;
  std::uint64_t batches = 0;
  std::uint64_t commands = 0;
  static inline const char* name = "store";

  std::size_t queued() const {
    return pending.size() + inserts.cmds.size() + transitions.cmds.size()
           + done_marks.cmds.size() + passivations.cmds.size();
  }
};

using store_self = store_actor::stateful_pointer<store_state>;

template <class Cmd>
int rank_of() {
  if constexpr (
    std::is_same_v<
      Cmd, insert_checkout> || std::is_same_v<Cmd, claim_idempotency_key>)
    return 0;
  else if constexpr (
    std::is_same_v<
      Cmd,
      transition_order> || std::is_same_v<Cmd, request_capture> || std::is_same_v<Cmd, request_void> || std::is_same_v<Cmd, passivate_order>)
    return 1;  // an order's row, like its transitions
  else if constexpr (std::is_same_v<Cmd, credit_wallet_cmd>)
    return 2;
  else if constexpr (std::is_same_v<Cmd, write_ledger_cmd>)
    return 3;
  else if constexpr (std::is_same_v<Cmd, mark_checkout_done>)
    return 4;
  else
    return 5;  // reads
}

std::string key_of(const insert_checkout& c) { return c.checkout.id.value; }
std::string key_of(const claim_idempotency_key& c) { return c.key; }
std::string key_of(const transition_order& c) { return c.id.value; }
std::string key_of(const credit_wallet_cmd& c) {
  return c.seller.value + '\0' + c.currency;
}
std::string key_of(const write_ledger_cmd& c) { return c.id.value; }
std::string key_of(const mark_checkout_done& c) { return c.id.value; }
std::string key_of(const passivate_order& c) { return c.id.value; }
std::string key_of(const request_capture& c) { return c.id.value; }
std::string key_of(const request_void& c) { return c.id.value; }
template <class Cmd>
std::string key_of(const Cmd&) {
  return {};
}

// One job running `cmds` as one statement; split() gives one job each.
template <class Cmd>
job lane_job(lane<Cmd> batch) {
  using reply_t = batch_reply_t<Cmd>;
  struct shared {
    lane<Cmd> batch;
    std::vector<reply_t> replies;
  };
  auto sh = std::make_shared<shared>(shared{std::move(batch), {}});
  job j;
  j.rank = rank_of<Cmd>();
  j.run = [sh](pqxx::work& txn) {
    sh->replies = persistence::execute_batch(txn, sh->batch.cmds);
    PAY_ASSERT(sh->replies.size() == sh->batch.cmds.size());
  };
  j.deliver = [sh] {
    for (std::size_t i = 0; i < sh->replies.size(); ++i)
      sh->batch.promises[i].deliver(std::move(sh->replies[i]));
  };
  j.fail = [sh](caf::error e) {
    for (auto& rp : sh->batch.promises) rp.deliver(e);
  };
  if (sh->batch.cmds.size() > 1)
    j.split = [sh] {
      std::vector<job> alone;
      for (std::size_t i = 0; i < sh->batch.cmds.size(); ++i)
        alone.push_back(
          lane_job(lane<Cmd>{{sh->batch.cmds[i]}, {sh->batch.promises[i]}}));
      return alone;
    };
  return j;
}

// The lane as one job, its commands sorted by key (the lock order).
template <class Cmd>
void take_lane(lane<Cmd>& from, std::vector<job>& into) {
  if (from.cmds.empty()) return;
  std::vector<std::size_t> order(from.cmds.size());
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
    keys.push_back(key_of(from.cmds[i]));
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  lane<Cmd> sorted;
  for (auto i : order) {
    sorted.cmds.push_back(std::move(from.cmds[i]));
    sorted.promises.push_back(std::move(from.promises[i]));
  }
  from = lane<Cmd>{};
  into.push_back(lane_job(std::move(sorted)));
}

bool ensure_connected(store_self self) {
  auto& st = self->state;
  if (st.conn && st.conn->is_open()) return true;
  try {
    st.conn = std::make_unique<pqxx::connection>(st.options.database_url);
    persistence::prepare_session(*st.conn);
    return true;
  } catch (const std::exception& e) {
    spdlog::error("store: cannot connect to the database: {}", e.what());
    st.conn.reset();
    return false;
  }
}

// Runs `jobs` in one transaction. False when anything failed (nothing from
// this transaction is then delivered).
bool run_in_one_transaction(store_self self, std::vector<job*>& jobs,
                            std::string& error) {
  try {
    pqxx::work txn{*self->state.conn};
    for (auto* j : jobs) j->run(txn);
    txn.commit();
    return true;
  } catch (const pqxx::broken_connection& e) {
    error = e.what();
    self->state.conn.reset();
  } catch (const pqxx::in_doubt_error& e) {
    // The connection was lost during the commit: the outcome is unknown,
    // which every command tolerates (each is idempotent), so the caller
    // hears "unavailable" and runs it again.
    error = e.what();
    self->state.conn.reset();
  } catch (const pqxx::sql_error& e) {
    error = e.what();
    if (persistence::report_if_fenced(e)) self->state.fenced = true;
    // A server shutting down or restarting (class 57: operator
    // intervention) or a connection exception (08) says nothing about the
    // command: drop the connection, so the caller hears "unavailable" and
    // retries, not "failed".
    const auto& state = e.sqlstate();
    if (state.rfind("57", 0) == 0 || state.rfind("08", 0) == 0)
      self->state.conn.reset();
  } catch (const std::exception& e) {
    error = e.what();
  }
  return false;
}

void fail_all(std::vector<job*>& jobs, actor_errc code) {
  for (auto* j : jobs) j->fail(make_error(code));
}

void flush(store_self self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  auto queued = st.queued();
  if (queued == 0) return;
  auto batch = std::move(st.pending);
  st.pending.clear();
  take_lane(st.inserts, batch);
  take_lane(st.transitions, batch);
  take_lane(st.done_marks, batch);
  take_lane(st.passivations, batch);
  std::vector<job*> jobs;
  for (auto& j : batch) jobs.push_back(&j);
  std::stable_sort(jobs.begin(), jobs.end(), [](const job* a, const job* b) {
    return std::tie(a->rank, a->key) < std::tie(b->rank, b->key);
  });
  ++st.batches;
  st.commands += queued;
  auto& metrics = obs::metrics::get();
  metrics.backlog(obs::shared_actor::store)
    .Decrement(static_cast<double>(queued));
  if (st.fenced || !ensure_connected(self)) {
    fail_all(jobs, actor_errc::database_unavailable);
    return;
  }
  std::string error;
  auto started = std::chrono::steady_clock::now();
  bool ok = run_in_one_transaction(self, jobs, error);
  metrics.store_batch(queued,
                      std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - started)
                        .count(),
                      ok);
  if (ok) {
    for (auto* j : jobs) j->deliver();
    return;
  }
  if (st.fenced) {
    // "Unavailable", not "failed": the client's retry reaches the node
    // that took the work over.
    fail_all(jobs, actor_errc::database_unavailable);
    return;
  }
  spdlog::warn("store: batch of {} failed, retrying one by one: {}", queued,
               error);
  std::vector<job> alone;
  for (auto* j : jobs) {
    if (!j->split) {
      alone.push_back(std::move(*j));
      continue;
    }
    for (auto& part : j->split()) alone.push_back(std::move(part));
  }
  for (auto& one : alone) {
    auto* j = &one;
    std::vector<job*> single{j};
    if (!ensure_connected(self)) {
      j->fail(make_error(actor_errc::database_unavailable));
      continue;
    }
    if (run_in_one_transaction(self, single, error)) {
      j->deliver();
    } else {
      spdlog::error("store: command failed: {}", error);
      j->fail(make_error(st.conn ? actor_errc::command_failed
                                 : actor_errc::database_unavailable));
    }
  }
}

// Counts the command in and flushes now or soon.
void note_queued(store_self self) {
  auto& st = self->state;
  // Commands taken in and not yet committed, summed over the pool.
  obs::metrics::get().backlog(obs::shared_actor::store).Increment();
  if (st.queued() >= st.options.batch_size_max) {
    flush(self);
  } else if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, store_flush_atom::value);
  }
}

template <class Cmd>
auto enqueue_in(store_self self, lane<Cmd>& into, Cmd cmd) {
  auto rp = self->template make_response_promise<batch_reply_t<Cmd>>();
  into.cmds.push_back(std::move(cmd));
  into.promises.push_back(rp);
  note_queued(self);
  return rp;
}

template <class Cmd>
auto enqueue(store_self self, const Cmd& cmd) {
  using reply_t = decltype(persistence::execute(std::declval<pqxx::work&>(),
                                                std::declval<const Cmd&>()));
  auto rp = self->template make_response_promise<reply_t>();
  auto reply = std::make_shared<reply_t>();
  auto& st = self->state;
  st.pending.push_back(job{
    rank_of<Cmd>(),
    key_of(cmd),
    [cmd, reply](pqxx::work& txn) { *reply = persistence::execute(txn, cmd); },
    [rp, reply]() mutable { rp.deliver(std::move(*reply)); },
    [rp](caf::error e) mutable { rp.deliver(std::move(e)); },
    {}});
  note_queued(self);
  return rp;
}

store_actor::behavior_type store_behavior(store_self self,
                                          store_options options) {
  self->state.options = std::move(options);
  ensure_connected(self);
  return {
    [=](insert_checkout& c) {
      return enqueue_in(self, self->state.inserts, std::move(c));
    },
    [=](transition_order& c) {
      return enqueue_in(self, self->state.transitions, std::move(c));
    },
    [=](const record_attempt& c) { return enqueue(self, c); },
    [=](passivate_order& c) {
      return enqueue_in(self, self->state.passivations, std::move(c));
    },
    [=](const claim_due_polls& c) { return enqueue(self, c); },
    [=](const escalate_order& c) { return enqueue(self, c); },
    [=](const list_dead_letters& c) { return enqueue(self, c); },
    [=](const requeue_dead_letter& c) { return enqueue(self, c); },
    [=](const resolve_dead_letter& c) { return enqueue(self, c); },
    [=](const find_stuck_orders& c) { return enqueue(self, c); },
    [=](const claim_idempotency_key& c) { return enqueue(self, c); },
    [=](const save_idempotent_response& c) { return enqueue(self, c); },
    [=](const credit_wallet_cmd& c) { return enqueue(self, c); },
    [=](const write_ledger_cmd& c) { return enqueue(self, c); },
    [=](mark_checkout_done& c) {
      return enqueue_in(self, self->state.done_marks, std::move(c));
    },
    [=](const load_checkout& c) { return enqueue(self, c); },
    [=](const load_order& c) { return enqueue(self, c); },
    [=](const load_unfinished_checkouts& c) { return enqueue(self, c); },
    [=](const check_ready& c) { return enqueue(self, c); },
    [=](const load_order_record& c) { return enqueue(self, c); },
    [=](const list_orders& c) { return enqueue(self, c); },
    [=](const count_open_dead_letters& c) { return enqueue(self, c); },
    [=](const count_open_checkouts& c) { return enqueue(self, c); },
    [=](const record_webhook_event& c) { return enqueue(self, c); },
    [=](const load_risk_inputs& c) { return enqueue(self, c); },
    [=](const record_risk_decision& c) { return enqueue(self, c); },
    [=](const list_reviews& c) { return enqueue(self, c); },
    [=](const decide_review& c) { return enqueue(self, c); },
    [=](const request_capture& c) { return enqueue(self, c); },
    [=](const request_void& c) { return enqueue(self, c); },
    [=](const load_owner& c) { return enqueue(self, c); },
    [=](const claim_checkout& c) { return enqueue(self, c); },
    [=](const load_cluster& c) { return enqueue(self, c); },
    [=](store_flush_atom) { flush(self); },
  };
}

}  // namespace

store_actor spawn_store(caf::actor_system& sys, store_options options) {
  return sys.spawn<caf::detached>(store_behavior, std::move(options));
}

store_pool spawn_store_pool(caf::actor_system& sys,
                            const store_options& options, unsigned count) {
  store_pool pool;
  for (unsigned i = 0; i < count; ++i)
    pool.shards.push_back(spawn_store(sys, options));
  return pool;
}

}  // namespace pay
