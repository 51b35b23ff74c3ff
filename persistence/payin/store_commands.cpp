#include "persistence/payin/store_commands.hpp"
#include "persistence/common/status_column.hpp"

#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "domain/common/assert.hpp"
#include "persistence/cluster/cluster_sql.hpp"
#include "persistence/common/migrations.hpp"
#include "persistence/common/pg_array.hpp"
#include "persistence/common/statements.hpp"
#include "persistence/ledger/ledger_sql.hpp"
#include "persistence/ledger/statements.hpp"
#include "persistence/payin/sql.hpp"

namespace pay::persistence {

namespace {

domain::order_status status_from(const pqxx::field& field);

// How many columns PAY_ORDER_COLUMNS has: a statement's own columns after
// them start here.
constexpr pqxx::row::size_type order_columns = 27;

// The PAY_ORDER_COLUMNS of `row`, starting at column `first`.
order_view to_order_view(const pqxx::row& row, std::size_t first = 0) {
  PAY_ASSERT(row.size() >= first + order_columns);
  auto col = [&](std::size_t i) {
    return row[static_cast<pqxx::row::size_type>(first + i)];
  };
  order_view v;
  v.id.value = col(0).as<std::string>();
  v.checkout.value = col(1).as<std::string>();
  v.seller.value = col(2).as<std::string>();
  v.amount_minor = col(3).as<std::int64_t>();
  v.currency = col(4).as<std::string>();
  v.status = status_from(col(5));
  v.version = col(6).as<std::int32_t>();
  v.attempts = col(7).as<std::int32_t>();
  v.psp_reference = col(8).as<std::string>();
  v.failure_code = col(9).as<std::string>();
  v.failure_message = col(10).as<std::string>();
  v.wallet_updated = col(11).as<bool>();
  v.ledger_updated = col(12).as<bool>();
  v.created_at = col(13).as<std::string>();
  v.updated_at = col(14).as<std::string>();
  v.psp_attempts = col(15).as<std::int32_t>();
  v.maybe_charged = col(16).as<bool>();
  v.first_attempt_age_ms = col(17).as<std::int64_t>();
  v.parked = col(18).as<bool>();
  v.psp_session_id = col(19).as<std::string>();
  v.redirect_url = col(20).as<std::string>();
  v.pending_polls = col(21).as<std::int32_t>();
  v.next_poll_at = col(22).as<std::string>();
  v.authorized_minor = col(23).as<std::int64_t>();
  v.card_assessment_json = col(24).as<std::string>();
  v.authorization_expires_at = col(25).as<std::string>();
  v.authorization_expired = col(26).as<bool>();
  return v;
}

domain::order_status status_from(const pqxx::field& field) {
  return status_column(field, domain::parse_order_status);
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
  txn.exec_prepared0(sql::payin::insert_history.name, id,
                     std::string{domain::to_db_string(from)},
                     std::string{domain::to_db_string(to)}, event, outcome,
                     error, correlation_id);
}

// The dead letter, locked for the operator's change; nullopt if none.
std::optional<dead_letter_view> lock_dead_letter(pqxx::work& txn,
                                                 const std::string& id) {
  auto rows = txn.exec_prepared(sql::payin::load_dead_letter.name, id);
  if (rows.empty()) return std::nullopt;
  return to_dead_letter(rows[0]);
}

checkout_lookup lookup_checkout(pqxx::work& txn,
                                const domain::checkout_id& id) {
  checkout_lookup out;
  auto event = txn.exec_prepared(sql::payin::load_event.name, id.value);
  if (event.empty()) return out;
  out.found = true;
  out.view.id = id;
  out.view.is_payment_done = event[0][0].as<bool>();
  out.psp_token = event[0][1].as<std::string>();
  out.view.created_at = event[0][2].as<std::string>();
  out.view.return_url = event[0][3].as<std::string>();
  out.view.hosted = out.psp_token.empty();
  out.view.risk_verdict = event[0][4].as<std::string>();
  out.view.risk_rules_json = event[0][5].as<std::string>();
  out.view.review_status = event[0][6].as<std::string>();
  out.view.capture_method = event[0][7].as<std::string>();
  for (const auto& row :
       txn.exec_prepared(sql::payin::load_orders_of_checkout.name, id.value))
    out.view.orders.push_back(to_order_view(row));
  return out;
}

}  // namespace

void prepare_session(pqxx::connection& conn) {
  pqxx::nontransaction setup{conn};
  setup.exec0(sql::payin::store_session_settings);
  setup.commit();
  for (const auto& s : sql::payin::prepared_statements)
    conn.prepare(s.name, s.text);
  for (const auto& s : sql::ledger::prepared_statements)
    conn.prepare(s.name, s.text);
}

namespace {

// The checkout_id exists already: the same request again, or another one.
insert_checkout_reply existing_checkout(pqxx::work& txn,
                                        const new_checkout& c) {
  insert_checkout_reply out;
  auto existing = txn.exec_prepared1(sql::payin::find_event_hash.name,
                                     c.id.value);
  out.outcome = existing[0].as<std::string>() == c.request_hash
                  ? insert_outcome::duplicate_same_body
                  : insert_outcome::checkout_id_conflict;
  out.view = lookup_checkout(txn, c.id).view;
  return out;
}

// An order id of checkout `c` belongs to another checkout: this
// transaction's insert of `c` is taken back, and the first such id named.
insert_checkout_reply order_conflict(pqxx::work& txn, const new_checkout& c,
                                     const checkout_view& inserted) {
  txn.exec_prepared0(sql::payin::undo_checkout_insert.name, c.id.value);
  insert_checkout_reply out;
  out.outcome = insert_outcome::order_id_conflict;
  for (std::size_t i = 0; i < c.orders.size(); ++i)
    if (inserted.orders[i].id != c.orders[i].id) {
      out.conflicting_order_id = c.orders[i].id.value;
      break;
    }
  return out;
}

}  // namespace

std::vector<insert_checkout_reply> execute_batch(
  pqxx::work& txn, const std::vector<insert_checkout>& cmds) {
  std::vector<std::string> ids, buyers, tokens, hashes, return_urls, verdicts,
    rules, captures, order_checkouts, order_ids, sellers, currencies, statuses,
    correlation_ids;
  std::vector<std::int64_t> line_nos, amounts;
  std::unordered_map<std::string, std::size_t> index_of;
  std::unordered_set<std::string> order_ids_seen;
  for (const auto& cmd : cmds) {
    const auto& c = cmd.checkout;
    // Only an allowed checkout may go to the PSP without a risk check.
    PAY_ASSERT(!cmd.start_executing || cmd.risk_verdict == "allow");
    // One statement sees one snapshot: a checkout or order id twice in it
    // would conflict with itself. The store then runs them one by one.
    if (!index_of.emplace(c.id.value, ids.size()).second)
      throw std::logic_error("checkout " + c.id.value + " twice in a batch");
    ids.push_back(c.id.value);
    buyers.push_back(c.buyer_info_json);
    tokens.push_back(c.psp_token);
    hashes.push_back(c.request_hash);
    return_urls.push_back(c.return_url);
    verdicts.push_back(cmd.risk_verdict);
    rules.push_back(cmd.risk_rules_json);
    captures.emplace_back(c.capture_on_fulfillment ? "on_fulfillment"
                                                   : "immediate");
    for (std::size_t i = 0; i < c.orders.size(); ++i) {
      const auto& o = c.orders[i];
      if (!order_ids_seen.insert(o.id.value).second)
        throw std::logic_error("order " + o.id.value + " twice in a batch");
      order_checkouts.push_back(c.id.value);
      order_ids.push_back(o.id.value);
      line_nos.push_back(static_cast<std::int64_t>(i));
      sellers.push_back(o.seller.value);
      amounts.push_back(o.amount_minor);
      currencies.push_back(o.currency);
      statuses.emplace_back(domain::to_db_string(
        cmd.start_executing ? domain::order_status::executing
                            : domain::order_status::not_started));
      correlation_ids.push_back(cmd.correlation_id);
    }
  }
  auto rows = txn.exec_prepared(
    sql::payin::insert_checkouts.name, to_pg_array(ids), to_pg_array(buyers),
    to_pg_array(tokens), to_pg_array(hashes), to_pg_array(return_urls),
    to_pg_array(verdicts), to_pg_array(rules), to_pg_array(order_checkouts),
    to_pg_array(order_ids), to_pg_array(line_nos), to_pg_array(sellers),
    to_pg_array(amounts), to_pg_array(currencies), to_pg_array(statuses),
    to_pg_array(correlation_ids), to_pg_array(captures));
  std::vector<insert_checkout_reply> out(cmds.size());
  std::vector<bool> stored(cmds.size(), false);
  std::vector<std::size_t> orders_stored(cmds.size(), 0);
  for (auto& reply : out) reply.outcome = insert_outcome::created;
  for (std::size_t i = 0; i < cmds.size(); ++i)
    out[i].view.orders.resize(cmds[i].checkout.orders.size());
  constexpr pqxx::row::size_type order_offset = 3;  // event, created, rules
  for (const auto& row : rows) {
    auto i = index_of.at(row[0].as<std::string>());
    auto& view = out[i].view;
    stored[i] = true;
    view.created_at = row[1].as<std::string>();
    view.risk_rules_json = row[2].as<std::string>();  // as jsonb prints it
    if (row[order_offset].is_null())
      continue;  // the event alone: none of its orders was inserted
    // RETURNING keeps no order: line_no puts each row where it was asked.
    auto line_no = row[order_offset + order_columns].as<std::size_t>();
    PAY_ASSERT(line_no < view.orders.size());
    view.orders[line_no] = to_order_view(row, order_offset);
    ++orders_stored[i];
  }
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    const auto& c = cmds[i].checkout;
    if (!stored[i]) {
      out[i] = existing_checkout(txn, c);
      continue;
    }
    if (orders_stored[i] < c.orders.size()) {
      out[i] = order_conflict(txn, c, out[i].view);
      continue;
    }
    out[i].view.id = c.id;
    out[i].view.return_url = c.return_url;
    out[i].view.hosted = c.psp_token.empty();
    out[i].view.risk_verdict = cmds[i].risk_verdict;
    out[i].view.capture_method = captures[i];
  }
  return out;
}

