#include "persistence/refund/refund_sql.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "domain/common/assert.hpp"
#include "domain/ledger/ledger_postings.hpp"
#include "domain/payin/order_status.hpp"
#include "persistence/common/status_column.hpp"
#include "persistence/ledger/ledger_sql.hpp"
#include "persistence/refund/statements.hpp"

namespace pay::persistence {

namespace {

refund_work work_of(const pqxx::row& row) {
  refund_work w;
  auto& v = w.view;
  v.refund_id.value = row[0].as<std::string>();
  v.payment_order_id = row[1].as<std::string>();
  v.seller_account = row[2].as<std::string>();
  v.currency = row[3].as<std::string>();
  v.amount_minor = row[4].as<std::int64_t>();
  v.reason = row[5].as<std::string>();
  v.status = status_column(row[6], domain::parse_refund_status);
  v.psp_reference = row[7].as<std::string>();
  v.failure_code = row[8].as<std::string>();
  v.failure_message = row[9].as<std::string>();
  v.created_at = row[10].as<std::string>();
  v.updated_at = row[11].as<std::string>();
  w.version = row[12].as<std::int32_t>();
  w.attempts = row[13].as<std::int32_t>();
  w.payment_intent = row[14].as<std::string>();
  w.created_unix_s = row[16].as<std::int64_t>();
  w.first_attempt_age_ms = row[17].as<std::int64_t>();
  w.maybe_refunded = row[18].as<bool>();
  w.parked = row[19].as<bool>();
  PAY_ASSERT(v.amount_minor > 0);
  return w;
}

// The refund's creation time in microseconds (the listing's cursor).
std::int64_t created_us_of(const pqxx::row& row) {
  return row[20].as<std::int64_t>();
}

refund_dead_letter_view dead_letter_of(const pqxx::row& row) {
  refund_dead_letter_view v;
  v.refund_id.value = row[0].as<std::string>();
  v.payment_order_id = row[1].as<std::string>();
  v.currency = row[2].as<std::string>();
  v.amount_minor = row[3].as<std::int64_t>();
  v.refund_status = status_column(row[4], domain::parse_refund_status);
  v.reason = row[5].as<std::string>();
  v.last_error = row[6].as<std::string>();
  v.attempts = row[7].as<std::int32_t>();
  v.maybe_refunded = row[8].as<bool>();
  v.status = row[9].as<std::string>();
  v.resolution = row[10].as<std::string>();
  v.first_seen_at = row[11].as<std::string>();
  v.last_seen_at = row[12].as<std::string>();
  v.last_seen_us = row[13].as<std::int64_t>();
  return v;
}

// The refund created earlier under `key`, as a replay or a conflict.
std::optional<create_refund_reply> earlier_use_of_key(
  pqxx::work& txn, const create_refund& cmd) {
  auto rows = txn.exec_params(sql::refund::select_refund_by_key,
                              cmd.idempotency_key);
  if (rows.empty()) return std::nullopt;
  create_refund_reply out;
  auto same = rows[0][15].as<std::string>() == cmd.request_hash;
  out.outcome = same ? create_refund_outcome::replayed
                     : create_refund_outcome::idempotency_key_reused;
  if (same) out.refund = work_of(rows[0]).view;
  return out;
}

// One row of the refund's history. `outcome` and `error` are NULL when
// absent (the creation's row), stored as given otherwise.
void add_history(pqxx::work& txn, const std::string& refund_id,
                 std::optional<domain::refund_status> from,
                 domain::refund_status to, std::string_view event,
                 std::int32_t attempt,
                 const std::optional<std::string>& outcome,
                 const std::optional<std::string>& error,
                 const std::string& correlation_id) {
  std::optional<std::string> from_text;
  if (from) from_text.emplace(domain::to_db_string(*from));
  // A null const char* is a NULL parameter.
  auto or_null = [](const std::optional<std::string>& value) {
    return value ? value->c_str() : nullptr;
  };
  txn.exec_params(sql::refund::insert_history, refund_id, or_null(from_text),
                  std::string{domain::to_db_string(to)}, std::string{event},
                  attempt, or_null(outcome), or_null(error), correlation_id);
}

struct order_facts {
  std::optional<domain::order_status> status;  // nullopt: unknown to us
  bool booked = false;
  std::string seller;
  std::string currency;
  std::int64_t amount_minor = 0;
};

}  // namespace

create_refund_reply create_refund_row(pqxx::work& txn,
                                      const create_refund& cmd) {
  if (auto earlier = earlier_use_of_key(txn, cmd)) return *earlier;
  create_refund_reply out;
  // The lock that serialises every refund of this order: the check below
  // and the insert hold it until commit.
  auto order_rows = txn.exec_params(sql::refund::lock_order,
                                    cmd.payment_order_id);
  if (order_rows.empty()) {
    out.outcome = create_refund_outcome::order_not_found;
    return out;
  }
  order_facts order{
    domain::parse_order_status(order_rows[0][0].as<std::string>()),
    order_rows[0][1].as<bool>(), order_rows[0][2].as<std::string>(),
    order_rows[0][3].as<std::string>(), order_rows[0][4].as<std::int64_t>()};
  out.currency = order.currency;
  // A request with the same key may have committed while we waited.
  if (auto earlier = earlier_use_of_key(txn, cmd)) return *earlier;
  // Only money we hold and have booked can go back: a SUCCESS whose wallet
  // credit or ledger entry is still being written waits for them.
  bool refundable = order.status == domain::order_status::success
                    && order.booked;
  if (!refundable) {
    out.outcome = create_refund_outcome::order_not_refundable;
    return out;
  }
  auto refunded_minor = txn
                          .exec_params1(sql::refund::refunded_minor,
                                        cmd.payment_order_id)[0]
                          .as<std::int64_t>();
  PAY_ASSERT(refunded_minor >= 0 && refunded_minor <= order.amount_minor);
  out.refundable_minor = order.amount_minor - refunded_minor;
  std::int64_t amount_minor = out.refundable_minor;
  if (!cmd.amount.empty()) {
    auto parsed = domain::parse_money(cmd.amount, order.currency);
    if (parsed.error == domain::money_error::ok)
      parsed.error = domain::psp_amount_error(parsed.value);
    if (parsed.error != domain::money_error::ok) {
      out.outcome = create_refund_outcome::amount_invalid;
      out.amount_error = parsed.error;
      return out;
    }
    amount_minor = parsed.value.amount_minor;
  }
  if (amount_minor <= 0 || amount_minor > out.refundable_minor) {
    out.outcome = create_refund_outcome::amount_too_large;
    return out;
  }
  auto inserted = txn.exec_params(sql::refund::insert_refund,
                                  cmd.payment_order_id, order.seller,
                                  order.currency, amount_minor, cmd.reason,
                                  cmd.idempotency_key, cmd.request_hash);
  if (inserted.empty()) {
    // The key was taken for another order meanwhile.
    if (auto earlier = earlier_use_of_key(txn, cmd)) return *earlier;
    throw std::runtime_error("refund key conflict without a row");
  }
  auto refund_id = inserted[0][0].as<std::string>();
  add_history(txn, refund_id, std::nullopt, domain::refund_status::created,
              "create", 0, std::nullopt, std::nullopt, cmd.correlation_id);
  auto created = load_refund(txn, refund_id);
  PAY_ASSERT(created.has_value());
  out.outcome = create_refund_outcome::created;
  out.refund = created->view;
  return out;
}

std::optional<refund_work> load_refund(pqxx::work& txn,
                                       const std::string& refund_id) {
  auto rows = txn.exec_params(sql::refund::select_refund, refund_id);
  if (rows.empty()) return std::nullopt;
  return work_of(rows[0]);
}

refund_list list_order_refunds(pqxx::work& txn,
                               const std::string& payment_order_id) {
  refund_list out;
  out.order_found =
    !txn.exec_params(sql::refund::order_exists, payment_order_id).empty();
  if (!out.order_found) return out;
  for (const auto& row :
       txn.exec_params(sql::refund::select_order_refunds, payment_order_id))
    out.refunds.push_back(work_of(row).view);
  return out;
}

std::vector<refund_work> load_open_refund_rows(pqxx::work& txn,
                                               std::uint32_t limit) {
  std::vector<refund_work> out;
  for (const auto& row : txn.exec_params(sql::refund::select_open_refunds,
                                         static_cast<std::int64_t>(limit)))
    out.push_back(work_of(row));
  return out;
}

refund_page list_refunds_page(pqxx::work& txn,
                              const list_refunds_admin& query) {
  refund_page out;
  // One row more than asked tells whether another page follows.
  auto rows = txn.exec_params(sql::refund::select_refunds_page, query.status,
                              query.after_created_us, query.after_id,
                              static_cast<std::int64_t>(query.limit) + 1);
  for (const auto& row : rows) {
    if (out.refunds.size() == query.limit) {
      out.has_more = true;
      break;
    }
    out.refunds.push_back(work_of(row).view);
    out.last_created_us = created_us_of(row);
  }
  return out;
}

refund_step_reply record_refund_attempt_row(pqxx::work& txn,
                                            const record_refund_attempt& cmd) {
  refund_step_reply out;
  auto updated = txn.exec_params(sql::refund::count_attempt,
                                 cmd.refund_id.value,
                                 static_cast<std::int64_t>(cmd.next_delay_ms),
                                 cmd.may_have_refunded);
  out.applied = !updated.empty();
  if (out.applied) {
    auto stays = status_column(updated[0][1], domain::parse_refund_status);
    add_history(txn, cmd.refund_id.value, stays, stays, "psp_attempt",
                updated[0][0].as<std::int32_t>(), cmd.outcome, cmd.error,
                cmd.correlation_id);
  }
  auto current = load_refund(txn, cmd.refund_id.value);
  out.found = current.has_value();
  if (current) out.current = *current;
  return out;
}

refund_step_reply move_refund_row(pqxx::work& txn, const move_refund& cmd) {
  PAY_ASSERT(domain::next_status(cmd.from, cmd.event) == cmd.to);
  refund_step_reply out;
  auto to = std::string{domain::to_db_string(cmd.to)};
  auto from = std::string{domain::to_db_string(cmd.from)};
  auto updated = txn.exec_params(sql::refund::move_refund, cmd.refund_id.value,
                                 cmd.expected_version, to, cmd.psp_reference,
                                 cmd.failure_code, cmd.failure_message, from);
  out.applied = !updated.empty();
  if (out.applied) {
    auto seller = updated[0][0].as<std::string>();
    auto currency = updated[0][1].as<std::string>();
    auto amount_minor = updated[0][2].as<std::int64_t>();
    if (cmd.to == domain::refund_status::succeeded) {
      // Lock order as every wallet change: the wallet row, then the books.
      lock_wallet(txn, seller, currency);
      bool written = append_ledger_transaction(
        txn, "refund", cmd.refund_id.value,
        domain::refund_postings(domain::seller_account{seller}, currency,
                                amount_minor));
      // The CAS above let only one transaction through for this refund.
      PAY_ASSERT(written);
      adjust_wallet(txn, seller, currency, -amount_minor);
    }
    add_history(txn, cmd.refund_id.value, cmd.from, cmd.to,
                domain::to_string(cmd.event), updated[0][3].as<std::int32_t>(),
                cmd.psp_reference,
                cmd.failure_code.empty()
                  ? std::string{}
                  : cmd.failure_code + ": " + cmd.failure_message,
                cmd.correlation_id);
  }
  auto current = load_refund(txn, cmd.refund_id.value);
  out.found = current.has_value();
  if (current) out.current = *current;
  return out;
}

refund_step_reply park_refund_row(pqxx::work& txn, const park_refund& cmd) {
  refund_step_reply out;
  auto parked = txn.exec_params(sql::refund::park, cmd.refund_id.value,
                                cmd.reason, cmd.last_error, cmd.maybe_refunded);
  auto current = load_refund(txn, cmd.refund_id.value);
  out.found = current.has_value();
  if (current) out.current = *current;
  out.applied = !parked.empty();
  if (out.applied) {
    auto status = current->view.status;
    add_history(txn, cmd.refund_id.value, status, status, "dead_lettered",
                parked[0][0].as<std::int32_t>(), cmd.reason,
                cmd.last_error.empty() ? std::optional<std::string>{}
                                       : cmd.last_error,
                cmd.correlation_id);
  }
  return out;
}

refund_dead_letter_page list_refund_dead_letter_rows(
  pqxx::work& txn, const list_refund_dead_letters& query) {
  refund_dead_letter_page out;
  auto rows = txn.exec_params(sql::refund::select_dead_letters, query.status,
                              query.after_last_seen_us, query.after_id,
                              static_cast<std::int64_t>(query.limit) + 1);
  for (const auto& row : rows) {
    if (out.entries.size() == query.limit) {
      out.has_more = true;
      break;
    }
    out.entries.push_back(dead_letter_of(row));
  }
  return out;
}

refund_dead_letter_lookup load_refund_dead_letter_row(
  pqxx::work& txn, const std::string& refund_id) {
  refund_dead_letter_lookup out;
  auto rows = txn.exec_params(sql::refund::select_dead_letter, refund_id);
  if (rows.empty()) return out;
  auto refund = load_refund(txn, refund_id);
  PAY_ASSERT(refund.has_value());  // the entry's foreign key
  out.found = true;
  out.entry = dead_letter_of(rows[0]);
  out.refund = *refund;
  return out;
}

namespace {

// The open entry, locked; the reply says why not when it is not there or
// not open.
std::optional<refund_dead_letter_view> lock_open_entry(
  pqxx::work& txn, const std::string& refund_id,
  refund_dead_letter_reply& out) {
  auto rows = txn.exec_params(sql::refund::lock_dead_letter, refund_id);
  if (rows.empty()) {
    out.outcome = refund_dead_letter_outcome::not_found;
    return std::nullopt;
  }
  out.entry = dead_letter_of(rows[0]);
  if (out.entry.status != "open") {
    out.outcome = refund_dead_letter_outcome::not_open;
    return std::nullopt;
  }
  return out.entry;
}

void reread_entry(pqxx::work& txn, const std::string& refund_id,
                  refund_dead_letter_reply& out) {
  out.entry = dead_letter_of(
    txn.exec_params1(sql::refund::select_dead_letter, refund_id));
}

}  // namespace

refund_dead_letter_reply requeue_refund_dead_letter_row(
  pqxx::work& txn, const requeue_refund_dead_letter& cmd) {
  refund_dead_letter_reply out;
  const auto& id = cmd.refund_id.value;
  if (!lock_open_entry(txn, id, out)) return out;
  txn.exec_params(sql::refund::requeue_dead_letter, id);
  auto renewed = txn.exec_params1(sql::refund::renew_budget, id);
  auto status = status_column(renewed[0], domain::parse_refund_status);
  add_history(txn, id, status, status, "requeued", 0, std::nullopt,
              std::nullopt, cmd.correlation_id);
  reread_entry(txn, id, out);
  out.outcome = refund_dead_letter_outcome::applied;
  return out;
}

refund_dead_letter_reply close_refund_dead_letter_row(
  pqxx::work& txn, const close_refund_dead_letter& cmd) {
  refund_dead_letter_reply out;
  const auto& id = cmd.refund_id.value;
  if (!lock_open_entry(txn, id, out)) return out;
  if (cmd.fail) {
    move_refund failed{cmd.refund_id,
                       cmd.expected_version,
                       domain::refund_status::created,
                       domain::refund_status::failed,
                       domain::refund_event::operator_failed,
                       {},
                       "operator_resolved",
                       cmd.reason,
                       cmd.correlation_id};
    // Only from the version the decision saw: a refund that moved while the
    // PSP was asked is decided again, by a person.
    if (!move_refund_row(txn, failed).applied) {
      out.outcome = refund_dead_letter_outcome::refund_moved;
      return out;
    }
  }
  txn.exec_params(sql::refund::close_dead_letter, id, cmd.reason);
  reread_entry(txn, id, out);
  out.outcome = refund_dead_letter_outcome::applied;
  return out;
}

}  // namespace pay::persistence
