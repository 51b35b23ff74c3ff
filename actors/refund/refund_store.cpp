#include "actors/refund/refund_store.hpp"

#include <spdlog/spdlog.h>

#include "actors/common/actor_errors.hpp"
#include "persistence/common/db_session.hpp"
#include "persistence/refund/refund_sql.hpp"

namespace pay {

namespace {

struct refund_store_state {
  std::unique_ptr<persistence::db_session> db;
  static inline const char* name = "refund_store";
};

using refund_store_self =
  refund_store_actor::stateful_pointer<refund_store_state>;

// Runs `work` in one transaction; its result, or an error when the
// transaction failed (nothing committed).
template <class Result, class Work>
caf::result<Result> transact(refund_store_self self, const char* what,
                             Work work) {
  Result out;
  auto error = self->state.db->in_transaction(
    [&](pqxx::work& txn) { out = work(txn); });
  if (error.empty()) return out;
  spdlog::error("refund store: {} failed: {}", what, error);
  return make_error(actor_errc::database_unavailable);
}

refund_store_actor::behavior_type refund_store_behavior(
  refund_store_self self, std::string database_url) {
  self->state.db = std::make_unique<persistence::db_session>(
    std::move(database_url));
  return {
    [=](const create_refund& cmd) {
      return transact<create_refund_reply>(
        self, "create", [&](pqxx::work& txn) {
          return persistence::create_refund_row(txn, cmd);
        });
    },
    [=](const get_refund& query) {
      return transact<refund_lookup>(self, "get", [&](pqxx::work& txn) {
        refund_lookup out;
        if (auto found = persistence::load_refund(txn, query.refund_id.value)) {
          out.found = true;
          out.refund = found->view;
        }
        return out;
      });
    },
    [=](const list_refunds& query) {
      return transact<refund_list>(self, "list", [&](pqxx::work& txn) {
        return persistence::list_order_refunds(txn, query.payment_order_id);
      });
    },
    [=](const load_open_refunds& query) {
      return transact<open_refunds>(self, "load open", [&](pqxx::work& txn) {
        return open_refunds{
          persistence::load_open_refund_rows(txn, query.limit)};
      });
    },
    [=](const load_refund_work& query) {
      return transact<refund_step_reply>(self, "load", [&](pqxx::work& txn) {
        refund_step_reply out;
        if (auto found = persistence::load_refund(txn, query.refund_id.value)) {
          out.found = true;
          out.current = *found;
        }
        return out;
      });
    },
    [=](const record_refund_attempt& cmd) {
      return transact<refund_step_reply>(
        self, "record attempt", [&](pqxx::work& txn) {
          return persistence::record_refund_attempt_row(txn, cmd);
        });
    },
    [=](const move_refund& cmd) {
      return transact<refund_step_reply>(self, "move", [&](pqxx::work& txn) {
        return persistence::move_refund_row(txn, cmd);
      });
    },
    [=](const list_refunds_admin& query) {
      return transact<refund_page>(self, "list all", [&](pqxx::work& txn) {
        return persistence::list_refunds_page(txn, query);
      });
    },
    [=](const park_refund& cmd) {
      return transact<refund_step_reply>(self, "park", [&](pqxx::work& txn) {
        return persistence::park_refund_row(txn, cmd);
      });
    },
    [=](const list_refund_dead_letters& query) {
      return transact<refund_dead_letter_page>(
        self, "list dead letters", [&](pqxx::work& txn) {
          return persistence::list_refund_dead_letter_rows(txn, query);
        });
    },
    [=](const load_refund_dead_letter& query) {
      return transact<refund_dead_letter_lookup>(
        self, "load dead letter", [&](pqxx::work& txn) {
          return persistence::load_refund_dead_letter_row(
            txn, query.refund_id.value);
        });
    },
    [=](const requeue_refund_dead_letter& cmd) {
      return transact<refund_dead_letter_reply>(
        self, "requeue", [&](pqxx::work& txn) {
          return persistence::requeue_refund_dead_letter_row(txn, cmd);
        });
    },
    [=](const close_refund_dead_letter& cmd) {
      return transact<refund_dead_letter_reply>(
        self, "resolve", [&](pqxx::work& txn) {
          return persistence::close_refund_dead_letter_row(txn, cmd);
        });
    },
  };
}

}  // namespace

refund_store_actor spawn_refund_store(caf::actor_system& sys,
                                      std::string database_url) {
  return sys.spawn<caf::detached>(refund_store_behavior,
                                  std::move(database_url));
}

}  // namespace pay