std::vector<transition_reply> execute_batch(
  pqxx::work& txn, const std::vector<transition_order>& cmds) {
  std::vector<std::string> ids, from, to, psp_references, failure_codes,
    failure_messages, session_ids, redirect_urls, events, correlation_ids;
  std::vector<std::string> assessments;
  std::vector<std::int64_t> versions, attempts_add, authorized, hold_ms;
  payin_postings_batch postings;
  std::unordered_map<std::string, std::size_t> index_of;
  for (const auto& cmd : cmds) {
    // Two moves of one order in one statement would see the same snapshot;
    // the store then runs them one by one instead.
    if (!index_of.emplace(cmd.id.value, ids.size()).second)
      throw std::logic_error("two transitions of order " + cmd.id.value
                             + " in one batch");
    // A move to SUCCESS carries its balanced pay-in postings; no other does.
    PAY_ASSERT((cmd.to == domain::order_status::success)
               == domain::is_balanced(cmd.payin_postings));
    ids.push_back(cmd.id.value);
    from.emplace_back(domain::to_db_string(cmd.from));
    to.emplace_back(domain::to_db_string(cmd.to));
    versions.push_back(cmd.expected_version);
    attempts_add.push_back(cmd.count_attempt ? 1 : 0);
    psp_references.push_back(cmd.psp_reference);
    failure_codes.push_back(cmd.failure_code);
    failure_messages.push_back(cmd.failure_message);
    session_ids.push_back(cmd.psp_session_id);
    redirect_urls.push_back(cmd.redirect_url);
    events.push_back(cmd.event);
    correlation_ids.push_back(cmd.correlation_id);
    assessments.push_back(cmd.card_assessment_json);
    authorized.push_back(cmd.authorized_minor);
    hold_ms.push_back(cmd.hold_ms);
    postings.add(cmd.id.value, cmd.payin_postings);
  }
  std::vector<transition_reply> out(cmds.size());
  auto ids_array = to_pg_array(ids);
  // The batch's bookings ride in the same statement (ledger's CTEs).
  auto booking = postings.to_arrays();
  auto moved = txn.exec_prepared(
    sql::payin::transition_orders.name, ids_array, to_pg_array(from),
    to_pg_array(to), to_pg_array(versions), to_pg_array(attempts_add),
    to_pg_array(psp_references), to_pg_array(failure_codes),
    to_pg_array(failure_messages), to_pg_array(session_ids),
    to_pg_array(redirect_urls), to_pg_array(events),
    to_pg_array(correlation_ids), booking.references, booking.accounts,
    booking.currencies, booking.amounts, to_pg_array(assessments),
    to_pg_array(authorized), to_pg_array(hold_ms));
  for (const auto& row : moved) {
    auto& reply = out[index_of.at(row[0].as<std::string>())];
    reply.applied = true;
    reply.current = to_order_view(row);
    reply.checkout_done = row[order_columns].as<bool>();
  }
  if (moved.size() == cmds.size()) return out;
  // Some rows were not where their actor believed: answer with the truth.
  std::size_t found = 0;
  for (const auto& row :
       txn.exec_prepared(sql::payin::load_orders.name, ids_array)) {
    auto& reply = out[index_of.at(row[0].as<std::string>())];
    ++found;
    if (!reply.applied) reply.current = to_order_view(row);
  }
  if (found != cmds.size())
    throw std::logic_error("transition of an unknown order");
  return out;
}

