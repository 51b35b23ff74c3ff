#include "persistence/payout/payout_sql.hpp"

#include <map>
#include <optional>

#include "domain/common/assert.hpp"
#include "domain/common/ids.hpp"
#include "domain/ledger/ledger_postings.hpp"
#include "domain/payout/payout_release.hpp"
#include "persistence/common/pg_array.hpp"
#include "persistence/common/status_column.hpp"
#include "persistence/ledger/ledger_sql.hpp"
#include "persistence/payout/statements.hpp"

namespace pay::persistence {

namespace {

payout_view to_payout(const pqxx::row& r) {
  payout_view v;
  v.payout_id.value = r[0].as<std::string>();
  v.seller_account = r[1].as<std::string>();
  v.stripe_account = r[2].as<std::string>();
  v.currency = r[3].as<std::string>();
  v.amount_minor = r[4].as<std::int64_t>();
  v.status = status_column(r[5], domain::parse_payout_status);
  v.psp_reference = r[6].as<std::string>();
  v.transfer_reference = r[7].as<std::string>();
  v.failure_code = r[8].as<std::string>();
  v.failure_message = r[9].as<std::string>();
  v.attempts = r[10].as<std::int32_t>();
  v.version = r[11].as<std::int32_t>();
  v.created_at = r[12].as<std::string>();
  v.updated_at = r[13].as<std::string>();
  v.step_attempts = r[14].as<std::int32_t>();
  v.first_attempt_age_ms = r[15].as<std::int64_t>();
  v.maybe_paid_out = r[16].as<bool>();
  v.parked = r[17].as<bool>();
  v.created_us = r[18].as<std::int64_t>();
  return v;
}

payout_dead_letter_view dead_letter_of(const pqxx::row& r) {
  payout_dead_letter_view v;
  v.payout_id.value = r[0].as<std::string>();
  v.seller_account = r[1].as<std::string>();
  v.currency = r[2].as<std::string>();
  v.amount_minor = r[3].as<std::int64_t>();
  v.payout_status = status_column(r[4], domain::parse_payout_status);
  v.reason = r[5].as<std::string>();
  v.last_error = r[6].as<std::string>();
  v.attempts = r[7].as<std::int32_t>();
  v.maybe_paid_out = r[8].as<bool>();
  v.status = r[9].as<std::string>();
  v.resolution = r[10].as<std::string>();
  v.first_seen_at = r[11].as<std::string>();
  v.last_seen_at = r[12].as<std::string>();
  v.last_seen_us = r[13].as<std::int64_t>();
  return v;
}

connected_account_view to_connected_account(const pqxx::row& r) {
  return connected_account_view{r[0].as<std::string>(), r[1].as<std::string>(),
                                r[2].as<std::string>()};
}

std::optional<payout_view> lock_payout(pqxx::work& txn, const std::string& id) {
  auto rows = txn.exec_params(sql::payout::lock_payout, id);
  if (rows.empty()) return std::nullopt;
  return to_payout(rows[0]);
}

// `from`: none for the creation.
void insert_history(pqxx::work& txn, const std::string& payout_id,
                    std::optional<domain::payout_status> from,
                    domain::payout_status to, const std::string& event,
                    std::int32_t attempt, const std::string& outcome,
                    const std::string& error,
                    const std::string& correlation_id) {
  std::string from_text{from ? domain::to_db_string(*from) : ""};
  txn.exec_params(sql::payout::insert_history, payout_id, from_text,
                  std::string{domain::to_db_string(to)}, event, attempt,
                  outcome, error, correlation_id);
}

// The seller's unreleased credits (in one currency, or all when empty) with
// the facts the release rule needs, measured by the database's clock.
std::map<std::string, std::vector<domain::unreleased_credit>>
unreleased_credits(pqxx::work& txn, const std::string& seller,
                   const std::string& currency) {
  auto rows = txn.exec_params(sql::payout::unreleased_credits, seller,
                              currency);
  std::map<std::string, std::vector<domain::unreleased_credit>> out;
  for (const auto& r : rows) {
    domain::unreleased_credit c;
    c.payment_order_id = r[1].as<std::string>();
    c.amount_minor = r[2].as<std::int64_t>();
    c.refunded_minor = r[3].as<std::int64_t>();
    c.facts.fulfilled = r[4].as<bool>();
    c.facts.settled = r[5].as<bool>();
    c.facts.seconds_since_success = r[6].as<std::int64_t>();
    out[r[0].as<std::string>()].push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> payout_candidates(
  pqxx::work& txn, std::int64_t minimum_minor) {
  auto rows = txn.exec_params(sql::payout::payout_candidates, minimum_minor);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : rows)
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  return out;
}

release_result release_and_create_payout(pqxx::work& txn,
                                         const std::string& seller,
                                         const std::string& currency,
                                         const release_payouts& run) {
  release_result out;
  // Everything below happens under this lock: a concurrent run, refund or
  // second paymentd waits, then sees the balance this one leaves.
  auto balance = lock_wallet(txn, seller, currency);
  auto credits = unreleased_credits(txn, seller, currency);
  auto split = domain::split_credits(credits[currency], run.hold_s);
  if (!split.releasable.empty()) {
    auto stamped = txn.exec_params(sql::payout::release_credits,
                                   to_pg_array(split.releasable));
    out.credits_released = static_cast<std::int64_t>(stamped.affected_rows());
  }
  auto available = domain::available_minor(balance, split.pending_minor);
  if (available < run.minimum_minor) return out;
  // The settings keep the minimum at 1 or more: a pay-out moves money.
  PAY_ASSERT(available > 0 && available <= balance);
  auto account = select_connected_account(txn, seller);
  if (!account.found) {
    // Stripe pays sellers only through their connected accounts: the money
    // stays available until the seller has one.
    out.awaiting_connected_account = true;
    return out;
  }
  auto id = txn
              .exec_params1(sql::payout::insert_payout, seller,
                            account.account.stripe_account, currency,
                            available)[0]
              .as<std::string>();
  insert_history(txn, id, std::nullopt, domain::payout_status::created,
                 "created", 0, "", "", run.correlation_id);
  append_ledger_transaction(
    txn, "payout_sent", id,
    domain::payout_sent_postings(domain::seller_account{seller}, currency,
                                 available));
  adjust_wallet(txn, seller, currency, -available);
  out.created = true;
  out.payout = *lock_payout(txn, id);
  return out;
}

payout_lookup select_payout(pqxx::work& txn, const std::string& payout_id) {
  payout_lookup out;
  auto rows = txn.exec_params(sql::payout::select_payout, payout_id);
  if (rows.empty()) return out;
  out.found = true;
  out.payout = to_payout(rows[0]);
  auto history = txn.exec_params(sql::payout::select_history, payout_id);
  for (const auto& r : history)
    out.history.push_back(payout_history_entry{
      r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
      r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::int32_t>(),
      r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<std::string>()});
  return out;
}

payout_list select_payouts(pqxx::work& txn, const list_payouts& query) {
  // One row more than asked tells whether another page follows.
  auto rows = txn.exec_params(sql::payout::select_payouts, query.seller_account,
                              status_array(query.statuses),
                              query.after_created_us, query.after_id,
                              static_cast<std::int64_t>(query.limit) + 1);
  payout_list out;
  for (const auto& r : rows) {
    if (out.payouts.size() == query.limit) {
      out.has_more = true;
      break;
    }
    out.payouts.push_back(to_payout(r));
  }
  return out;
}

std::vector<payout_view> select_open_payouts(pqxx::work& txn) {
  auto rows = txn.exec(sql::payout::select_open_payouts);
  std::vector<payout_view> out;
  for (const auto& r : rows) out.push_back(to_payout(r));
  return out;
}

payout_step apply_advance(pqxx::work& txn, const advance_payout& cmd) {
  payout_step out;
  auto row = lock_payout(txn, cmd.payout_id.value);
  if (!row) return out;
  out.found = true;
  out.row = *row;
  if (row->status != cmd.expected_status
      || row->version != cmd.expected_version)
    return out;
  auto to = domain::next_status(row->status, cmd.event);
  if (!to) return out;
  // The answer names the transfer when it created one, the pay-out on the
  // connected account otherwise; a reversal's answer changes no reference.
  std::string payout_reference;
  std::string transfer_reference;
  if (cmd.event == domain::payout_event::transfer_accepted)
    transfer_reference = cmd.psp_reference;
  else if (cmd.event != domain::payout_event::transfer_reversed)
    payout_reference = cmd.psp_reference;
  txn.exec_params(sql::payout::advance_payout, cmd.payout_id.value,
                  std::string{domain::to_db_string(*to)}, payout_reference,
                  cmd.failure_code, cmd.failure_message, transfer_reference);
  insert_history(txn, cmd.payout_id.value, row->status, *to,
                 std::string{domain::to_string(cmd.event)}, row->attempts,
                 cmd.failure_code, cmd.failure_message, cmd.correlation_id);
  if (*to == domain::payout_status::paid) {
    append_ledger_transaction(txn, "payout_paid", cmd.payout_id.value,
                              domain::payout_paid_postings(row->currency,
                                                           row->amount_minor));
  } else if (*to == domain::payout_status::failed) {
    // The money goes back to the seller exactly when the reversal is
    // booked, so the wallet always equals the ledger.
    if (append_ledger_transaction(txn, "payout_failed", cmd.payout_id.value,
                                  domain::payout_failed_postings(
                                    domain::seller_account{row->seller_account},
                                    row->currency, row->amount_minor)))
      adjust_wallet(txn, row->seller_account, row->currency, row->amount_minor);
  }
  out.applied = true;
  out.row = *lock_payout(txn, cmd.payout_id.value);
  return out;
}

payout_step apply_attempt(pqxx::work& txn, const record_payout_attempt& cmd) {
  payout_step out;
  auto row = lock_payout(txn, cmd.payout_id.value);
  if (!row) return out;
  out.found = true;
  out.row = *row;
  if (row->version != cmd.expected_version) return out;
  txn.exec_params(sql::payout::count_attempt, cmd.payout_id.value,
                  cmd.may_have_paid_out);
  insert_history(txn, cmd.payout_id.value, row->status, row->status, "attempt",
                 row->attempts + 1, cmd.outcome, cmd.error, cmd.correlation_id);
  out.applied = true;
  out.row = *lock_payout(txn, cmd.payout_id.value);
  return out;
}

payout_step park_payout_row(pqxx::work& txn, const park_payout& cmd) {
  payout_step out;
  auto parked = txn.exec_params(sql::payout::park, cmd.payout_id.value,
                                cmd.reason, cmd.last_error, cmd.maybe_paid_out);
  auto row = lock_payout(txn, cmd.payout_id.value);
  out.found = row.has_value();
  if (row) out.row = *row;
  out.applied = !parked.empty();
  if (out.applied)
    insert_history(txn, cmd.payout_id.value, row->status, row->status,
                   "dead_lettered", parked[0][0].as<std::int32_t>(), cmd.reason,
                   cmd.last_error, cmd.correlation_id);
  return out;
}

payout_dead_letter_page list_payout_dead_letter_rows(
  pqxx::work& txn, const list_payout_dead_letters& query) {
  payout_dead_letter_page out;
  auto rows = txn.exec_params(sql::payout::select_dead_letters, query.status,
                              query.after_last_seen_us, query.after_id,
                              static_cast<std::int64_t>(query.limit) + 1);
  for (const auto& r : rows) {
    if (out.entries.size() == query.limit) {
      out.has_more = true;
      break;
    }
    out.entries.push_back(dead_letter_of(r));
  }
  return out;
}

payout_dead_letter_lookup load_payout_dead_letter_row(
  pqxx::work& txn, const std::string& payout_id) {
  payout_dead_letter_lookup out;
  auto rows = txn.exec_params(sql::payout::select_dead_letter, payout_id);
  if (rows.empty()) return out;
  auto found = select_payout(txn, payout_id);
  PAY_ASSERT(found.found);  // the entry's foreign key
  out.found = true;
  out.entry = dead_letter_of(rows[0]);
  out.payout = found.payout;
  return out;
}

namespace {

// The open entry, locked; the reply says why not when it is not there or
// not open.
bool lock_open_entry(pqxx::work& txn, const std::string& payout_id,
                     payout_dead_letter_reply& out) {
  auto rows = txn.exec_params(sql::payout::lock_dead_letter, payout_id);
  if (rows.empty()) {
    out.outcome = payout_dead_letter_outcome::not_found;
    return false;
  }
  out.entry = dead_letter_of(rows[0]);
  if (out.entry.status != "open") {
    out.outcome = payout_dead_letter_outcome::not_open;
    return false;
  }
  return true;
}

void reread_entry(pqxx::work& txn, const std::string& payout_id,
                  payout_dead_letter_reply& out) {
  out.entry = dead_letter_of(
    txn.exec_params1(sql::payout::select_dead_letter, payout_id));
}

}  // namespace

payout_dead_letter_reply requeue_payout_dead_letter_row(
  pqxx::work& txn, const requeue_payout_dead_letter& cmd) {
  payout_dead_letter_reply out;
  const auto& id = cmd.payout_id.value;
  if (!lock_open_entry(txn, id, out)) return out;
  auto row = lock_payout(txn, id);
  PAY_ASSERT(row.has_value());  // the entry's foreign key
  txn.exec_params(sql::payout::requeue_dead_letter, id);
  txn.exec_params(sql::payout::renew_budget, id);
  insert_history(txn, id, row->status, row->status, "requeued", 0, "", "",
                 cmd.correlation_id);
  reread_entry(txn, id, out);
  out.outcome = payout_dead_letter_outcome::applied;
  return out;
}

payout_dead_letter_reply close_payout_dead_letter_row(
  pqxx::work& txn, const close_payout_dead_letter& cmd) {
  payout_dead_letter_reply out;
  const auto& id = cmd.payout_id.value;
  if (!lock_open_entry(txn, id, out)) return out;
  if (cmd.fail) {
    advance_payout failed{cmd.payout_id,
                          cmd.expected_status,
                          cmd.expected_version,
                          domain::payout_event::operator_failed,
                          {},
                          "operator_resolved",
                          cmd.reason,
                          cmd.correlation_id};
    // Only from what the decision saw: a pay-out that moved while the
    // provider was asked is decided again, by a person.
    if (!apply_advance(txn, failed).applied) {
      out.outcome = payout_dead_letter_outcome::payout_moved;
      return out;
    }
  }
  txn.exec_params(sql::payout::close_dead_letter, id, cmd.reason);
  reread_entry(txn, id, out);
  out.outcome = payout_dead_letter_outcome::applied;
  return out;
}

webhook_outcome record_payout_webhook(pqxx::work& txn,
                                      const payout_webhook& event) {
  auto account = txn.exec_params(sql::payout::payout_account,
                                 event.payout_id.value);
  if (account.empty()) return webhook_outcome::ignored;
  // A Connect event is routed by its account: one from another account than
  // the pay-out's cannot be about it, whatever its metadata says.
  if (account[0][0].as<std::string>() != event.account)
    return webhook_outcome::ignored;
  auto inserted = txn.exec_params(sql::payout::record_webhook_event,
                                  event.event_id, event.type);
  return inserted.empty() ? webhook_outcome::duplicate
                          : webhook_outcome::applied;
}

connected_account_lookup select_connected_account(pqxx::work& txn,
                                                  const std::string& seller) {
  connected_account_lookup out;
  auto rows = txn.exec_params(sql::payout::select_connected_account, seller);
  if (rows.empty()) return out;
  out.found = true;
  out.account = to_connected_account(rows[0]);
  return out;
}

connect_reply link_seller(pqxx::work& txn, const link_connected_account& cmd) {
  connect_reply out;
  auto inserted = txn.exec_params(sql::payout::insert_connected_account,
                                  cmd.seller_account, cmd.stripe_account);
  if (!inserted.empty()) {
    out.outcome = connect_outcome::linked;
    out.account = to_connected_account(inserted[0]);
    return out;
  }
  auto existing = select_connected_account(txn, cmd.seller_account);
  if (existing.found && existing.account.stripe_account == cmd.stripe_account) {
    out.outcome = connect_outcome::already_linked;
    out.account = existing.account;
    return out;
  }
  out.outcome = connect_outcome::conflict;
  out.account = existing.account;
  out.message = existing.found
                  ? "The seller is linked to another connected account."
                  : "The connected account is linked to another seller.";
  return out;
}

fulfill_reply fulfill_payment_order(pqxx::work& txn,
                                    const std::string& payment_order_id) {
  fulfill_reply out;
  auto rows = txn.exec_params(sql::payout::lock_order_fulfilment,
                              payment_order_id);
  if (rows.empty()) {
    out.outcome = fulfill_outcome::order_not_found;
    return out;
  }
  if (rows[0][0].as<std::string>() != "SUCCESS") {
    out.outcome = fulfill_outcome::order_not_succeeded;
    return out;
  }
  if (rows[0][1].as<bool>()) {
    out.outcome = fulfill_outcome::already_fulfilled;
    out.fulfilled_at = rows[0][2].as<std::string>();
    return out;
  }
  out.outcome = fulfill_outcome::fulfilled;
  out.fulfilled_at = txn
                       .exec_params1(sql::payout::fulfil_order,
                                     payment_order_id)[0]
                       .as<std::string>();
  return out;
}

std::vector<wallet_balance> select_wallet_split(pqxx::work& txn,
                                                const std::string& seller,
                                                std::int64_t hold_s) {
  std::map<std::string, wallet_balance> by_currency;
  auto touch = [&](const std::string& currency) -> wallet_balance& {
    auto& b = by_currency[currency];
    b.currency = currency;
    return b;
  };
  std::map<std::string, std::int64_t> balance;
  for (const auto& r : txn.exec_params(sql::payout::wallet_balances, seller)) {
    touch(r[0].as<std::string>());
    balance[r[0].as<std::string>()] = r[1].as<std::int64_t>();
  }
  for (const auto& [currency, credits] : unreleased_credits(txn, seller, ""))
    touch(currency).pending_minor =
      domain::split_credits(credits, hold_s).pending_minor;
  for (const auto& r : txn.exec_params(sql::payout::payout_sums, seller)) {
    auto& b = touch(r[0].as<std::string>());
    b.in_transit_minor = r[1].as<std::int64_t>();
    b.paid_out_minor = r[2].as<std::int64_t>();
  }
  std::vector<wallet_balance> out;
  for (auto& [currency, b] : by_currency) {
    b.available_minor = domain::available_minor(balance[currency],
                                                b.pending_minor);
    out.push_back(b);
  }
  return out;
}

}  // namespace pay::persistence
