#include "actors/payout/payout_store.hpp"

#include "actors/common/actor_errors.hpp"
#include "observability/log.hpp"
#include "persistence/cluster/cluster_sql.hpp"
#include "persistence/common/db_session.hpp"
#include "persistence/payout/payout_sql.hpp"

namespace pay {

namespace {

struct payout_store_state {
  std::unique_ptr<persistence::db_session> db;
  payout_store_options options;
  static inline const char* name = "payout_store";
};

using store_self = payout_store_actor::stateful_pointer<payout_store_state>;

// Runs `work` in one transaction; its value, or an error the caller retries.
template <class Result, class Work>
caf::result<Result> in_txn(store_self self, Work work) {
  Result out{};
  auto err = self->state.db->in_transaction(
    [&](pqxx::work& txn) { out = work(txn); });
  if (!err.empty()) {
    spdlog::warn("payout_store: {}", err);
    return make_error(actor_errc::database_unavailable);
  }
  return out;
}

payout_run_reply run_release(store_self self, const release_payouts& run) {
  payout_run_reply out;
  auto& db = *self->state.db;
  std::vector<std::pair<std::string, std::string>> candidates;
  bool may_run = true;
  auto err = db.in_transaction([&](pqxx::work& txn) {
    if (!run.cluster_job.empty())
      may_run = persistence::may_run_job(txn, run.cluster_job);
    if (may_run)
      candidates = persistence::payout_candidates(txn, run.minimum_minor);
  });
  if (!err.empty()) {
    log::warn(run.correlation_id, "payout run: candidates: {}", err);
    return out;
  }
  // One transaction per seller and currency: a failure of one (retried by
  // the next run) does not hold back the others.
  for (const auto& candidate : candidates) {
    // Named, not a structured binding: the lambda below captures them, which
    // C++17 allows only for variables.
    const std::string& seller = candidate.first;
    const std::string& currency = candidate.second;
    persistence::release_result r;
    err = db.in_transaction([&](pqxx::work& txn) {
      r = persistence::release_and_create_payout(txn, seller, currency, run);
    });
    if (!err.empty()) {
      log::warn(run.correlation_id, "payout run: {} {}: {}", seller, currency,
                err);
      continue;
    }
    out.credits_released += r.credits_released;
    if (r.awaiting_connected_account) ++out.awaiting_connected_account;
    if (r.created) {
      log::info(run.correlation_id, "payout {} created: {} {} minor for {}",
                r.payout.payout_id.value, r.payout.amount_minor, currency,
                seller);
      out.created.push_back(std::move(r.payout));
    }
  }
  return out;
}

payout_store_actor::behavior_type payout_store_behavior(
  store_self self, payout_store_options options) {
  self->state.options = options;
  self->state.db = std::make_unique<persistence::db_session>(
    options.database_url);
  return {
    [=](const release_payouts& run) -> payout_run_reply {
      return run_release(self, run);
    },
    [=](const load_open_payouts&) -> caf::result<payout_list> {
      return in_txn<payout_list>(self, [](pqxx::work& txn) {
        return payout_list{persistence::select_open_payouts(txn)};
      });
    },
    [=](const advance_payout& cmd) -> caf::result<payout_step> {
      return in_txn<payout_step>(self, [&](pqxx::work& txn) {
        return persistence::apply_advance(txn, cmd);
      });
    },
    [=](const record_payout_attempt& cmd) -> caf::result<payout_step> {
      return in_txn<payout_step>(self, [&](pqxx::work& txn) {
        return persistence::apply_attempt(txn, cmd);
      });
    },
    [=](const get_payout& q) -> caf::result<payout_lookup> {
      return in_txn<payout_lookup>(self, [&](pqxx::work& txn) {
        return persistence::select_payout(txn, q.payout_id.value);
      });
    },
    [=](const list_payouts& q) -> caf::result<payout_list> {
      return in_txn<payout_list>(self, [&](pqxx::work& txn) {
        return persistence::select_payouts(txn, q);
      });
    },
    [=](const park_payout& cmd) -> caf::result<payout_step> {
      return in_txn<payout_step>(self, [&](pqxx::work& txn) {
        return persistence::park_payout_row(txn, cmd);
      });
    },
    [=](const list_payout_dead_letters& q)
      -> caf::result<payout_dead_letter_page> {
      return in_txn<payout_dead_letter_page>(self, [&](pqxx::work& txn) {
        return persistence::list_payout_dead_letter_rows(txn, q);
      });
    },
    [=](const load_payout_dead_letter& q)
      -> caf::result<payout_dead_letter_lookup> {
      return in_txn<payout_dead_letter_lookup>(self, [&](pqxx::work& txn) {
        return persistence::load_payout_dead_letter_row(txn, q.payout_id.value);
      });
    },
    [=](const requeue_payout_dead_letter& cmd)
      -> caf::result<payout_dead_letter_reply> {
      return in_txn<payout_dead_letter_reply>(self, [&](pqxx::work& txn) {
        return persistence::requeue_payout_dead_letter_row(txn, cmd);
      });
    },
    [=](const close_payout_dead_letter& cmd)
      -> caf::result<payout_dead_letter_reply> {
      return in_txn<payout_dead_letter_reply>(self, [&](pqxx::work& txn) {
        return persistence::close_payout_dead_letter_row(txn, cmd);
      });
    },
    [=](const payout_webhook& event) -> caf::result<webhook_outcome> {
      return in_txn<webhook_outcome>(self, [&](pqxx::work& txn) {
        return persistence::record_payout_webhook(txn, event);
      });
    },
    [=](const fulfill_order& cmd) -> caf::result<fulfill_reply> {
      return in_txn<fulfill_reply>(self, [&](pqxx::work& txn) {
        return persistence::fulfill_payment_order(txn, cmd.payment_order_id);
      });
    },
    [=](
      const get_connected_account& q) -> caf::result<connected_account_lookup> {
      return in_txn<connected_account_lookup>(self, [&](pqxx::work& txn) {
        return persistence::select_connected_account(txn, q.seller_account);
      });
    },
    [=](const link_connected_account& cmd) -> caf::result<connect_reply> {
      return in_txn<connect_reply>(self, [&](pqxx::work& txn) {
        return persistence::link_seller(txn, cmd);
      });
    },
    [=](const load_wallet_balances& q) -> caf::result<wallet_balances> {
      return in_txn<wallet_balances>(self, [&](pqxx::work& txn) {
        return wallet_balances{persistence::select_wallet_split(
          txn, q.seller_account, self->state.options.hold_s)};
      });
    },
  };
}

}  // namespace

payout_store_actor spawn_payout_store(caf::actor_system& sys,
                                      payout_store_options options) {
  return sys.spawn<caf::detached>(payout_store_behavior, std::move(options));
}

}  // namespace pay