step_reply execute(pqxx::work& txn, const credit_wallet_cmd& cmd) {
  return step_reply{credit_payin_wallet(txn, cmd.id.value, cmd.seller.value,
                                        cmd.currency, cmd.amount_minor)};
}

step_reply execute(pqxx::work& txn, const write_ledger_cmd& cmd) {
  return step_reply{write_payin_ledger(txn, cmd.id.value, cmd.postings)};
}

namespace {

// One reply per command, in order: whether a set-based statement that
// returns the ids it changed (first column) changed the command's.
template <class Cmd>
std::vector<step_reply> changed_ids(const pqxx::result& rows,
                                    const std::vector<Cmd>& cmds) {
  std::unordered_set<std::string> changed;
  for (const auto& row : rows) changed.insert(row[0].as<std::string>());
  std::vector<step_reply> out;
  out.reserve(cmds.size());
  for (const auto& cmd : cmds)
    out.push_back(step_reply{changed.count(cmd.id.value) > 0});
  return out;
}

}  // namespace

std::vector<step_reply> execute_batch(
  pqxx::work& txn, const std::vector<mark_checkout_done>& cmds) {
  std::vector<std::string> ids;
  ids.reserve(cmds.size());
  for (const auto& cmd : cmds) ids.push_back(cmd.id.value);
  return changed_ids(txn.exec_prepared(sql::payin::mark_checkouts_done.name,
                                       to_pg_array(ids)),
                     cmds);
}

