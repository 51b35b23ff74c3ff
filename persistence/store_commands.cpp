#include "persistence/store_commands.hpp"

#include <optional>
#include <stdexcept>

#include "persistence/migrations.hpp"
#include "persistence/pg_array.hpp"
#include "persistence/sql.hpp"

namespace pay::persistence {

namespace {

domain::order_status status_from(const pqxx::field& field);

order_view to_order_view(const pqxx::row& row) {
  order_view v;
  v.id.value = row[0].as<std::string>();
  v.checkout.value = row[1].as<std::string>();
  v.seller.value = row[2].as<std::string>();
  v.amount_minor = row[3].as<std::int64_t>();
  v.currency = row[4].as<std::string>();
  v.status = status_from(row[5]);
  v.version = row[6].as<std::int32_t>();
  v.attempts = row[7].as<std::int32_t>();
  v.psp_reference = row[8].as<std::string>();
  v.failure_code = row[9].as<std::string>();
  v.failure_message = row[10].as<std::string>();
  v.wallet_updated = row[11].as<bool>();
  v.ledger_updated = row[12].as<bool>();
  v.created_at = row[13].as<std::string>();
  v.updated_at = row[14].as<std::string>();
  v.psp_attempts = row[15].as<std::int32_t>();
  v.maybe_charged = row[16].as<bool>();
  v.first_attempt_age_ms = row[17].as<std::int64_t>();
  v.parked = row[18].as<bool>();
  v.psp_session_id = row[19].as<std::string>();
  v.redirect_url = row[20].as<std::string>();
  return v;
}

domain::order_status status_from(const pqxx::field& field) {
  auto status = domain::order_status_from_db(field.as<std::string>());
  if (!status)
    throw std::logic_error("unknown order status in database: "
                           + field.as<std::string>());
  return *status;
}

dead_letter_view to_dead_letter(const pqxx::row& row) {
  dead_letter_view v;
  v.id.value = row[0].as<std::string>();
  v.checkout.value = row[1].as<std::string>();
  v.reason = row[2].as<std::string>();
  v.last_error = row[3].as<std::string>();
  v.attempts = row[4].as<std::int32_t>();
  v.status = row[5].as<std::string>();
  v.resolution = row[6].as<std::string>();
  v.first_seen_at = row[7].as<std::string>();
  v.last_seen_at = row[8].as<std::string>();
  v.order_status = status_from(row[9]);
  v.maybe_charged = row[10].as<bool>();
  return v;
}

void add_history(pqxx::work& txn, const std::string& id,
                 domain::order_status from, domain::order_status to,
                 const std::string& event, const std::string& outcome,
                 const std::string& error, const std::string& correlation_id) {
  txn.exec_prepared0(sql::insert_history.name, id,
                     std::string{domain::to_db_string(from)},
                     std::string{domain::to_db_string(to)}, event, outcome,
                     error, correlation_id);
}

// The dead letter, locked for the operator's change; nullopt if none.
std::optional<dead_letter_view> lock_dead_letter(pqxx::work& txn,
                                                 const std::string& id) {
  auto rows = txn.exec_prepared(sql::load_dead_letter.name, id);
  if (rows.empty())
    return std::nullopt;
  return to_dead_letter(rows[0]);
}

checkout_lookup lookup_checkout(pqxx::work& txn, const domain::checkout_id& id) {
  checkout_lookup out;
  auto event = txn.exec_prepared(sql::load_event.name, id.value);
  if (event.empty())
    return out;
  out.found = true;
  out.view.id = id;
  out.view.is_payment_done = event[0][0].as<bool>();
  out.psp_token = event[0][1].as<std::string>();
  out.view.created_at = event[0][2].as<std::string>();
  out.view.return_url = event[0][3].as<std::string>();
  out.view.risk_verdict = event[0][4].as<std::string>();
  out.view.risk_rules_json = event[0][5].as<std::string>();
  out.view.review_status = event[0][6].as<std::string>();
  for (const auto& row :
       txn.exec_prepared(sql::load_orders_of_checkout.name, id.value))
    out.view.orders.push_back(to_order_view(row));
  return out;
}

}  // namespace

void prepare_statements(pqxx::connection& conn) {
  for (const auto& s : sql::prepared_statements)
    conn.prepare(s.name, s.text);
}

insert_checkout_reply execute(pqxx::work& txn, const insert_checkout& cmd) {
  const auto& c = cmd.checkout;
  insert_checkout_reply out;
  auto existing = txn.exec_prepared(sql::find_event_hash.name, c.id.value);
  if (!existing.empty()) {
    out.outcome = existing[0][0].as<std::string>() == c.request_hash
                    ? insert_outcome::duplicate_same_body
                    : insert_outcome::checkout_id_conflict;
    out.view = lookup_checkout(txn, c.id).view;
    return out;
  }
  std::vector<std::string> ids, sellers, currencies;
  std::vector<std::int64_t> amounts;
  for (const auto& o : c.orders) {
    ids.push_back(o.id.value);
    sellers.push_back(o.seller.value);
    amounts.push_back(o.amount_minor);
    currencies.push_back(o.currency);
  }
  auto ids_array = to_pg_array(ids);
  auto taken = txn.exec_prepared(sql::find_orders_by_ids.name, ids_array);
  if (!taken.empty()) {
    out.outcome = insert_outcome::order_id_conflict;
    out.conflicting_order_id = taken[0][0].as<std::string>();
    return out;
  }
  txn.exec_prepared0(sql::insert_event.name, c.id.value, c.buyer_info_json,
                     c.psp_token, c.request_hash, c.return_url);
  txn.exec_prepared0(sql::insert_orders.name, c.id.value, ids_array,
                     to_pg_array(sellers), to_pg_array(amounts),
                     to_pg_array(currencies));
  out.outcome = insert_outcome::created;
  out.view = lookup_checkout(txn, c.id).view;
  return out;
}

transition_reply execute(pqxx::work& txn, const transition_order& cmd) {
  transition_reply out;
  auto rows = txn.exec_prepared(
    sql::transition_order.name, cmd.id.value,
    std::string{domain::to_db_string(cmd.from)},
    std::string{domain::to_db_string(cmd.to)}, cmd.expected_version,
    cmd.count_attempt ? 1 : 0, cmd.psp_reference, cmd.failure_code,
    cmd.failure_message, cmd.psp_session_id, cmd.redirect_url);
  if (!rows.empty()) {
    out.applied = true;
    out.current = to_order_view(rows[0]);
    add_history(txn, cmd.id.value, cmd.from, cmd.to, cmd.event, {},
                cmd.failure_code, cmd.correlation_id);
    return out;
  }
  auto now = txn.exec_prepared(sql::load_order.name, cmd.id.value);
  if (now.empty())
    throw std::logic_error("transition of unknown order " + cmd.id.value);
  out.current = to_order_view(now[0]);
  return out;
}

step_reply execute(pqxx::work& txn, const credit_wallet_cmd& cmd) {
  auto rows = txn.exec_prepared(sql::credit_wallet.name, cmd.id.value,
                                cmd.seller.value, cmd.currency,
                                cmd.amount_minor);
  return step_reply{!rows.empty()};
}

step_reply execute(pqxx::work& txn, const write_ledger_cmd& cmd) {
  std::vector<std::string> accounts, currencies;
  std::vector<std::int64_t> amounts;
  for (const auto& p : cmd.postings) {
    accounts.push_back(p.account);
    currencies.push_back(p.currency);
    amounts.push_back(p.amount_minor);
  }
  auto rows = txn.exec_prepared(sql::write_ledger.name, std::string{"payin"},
                                cmd.id.value, to_pg_array(accounts),
                                to_pg_array(currencies), to_pg_array(amounts));
  return step_reply{!rows.empty()};
}

step_reply execute(pqxx::work& txn, const mark_checkout_done& cmd) {
  auto rows = txn.exec_prepared(sql::mark_checkout_done.name, cmd.id.value);
  return step_reply{rows.affected_rows() > 0};
}

checkout_lookup execute(pqxx::work& txn, const load_checkout& cmd) {
  return lookup_checkout(txn, cmd.id);
}

order_lookup execute(pqxx::work& txn, const load_order& cmd) {
  order_lookup out;
  auto rows = txn.exec_prepared(sql::load_order.name, cmd.id.value);
  if (rows.empty())
    return out;
  out.found = true;
  out.view = to_order_view(rows[0]);
  return out;
}

unfinished_checkouts execute(pqxx::work& txn,
                             const load_unfinished_checkouts& cmd) {
  unfinished_checkouts out;
  for (const auto& row : txn.exec_prepared(
         sql::load_unfinished_checkouts.name,
         static_cast<std::int64_t>(cmd.limit)))
    out.ids.push_back(domain::checkout_id{row[0].as<std::string>()});
  return out;
}

step_reply execute(pqxx::work& txn, const record_attempt& cmd) {
  auto rows = txn.exec_prepared(sql::record_attempt.name, cmd.id.value,
                                static_cast<std::int64_t>(cmd.next_attempt_in_ms),
                                cmd.maybe_charged, cmd.psp_reference);
  if (rows.empty())
    return step_reply{false};
  add_history(txn, cmd.id.value, domain::order_status::executing,
              domain::order_status::executing, "psp_attempt", cmd.outcome,
              cmd.error, cmd.correlation_id);
  return step_reply{true};
}

step_reply execute(pqxx::work& txn, const escalate_order& cmd) {
  auto order = txn.exec_prepared(sql::load_order.name, cmd.id.value);
  if (order.empty())
    throw std::logic_error("escalation of unknown order " + cmd.id.value);
  auto status = to_order_view(order[0]).status;
  txn.exec_prepared0(sql::escalate_order.name, cmd.id.value, cmd.reason,
                     cmd.last_error, cmd.attempts);
  add_history(txn, cmd.id.value, status, status, "dead_lettered", cmd.reason,
              cmd.last_error, cmd.correlation_id);
  return step_reply{true};
}

dead_letters execute(pqxx::work& txn, const list_dead_letters& cmd) {
  dead_letters out;
  for (const auto& row : txn.exec_prepared(sql::list_dead_letters.name,
                                           cmd.status,
                                           static_cast<std::int64_t>(cmd.limit)))
    out.entries.push_back(to_dead_letter(row));
  return out;
}

namespace {

// Locks the dead letter for an operator's change. False, with `out` saying
// why, when there is none or it is no longer open.
bool lock_open_dead_letter(pqxx::work& txn, const std::string& id,
                           operator_reply& out) {
  auto entry = lock_dead_letter(txn, id);
  if (!entry) {
    out.outcome = operator_outcome::not_found;
    return false;
  }
  out.entry = *entry;
  if (entry->status != "open") {
    out.outcome = operator_outcome::not_open;
    return false;
  }
  return true;
}

}  // namespace

operator_reply execute(pqxx::work& txn, const requeue_dead_letter& cmd) {
  operator_reply out;
  if (!lock_open_dead_letter(txn, cmd.id.value, out))
    return out;
  const auto& entry = out.entry;
  txn.exec_prepared0(sql::requeue_dead_letter.name, cmd.id.value);
  add_history(txn, cmd.id.value, entry.order_status, entry.order_status,
              "requeued", {}, {}, "operator");
  out.outcome = operator_outcome::applied;
  out.entry.status = "requeued";
  return out;
}

operator_reply execute(pqxx::work& txn, const resolve_dead_letter& cmd) {
  operator_reply out;
  if (!lock_open_dead_letter(txn, cmd.id.value, out))
    return out;
  auto moved = txn.exec_prepared(sql::resolve_order_failed.name, cmd.id.value,
                                 cmd.reason);
  if (!moved.empty())
    add_history(txn, cmd.id.value, out.entry.order_status,
                domain::order_status::failed, "operator_failed",
                "operator_resolved", cmd.reason, "operator");
  txn.exec_prepared0(sql::close_dead_letter.name, cmd.id.value, cmd.reason);
  out.outcome = operator_outcome::applied;
  out.entry.status = "resolved";
  out.entry.resolution = cmd.reason;
  if (!moved.empty())
    out.entry.order_status = domain::order_status::failed;
  return out;
}

stuck_orders execute(pqxx::work& txn, const find_stuck_orders& cmd) {
  stuck_orders out;
  for (const auto& row : txn.exec_prepared(
         sql::find_stuck_orders.name,
         static_cast<std::int64_t>(cmd.stuck_after_ms),
         static_cast<std::int64_t>(cmd.limit)))
    out.orders.push_back(to_order_view(row));
  return out;
}

idempotency_claim execute(pqxx::work& txn, const claim_idempotency_key& cmd) {
  idempotency_claim out;
  auto inserted = txn.exec_prepared(sql::claim_idempotency_key.name, cmd.key,
                                    cmd.request_hash, cmd.checkout.value);
  if (!inserted.empty())
    return out;
  auto row = txn.exec_prepared1(sql::load_idempotency_key.name, cmd.key);
  if (row[0].as<std::string>() != cmd.request_hash) {
    out.outcome = claim_outcome::mismatch;
    return out;
  }
  out.status = static_cast<std::uint16_t>(row[1].as<int>());
  out.body = row[2].as<std::string>();
  out.outcome = out.status == 0 ? claim_outcome::pending : claim_outcome::replay;
  return out;
}

step_reply execute(pqxx::work& txn, const save_idempotent_response& cmd) {
  auto rows = txn.exec_prepared(sql::save_idempotent_response.name, cmd.key,
                                static_cast<int>(cmd.status), cmd.body);
  return step_reply{rows.affected_rows() > 0};
}

ready_reply execute(pqxx::work& txn, const check_ready&) {
  auto row = txn.exec1(sql::schema_version);
  int version = row[0].is_null() ? 0 : row[0].as<int>();
  if (version < latest_migration_version())
    return ready_reply{false, "schema at version " + std::to_string(version)
                                + ", expected "
                                + std::to_string(latest_migration_version())};
  return ready_reply{true, "ok"};
}

order_record execute(pqxx::work& txn, const load_order_record& cmd) {
  order_record out;
  auto rows = txn.exec_prepared(sql::load_order.name, cmd.id.value);
  if (rows.empty())
    return out;
  out.found = true;
  out.view = to_order_view(rows[0]);
  for (const auto& row :
       txn.exec_prepared(sql::load_order_history.name, cmd.id.value)) {
    history_entry h;
    h.seq = row[0].as<std::int64_t>();
    h.at = row[1].as<std::string>();
    h.from = status_from(row[2]);
    h.to = status_from(row[3]);
    h.event = row[4].as<std::string>();
    h.attempt = row[5].as<std::int32_t>();
    h.outcome = row[6].as<std::string>();
    h.error = row[7].as<std::string>();
    h.correlation_id = row[8].as<std::string>();
    out.history.push_back(std::move(h));
  }
  return out;
}

order_page execute(pqxx::work& txn, const list_orders& cmd) {
  std::vector<std::string> statuses;
  if (cmd.statuses.empty())
    for (auto s : domain::all_order_statuses)
      statuses.emplace_back(domain::to_db_string(s));
  for (auto s : cmd.statuses)
    statuses.emplace_back(domain::to_db_string(s));
  // One row more than asked tells whether another page follows.
  auto rows = txn.exec_prepared(
    sql::list_orders.name, to_pg_array(statuses), cmd.older_than_s,
    cmd.after_updated_us, cmd.after_id,
    static_cast<std::int64_t>(cmd.limit) + 1);
  order_page out;
  for (const auto& row : rows) {
    if (out.orders.size() == cmd.limit) {
      out.has_more = true;
      break;
    }
    out.orders.push_back(to_order_view(row));
    out.last_updated_us = row[21].as<std::int64_t>();
  }
  return out;
}

std::int64_t execute(pqxx::work& txn, const count_open_dead_letters&) {
  return txn.exec_prepared1(sql::count_open_dead_letters.name)[0]
    .as<std::int64_t>();
}

bool execute(pqxx::work& txn, const record_webhook_event& cmd) {
  return !txn.exec_prepared(sql::record_webhook_event.name, cmd.event_id,
                            cmd.type, cmd.payment_order_id)
            .empty();
}

namespace {

// Moves every order of the checkout in `from` to `to`, each with a history
// row, as one event.
void move_orders(pqxx::work& txn, const domain::checkout_id& id,
                 domain::order_status from, domain::order_status to,
                 domain::order_event event, const std::string& failure_code,
                 const std::string& failure_message,
                 const std::string& correlation_id) {
  auto moved = txn.exec_prepared(
    sql::move_checkout_orders.name, id.value,
    std::string{domain::to_db_string(to)}, failure_code, failure_message,
    std::string{domain::to_db_string(from)});
  for (const auto& row : moved)
    add_history(txn, row[0].as<std::string>(), from, to,
                std::string{domain::to_string(event)}, {}, failure_code,
                correlation_id);
}

}  // namespace

risk_inputs execute(pqxx::work& txn, const load_risk_inputs& cmd) {
  risk_inputs out;
  auto rows = txn.exec_prepared(sql::load_risk_inputs.name, cmd.id.value,
                                static_cast<std::int64_t>(cmd.window_s),
                                static_cast<std::int64_t>(cmd.count_cap));
  if (rows.empty())
    return out;
  out.found = true;
  out.buyer_info_json = rows[0][0].as<std::string>();
  out.recent_checkouts = rows[0][1].as<std::uint32_t>();
  return out;
}

checkout_lookup execute(pqxx::work& txn, const record_risk_decision& cmd) {
  auto recorded = txn.exec_prepared(sql::record_risk_decision.name,
                                    cmd.id.value, cmd.verdict, cmd.rules_json);
  if (!recorded.empty() && cmd.verdict == "block")
    move_orders(txn, cmd.id, domain::order_status::not_started,
                domain::order_status::failed,
                domain::order_event::risk_blocked, "risk_blocked",
                "Refused by our risk checks.", cmd.correlation_id);
  if (!recorded.empty() && cmd.verdict == "review")
    move_orders(txn, cmd.id, domain::order_status::not_started,
                domain::order_status::review, domain::order_event::risk_review,
                {}, {}, cmd.correlation_id);
  return lookup_checkout(txn, cmd.id);
}

reviews execute(pqxx::work& txn, const list_reviews& cmd) {
  reviews out;
  for (const auto& row : txn.exec_prepared(sql::list_open_reviews.name,
                                           static_cast<std::int64_t>(cmd.limit)))
    out.checkouts.push_back(
      lookup_checkout(txn, domain::checkout_id{row[0].as<std::string>()}).view);
  return out;
}

review_reply execute(pqxx::work& txn, const decide_review& cmd) {
  review_reply out;
  auto decided = txn.exec_prepared(sql::decide_review.name, cmd.id.value,
                                   cmd.approve ? "approved" : "rejected",
                                   cmd.reason);
  auto found = lookup_checkout(txn, cmd.id);
  if (decided.empty()) {
    out.outcome = found.found ? operator_outcome::not_open
                              : operator_outcome::not_found;
    out.checkout = found.view;
    return out;
  }
  if (cmd.approve)
    move_orders(txn, cmd.id, domain::order_status::review,
                domain::order_status::not_started,
                domain::order_event::review_approved, {}, {}, "operator");
  else
    move_orders(txn, cmd.id, domain::order_status::review,
                domain::order_status::failed,
                domain::order_event::review_rejected, "risk_rejected",
                cmd.reason, "operator");
  out.checkout = lookup_checkout(txn, cmd.id).view;
  return out;
}

}  // namespace pay::persistence