checkout_lookup execute(pqxx::work& txn, const load_checkout& cmd) {
  return lookup_checkout(txn, cmd.id);
}

order_lookup execute(pqxx::work& txn, const load_order& cmd) {
  order_lookup out;
  auto rows = txn.exec_prepared(sql::payin::load_order.name, cmd.id.value);
  if (rows.empty()) return out;
  out.found = true;
  out.view = to_order_view(rows[0]);
  return out;
}

unfinished_checkouts execute(pqxx::work& txn,
                             const load_unfinished_checkouts& cmd) {
  unfinished_checkouts out;
  for (const auto& row :
       txn.exec_prepared(sql::payin::load_unfinished_checkouts.name,
                         static_cast<std::int64_t>(cmd.limit)))
    out.ids.push_back(domain::checkout_id{row[0].as<std::string>()});
  return out;
}

step_reply execute(pqxx::work& txn, const record_attempt& cmd) {
  auto rows = txn.exec_prepared(sql::payin::record_attempt.name, cmd.id.value,
                                static_cast<std::int64_t>(
                                  cmd.next_attempt_in_ms),
                                cmd.maybe_charged, cmd.psp_reference);
  if (rows.empty()) return step_reply{false};
  add_history(txn, cmd.id.value, domain::order_status::executing,
              domain::order_status::executing, "psp_attempt", cmd.outcome,
              cmd.error, cmd.correlation_id);
  return step_reply{true};
}

std::vector<step_reply> execute_batch(
  pqxx::work& txn, const std::vector<passivate_order>& cmds) {
  std::vector<std::string> ids;
  std::vector<std::int64_t> wake_ms;
  std::vector<std::int64_t> polls;
  for (const auto& cmd : cmds) {
    PAY_ASSERT(cmd.wake_in_ms > 0 && cmd.pending_polls >= 0);
    ids.push_back(cmd.id.value);
    wake_ms.push_back(cmd.wake_in_ms);
    polls.push_back(cmd.pending_polls);
  }
  return changed_ids(txn.exec_prepared(sql::payin::passivate_orders.name,
                                       to_pg_array(ids), to_pg_array(wake_ms),
                                       to_pg_array(polls)),
                     cmds);
}

due_polls execute(pqxx::work& txn, const claim_due_polls& cmd) {
  due_polls out;
  std::unordered_set<std::string> seen;
  for (const auto& row :
       txn.exec_prepared(sql::payin::claim_due_polls.name,
                         static_cast<std::int64_t>(cmd.limit))) {
    ++out.orders;
    auto id = row[0].as<std::string>();
    if (seen.insert(id).second)
      out.checkouts.push_back(domain::checkout_id{std::move(id)});
  }
  return out;
}

step_reply execute(pqxx::work& txn, const escalate_order& cmd) {
  auto order = txn.exec_prepared(sql::payin::load_order.name, cmd.id.value);
  if (order.empty())
    throw std::logic_error("escalation of unknown order " + cmd.id.value);
  auto status = to_order_view(order[0]).status;
  txn.exec_prepared0(sql::payin::escalate_order.name, cmd.id.value, cmd.reason,
                     cmd.last_error, cmd.attempts);
  add_history(txn, cmd.id.value, status, status, "dead_lettered", cmd.reason,
              cmd.last_error, cmd.correlation_id);
  return step_reply{true};
}

dead_letters execute(pqxx::work& txn, const list_dead_letters& cmd) {
  dead_letters out;
  // One more than asked: whether another page follows.
  auto rows = txn.exec_prepared(sql::payin::list_dead_letters.name, cmd.status,
                                static_cast<std::int64_t>(cmd.limit) + 1,
                                cmd.after_seen_us, cmd.after_id);
  for (const auto& row : rows) {
    if (out.entries.size() == cmd.limit) {
      out.has_more = true;
      break;
    }
    out.entries.push_back(to_dead_letter(row));
    out.last_seen_us = row[11].as<std::int64_t>();
  }
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
  if (!lock_open_dead_letter(txn, cmd.id.value, out)) return out;
  const auto& entry = out.entry;
  txn.exec_prepared0(sql::payin::requeue_dead_letter.name, cmd.id.value);
  add_history(txn, cmd.id.value, entry.order_status, entry.order_status,
              "requeued", {}, {}, "operator");
  out.outcome = operator_outcome::applied;
  out.entry.status = "requeued";
  return out;
}

operator_reply execute(pqxx::work& txn, const resolve_dead_letter& cmd) {
  operator_reply out;
  if (!lock_open_dead_letter(txn, cmd.id.value, out)) return out;
  auto moved = txn.exec_prepared(sql::payin::resolve_order_failed.name,
                                 cmd.id.value, cmd.reason);
  if (!moved.empty())
    add_history(txn, cmd.id.value, out.entry.order_status,
                domain::order_status::failed, "operator_failed",
                "operator_resolved", cmd.reason, "operator");
  txn.exec_prepared0(sql::payin::close_dead_letter.name, cmd.id.value,
                     cmd.reason);
  out.outcome = operator_outcome::applied;
  out.entry.status = "resolved";
  out.entry.resolution = cmd.reason;
  if (!moved.empty()) out.entry.order_status = domain::order_status::failed;
  return out;
}

stuck_orders execute(pqxx::work& txn, const find_stuck_orders& cmd) {
  stuck_orders out;
  for (const auto& row :
       txn.exec_prepared(sql::payin::find_stuck_orders.name,
                         static_cast<std::int64_t>(cmd.stuck_after_ms),
                         static_cast<std::int64_t>(cmd.limit)))
    out.orders.push_back(to_order_view(row));
  return out;
}

idempotency_claim execute(pqxx::work& txn, const claim_idempotency_key& cmd) {
  idempotency_claim out;
  auto inserted = txn.exec_prepared(sql::payin::claim_idempotency_key.name,
                                    cmd.key, cmd.request_hash,
                                    cmd.checkout.value,
                                    static_cast<std::int64_t>(cmd.ttl_s));
  if (!inserted.empty()) return out;
  auto row = txn.exec_prepared1(sql::payin::load_idempotency_key.name, cmd.key);
  if (row[0].as<std::string>() != cmd.request_hash) {
    out.outcome = claim_outcome::mismatch;
    return out;
  }
  out.status = static_cast<std::uint16_t>(row[1].as<int>());
  out.body = row[2].as<std::string>();
  out.outcome = out.status == 0 ? claim_outcome::pending
                                : claim_outcome::replay;
  return out;
}

step_reply execute(pqxx::work& txn, const save_idempotent_response& cmd) {
  auto rows = txn.exec_prepared(sql::payin::save_idempotent_response.name,
                                cmd.key, static_cast<int>(cmd.status),
                                cmd.body);
  return step_reply{rows.affected_rows() > 0};
}

ready_reply execute(pqxx::work& txn, const check_ready&) {
  auto row = txn.exec1(sql::common::schema_version);
  int version = row[0].is_null() ? 0 : row[0].as<int>();
  if (version < latest_migration_version())
    return ready_reply{false, "schema at version " + std::to_string(version)
                                + ", expected "
                                + std::to_string(latest_migration_version())};
  return ready_reply{true, "ok"};
}

order_record execute(pqxx::work& txn, const load_order_record& cmd) {
  order_record out;
  auto rows = txn.exec_prepared(sql::payin::load_order.name, cmd.id.value);
  if (rows.empty()) return out;
  out.found = true;
  out.view = to_order_view(rows[0]);
  for (const auto& row :
       txn.exec_prepared(sql::payin::load_order_history.name, cmd.id.value)) {
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
  // Empty means every status: the statement always filters with ANY.
  auto statuses = cmd.statuses.empty() ? std::vector<domain::order_status>(
                    std::begin(domain::all_order_statuses),
                    std::end(domain::all_order_statuses))
                                       : cmd.statuses;
  // One row more than asked tells whether another page follows.
  auto rows = txn.exec_prepared(sql::payin::list_orders.name,
                                status_array(statuses), cmd.older_than_s,
                                cmd.after_updated_us, cmd.after_id,
                                static_cast<std::int64_t>(cmd.limit) + 1);
  order_page out;
  for (const auto& row : rows) {
    if (out.orders.size() == cmd.limit) {
      out.has_more = true;
      break;
    }
    out.orders.push_back(to_order_view(row));
    out.last_updated_us = row[order_columns].as<std::int64_t>();
  }
  return out;
}

std::int64_t execute(pqxx::work& txn, const count_open_dead_letters&) {
  return txn.exec_prepared1(sql::payin::count_open_dead_letters.name)[0]
    .as<std::int64_t>();
}

bool execute(pqxx::work& txn, const record_webhook_event& cmd) {
  return !txn
            .exec_prepared(sql::payin::record_webhook_event.name, cmd.event_id,
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
  auto moved = txn.exec_prepared(sql::payin::move_checkout_orders.name,
                                 id.value,
                                 std::string{domain::to_db_string(to)},
                                 failure_code, failure_message,
                                 std::string{domain::to_db_string(from)});
  for (const auto& row : moved)
    add_history(txn, row[0].as<std::string>(), from, to,
                std::string{domain::to_string(event)}, {}, failure_code,
                correlation_id);
}

}  // namespace

risk_inputs execute(pqxx::work& txn, const load_risk_inputs& cmd) {
  risk_inputs out;
  auto rows = txn.exec_prepared(sql::payin::load_risk_inputs.name, cmd.id.value,
                                static_cast<std::int64_t>(cmd.window_s),
                                static_cast<std::int64_t>(cmd.count_cap));
  if (rows.empty()) return out;
  out.found = true;
  out.buyer_info_json = rows[0][0].as<std::string>();
  out.recent_checkouts = rows[0][1].as<std::uint32_t>();
  return out;
}

checkout_lookup execute(pqxx::work& txn, const record_risk_decision& cmd) {
  auto recorded = txn.exec_prepared(sql::payin::record_risk_decision.name,
                                    cmd.id.value, cmd.verdict, cmd.rules_json);
  if (!recorded.empty() && cmd.verdict == "block")
    move_orders(txn, cmd.id, domain::order_status::not_started,
                domain::order_status::failed, domain::order_event::risk_blocked,
                "risk_blocked", "Refused by our risk checks.",
                cmd.correlation_id);
  if (!recorded.empty() && cmd.verdict == "review")
    move_orders(txn, cmd.id, domain::order_status::not_started,
                domain::order_status::review, domain::order_event::risk_review,
                {}, {}, cmd.correlation_id);
  return lookup_checkout(txn, cmd.id);
}

open_checkouts execute(pqxx::work& txn, const count_open_checkouts&) {
  open_checkouts out;
  for (const auto& row :
       txn.exec_prepared(sql::payin::count_open_checkouts.name))
    out.accounts.push_back(account_open_checkouts{row[0].as<std::string>(),
                                                  row[1].as<std::uint32_t>()});
  return out;
}

reviews execute(pqxx::work& txn, const list_reviews& cmd) {
  reviews out;
  auto rows = txn.exec_prepared(sql::payin::list_open_reviews.name,
                                static_cast<std::int64_t>(cmd.limit) + 1,
                                cmd.after_created_us, cmd.after_id);
  for (const auto& row : rows) {
    if (out.checkouts.size() == cmd.limit) {
      out.has_more = true;
      break;
    }
    out.checkouts.push_back(
      lookup_checkout(txn, domain::checkout_id{row[0].as<std::string>()}).view);
    out.last_created_us = row[1].as<std::int64_t>();
  }
  return out;
}

namespace {

// The order's truth after a refused capture or void: which refusal.
settle_reply refused_settle(pqxx::work& txn, const std::string& id,
                            bool state_allows) {
  settle_reply out;
  auto rows = txn.exec_prepared(sql::payin::load_order.name, id);
  if (rows.empty()) return out;
  out.order = to_order_view(rows[0]);
  out.outcome = state_allows ? settle_outcome::amount_too_large
                             : settle_outcome::wrong_state;
  return out;
}

}  // namespace

settle_reply execute(pqxx::work& txn, const request_capture& cmd) {
  auto rows = txn.exec_prepared(sql::payin::request_capture.name, cmd.id.value,
                                cmd.amount_minor);
  if (rows.empty()) {
    auto out = refused_settle(txn, cmd.id.value, true);
    if (out.outcome == settle_outcome::amount_too_large
        && out.order.status != domain::order_status::authorized)
      out.outcome = settle_outcome::wrong_state;
    return out;
  }
  settle_reply out{settle_outcome::applied, to_order_view(rows[0]),
                   domain::money_error::ok};
  add_history(txn, cmd.id.value, domain::order_status::authorized,
              domain::order_status::capturing,
              std::string{to_string(domain::order_event::capture_requested)},
              {}, {}, cmd.correlation_id);
  return out;
}

settle_reply execute(pqxx::work& txn, const request_void& cmd) {
  auto before = txn.exec_prepared(sql::payin::load_order.name, cmd.id.value);
  auto rows = txn.exec_prepared(sql::payin::request_void.name, cmd.id.value,
                                cmd.failure_code, cmd.failure_message);
  if (rows.empty()) return refused_settle(txn, cmd.id.value, false);
  settle_reply out{settle_outcome::applied, to_order_view(rows[0]),
                   domain::money_error::ok};
  add_history(txn, cmd.id.value, to_order_view(before[0]).status,
              domain::order_status::voiding,
              std::string{to_string(domain::order_event::void_requested)}, {},
              cmd.failure_code, cmd.correlation_id);
  return out;
}

review_reply execute(pqxx::work& txn, const decide_review& cmd) {
  review_reply out;
  auto decided = txn.exec_prepared(sql::payin::decide_review.name, cmd.id.value,
                                   cmd.approve ? "approved" : "rejected",
                                   cmd.reason);
  auto found = lookup_checkout(txn, cmd.id);
  if (decided.empty()) {
    out.outcome = found.found ? operator_outcome::not_open
                              : operator_outcome::not_found;
    out.checkout = found.view;
    return out;
  }
  // Orders held after their authorization are decided apart: approved they
  // are authorized again, rejected their authorization is voided.
  txn.exec_prepared(
    sql::payin::decide_held_authorizations.name, cmd.id.value, cmd.approve,
    "risk_rejected", cmd.reason,
    std::string{to_string(cmd.approve ? domain::order_event::hold_approved
                                      : domain::order_event::hold_rejected)});
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

owner_lookup execute(pqxx::work& txn, const load_owner& cmd) {
  owner_lookup out;
  auto rows = txn.exec_prepared(sql::payin::load_owner.name, cmd.checkout_id,
                                cmd.order_id);
  if (rows.empty()) return out;
  const auto& row = rows[0];
  out.found = true;
  out.checkout = domain::checkout_id{row[0].as<std::string>()};
  out.owner.node_id = row[1].as<std::string>();
  out.owner.epoch = row[2].as<std::uint64_t>();
  out.owner.lease_current = row[3].as<bool>();
  out.owner.address = row[4].as<std::string>();
  return out;
}

cluster_view execute(pqxx::work& txn, const load_cluster&) {
  return load_cluster_view(txn);
}

checkout_claim execute(pqxx::work& txn, const claim_checkout& cmd) {
  checkout_claim out;
  out.mine = txn
               .exec_prepared1(sql::payin::claim_checkout.name, cmd.id.value)[0]
               .as<bool>();
  if (out.mine) {
    out.found = true;
    return out;
  }
  // Not ours: a live node's, or no such checkout.
  auto found = execute(txn, load_owner{cmd.id.value, {}});
  out.found = found.found;
  out.owner = found.owner;
  return out;
}

}  // namespace pay::persistence
