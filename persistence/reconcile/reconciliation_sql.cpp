#include "persistence/reconcile/reconciliation_sql.hpp"
#include "persistence/common/status_column.hpp"

#include <map>
#include <optional>
#include <unordered_set>

#include <boost/json.hpp>

#include "domain/common/assert.hpp"
#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"
#include "domain/reconcile/suspense_correction.hpp"
#include "persistence/common/pg_array.hpp"
#include "persistence/ledger/ledger_sql.hpp"
#include "persistence/reconcile/statements.hpp"

namespace pay::persistence {

namespace {

namespace json = boost::json;

using domain::settlement_type;

struct wanted {
  std::vector<std::string> references;
  std::vector<std::string> keys;
};

std::vector<std::string> unique_of(const std::vector<std::string>& values) {
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& v : values)
    if (!v.empty() && seen.insert(v).second) out.push_back(v);
  return out;
}

domain::our_charge to_charge(const pqxx::row& r) {
  domain::our_charge c;
  c.order_id = domain::payment_order_id{r[0].c_str()};
  c.psp_reference = r[1].c_str();
  c.seller = domain::seller_account{r[2].c_str()};
  c.amount_minor = r[3].as<std::int64_t>();
  c.currency = r[4].c_str();
  c.status = status_column(r[5], domain::parse_order_status);
  c.settled_on = r[6].c_str();
  c.succeeded_on = r[7].c_str();
  return c;
}

// Amounts in both sides of an exception as the API shows money: decimal
// strings in the currency's exponent (minor units kept alongside).
json::value money_json(std::int64_t amount_minor, const std::string& currency) {
  json::object o;
  o["amount_minor"] = amount_minor;
  if (auto info = domain::find_currency(currency))
    o["amount"] = domain::format_minor(amount_minor, *info);
  o["currency"] = currency;
  return o;
}

std::string ours_json(const domain::reconciliation_exception& e) {
  json::object o;
  if (!e.our_id.empty()) {
    o = money_json(e.our_amount_minor, e.our_currency).as_object();
    o["id"] = e.our_id;
    o["status"] = e.our_status;
  }
  return json::serialize(o);
}

std::string theirs_json(const domain::reconciliation_exception& e) {
  if (e.their_currency.empty()) return "{}";
  json::object o =
    money_json(e.their_gross_minor, e.their_currency).as_object();
  o["gross_minor"] = e.their_gross_minor;
  o["fee_minor"] = e.their_fee_minor;
  o["net_minor"] = e.their_net_minor;
  o["line_no"] = e.line_no;
  o["reference"] = e.reference;
  return json::serialize(o);
}

reconciliation_exception_view to_exception_view(const pqxx::row& r) {
  reconciliation_exception_view v;
  v.id = r[0].as<std::int64_t>();
  v.date = r[1].c_str();
  v.kind = r[2].c_str();
  v.route = r[3].c_str();
  v.psp_reference = r[4].c_str();
  v.our_id = r[5].c_str();
  v.ours_json = r[6].c_str();
  v.theirs_json = r[7].c_str();
  v.message = r[8].c_str();
  v.status = r[9].c_str();
  v.resolution = r[10].c_str();
  v.created_at = r[11].c_str();
  v.resolved_at = r[12].c_str();
  v.policy_case = r[13].c_str();
  v.suspense_minor = r[14].as<std::int64_t>();
  v.currency = r[15].c_str();
  v.correction_transaction_id = r[16].as<std::int64_t>();
  v.correction_account = r[17].c_str();
  v.correction_minor = r[18].as<std::int64_t>();
  v.created_us = r[19].as<std::int64_t>();
  return v;
}

void lock_day(pqxx::work& txn, const std::string& date) {
  txn.exec_params(sql::reconcile::lock_day, date);
}

// The exception, locked until commit under its day's lock (taken first, as
// a run takes it), or nothing.
std::optional<reconciliation_exception_view> lock_exception(pqxx::work& txn,
                                                            std::int64_t id) {
  auto found = txn.exec_params(sql::reconcile::select_exception, id);
  if (found.empty()) return std::nullopt;
  lock_day(txn, found[0][1].c_str());
  auto rows = txn.exec_params(sql::reconcile::lock_exception, id);
  if (rows.empty()) return std::nullopt;
  return to_exception_view(rows[0]);
}

domain::correction_facts facts_of(pqxx::work& txn,
                                  const reconciliation_exception_view& e) {
  domain::correction_facts facts;
  auto which = domain::parse_policy_case(e.policy_case);
  PAY_ASSERT(which.has_value());  // written by this code from the policy
  facts.which = *which;
  facts.suspense_minor = e.suspense_minor;
  facts.currency = e.currency;
  if (facts.which == domain::policy_case::status_mismatch_order_failed
      && !e.our_id.empty()) {
    auto seller = txn.exec_params(sql::reconcile::order_seller, e.our_id);
    if (!seller.empty()) facts.order_seller = seller[0][0].c_str();
  }
  return facts;
}

struct booked_correction {
  std::int64_t transaction_id = 0;  // 0: nothing booked
  std::string account;
  std::int64_t target_minor = 0;
};

// Writes `plan` as exception `id`'s correcting entry; a seller's payable
// moves the seller's wallet with it (its row locked first, as every wallet
// change does).
booked_correction book_correction(pqxx::work& txn, std::int64_t id,
                                  const domain::correction_plan& plan,
                                  const std::string& currency) {
  PAY_ASSERT(plan.outcome == domain::correction_outcome::book);
  auto prefix = std::string{domain::seller_payable_prefix};
  bool to_seller = plan.account.compare(0, prefix.size(), prefix) == 0;
  auto seller = to_seller ? plan.account.substr(prefix.size()) : "";
  if (to_seller) lock_wallet(txn, seller, currency);
  auto reference = std::to_string(id);
  // The exception row's lock lets one resolution through; the ledger's
  // (kind, reference) key would refuse a second entry anyway.
  bool written = append_ledger_transaction(txn,
                                           domain::suspense_correction_kind,
                                           reference, plan.postings);
  PAY_ASSERT(written);
  // A credit to the seller's payable is money we owe the seller.
  if (to_seller) adjust_wallet(txn, seller, currency, -plan.target_minor);
  auto tx = txn.exec_params1(sql::reconcile::correction_transaction, reference);
  return {tx[0].as<std::int64_t>(), plan.account, plan.target_minor};
}

// A null parameter for "no correction".
template <class T>
std::optional<T> unless_zero(const booked_correction& c, T value) {
  if (c.transaction_id == 0) return std::nullopt;
  return value;
}

// `statement`: sql::reconcile::settle_orders, settle_refunds or
// settle_payouts.
void settle(pqxx::work& txn, const char* statement, const std::string& date,
            const std::vector<std::string>& ids, std::int32_t& settled) {
  if (ids.empty()) return;
  auto result = txn.exec_params(statement, date, to_pg_array(ids));
  settled += static_cast<std::int32_t>(result.affected_rows());
}

// What earlier runs booked for the day, per currency and account.
std::map<std::string, std::map<std::string, std::int64_t>> booked_for(
  pqxx::work& txn, const std::string& date) {
  std::map<std::string, std::map<std::string, std::int64_t>> out;
  for (const auto& r : txn.exec_params(sql::reconcile::booked_for_day, date))
    out[r[0].c_str()][r[1].c_str()] = r[2].as<std::int64_t>();
  return out;
}

// The day's settlement in the ledger must equal what the latest file says.
// The ledger is append-only, so each run books the difference between the
// plan and what earlier runs booked (nothing when the file is the same),
// as its own transaction "<date>:<CUR>:<run>". Both sides balance, so the
// difference does too.
std::int32_t book_settlement(pqxx::work& txn,
                             const domain::reconciliation_plan& plan,
                             std::int64_t run_id) {
  auto booked = booked_for(txn, plan.date);
  std::map<std::string, std::map<std::string, std::int64_t>> wanted;
  for (const auto& [currency, postings] : plan.postings_by_currency)
    for (const auto& p : postings)
      wanted[currency][p.account] += p.amount_minor;
  for (const auto& [currency, accounts] : booked)
    for (const auto& [account, sum] : accounts) (void)wanted[currency][account];
  std::int32_t written = 0;
  for (const auto& [currency, accounts] : wanted) {
    std::vector<domain::posting> delta;
    for (const auto& [account, amount] : accounts) {
      auto diff = amount - booked[currency][account];
      if (diff != 0) delta.push_back({account, currency, diff});
    }
    if (!delta.empty()
        && append_ledger_transaction(
          txn, "settlement",
          plan.date + ":" + currency + ":" + std::to_string(run_id), delta))
      ++written;
  }
  return written;
}

}  // namespace

domain::books load_books(pqxx::work& txn, const domain::settlement_file& file) {
  txn.exec(sql::reconcile::utc_time_zone);
  lock_day(txn, file.date);
  wanted charges, refunds, payouts;
  for (const auto& line : file.lines) {
    switch (line.type) {
      case settlement_type::charge:
        charges.references.push_back(line.psp_reference);
        charges.keys.push_back(line.idempotency_key);
        break;
      case settlement_type::refund:
        refunds.references.push_back(line.psp_reference);
        refunds.keys.push_back(line.idempotency_key);
        break;
      case settlement_type::payout:
        payouts.references.push_back(line.psp_reference);
        payouts.keys.push_back(line.idempotency_key);
        break;
      case settlement_type::fee:
        payouts.keys.push_back(line.idempotency_key);
        break;
    }
  }
  domain::books out;
  // By PSP reference first; by our id only for the lines whose reference
  // found nothing (a declined order may have none): one big lookup, not two.
  std::unordered_set<std::string> found_references, found_orders;
  for (const auto& r :
       txn.exec_params(sql::reconcile::charges_by_reference,
                       to_pg_array(unique_of(charges.references)))) {
    out.charges.push_back(to_charge(r));
    found_references.insert(out.charges.back().psp_reference);
    found_orders.insert(out.charges.back().order_id.value);
  }
  std::vector<std::string> keys_left;
  for (std::size_t i = 0; i < charges.references.size(); ++i)
    if (found_references.count(charges.references[i]) == 0)
      keys_left.push_back(charges.keys[i]);
  keys_left = unique_of(keys_left);
  if (!keys_left.empty())
    for (const auto& r :
         txn.exec_params(sql::reconcile::charges_by_id, to_pg_array(keys_left)))
      if (found_orders.count(r[0].c_str()) == 0)
        out.charges.push_back(to_charge(r));
  for (const auto& r :
       txn.exec_params(sql::reconcile::charges_succeeded_on, file.date,
                       domain::missing_charge_grace_s))
    out.expected.push_back(to_charge(r));
  for (const auto& r :
       txn.exec_params(sql::reconcile::corrected_keys, file.date))
    out.corrected_lines.emplace_back(domain::identity_of_key(r[0].c_str()));
  for (const auto& r :
       txn.exec_params(sql::reconcile::refunds_of_file,
                       to_pg_array(unique_of(refunds.references)),
                       to_pg_array(unique_of(refunds.keys)))) {
    domain::our_refund x;
    x.refund_id.value = r[0].c_str();
    x.psp_reference = r[1].c_str();
    x.order_id = domain::payment_order_id{r[2].c_str()};
    x.amount_minor = r[3].as<std::int64_t>();
    x.currency = r[4].c_str();
    x.status = status_column(r[5], domain::parse_refund_status);
    x.settled_on = r[6].c_str();
    out.refunds.push_back(std::move(x));
  }
  for (const auto& r :
       txn.exec_params(sql::reconcile::payouts_of_file,
                       to_pg_array(unique_of(payouts.references)),
                       to_pg_array(unique_of(payouts.keys)))) {
    domain::our_payout x;
    x.payout_id.value = r[0].c_str();
    x.psp_reference = r[1].c_str();
    x.seller = domain::seller_account{r[2].c_str()};
    x.amount_minor = r[3].as<std::int64_t>();
    x.currency = r[4].c_str();
    x.status = status_column(r[5], domain::parse_payout_status);
    x.settled_on = r[6].c_str();
    x.transferred = r[7].as<bool>();
    out.payouts.push_back(std::move(x));
  }
  return out;
}

applied_plan apply_plan(pqxx::work& txn, const domain::settlement_file& file,
                        const domain::reconciliation_plan& plan,
                        const std::string& file_sha256) {
  applied_plan out;
  out.run_id = txn
                 .exec_params1(
                   sql::reconcile::insert_run, plan.date, file_sha256,
                   static_cast<std::int64_t>(plan.line_results.size()))[0]
                 .as<std::int64_t>();

  // Every line as classified now (a re-run over the same file rewrites
  // the same values).
  if (!plan.line_results.empty()) {
    std::vector<std::int64_t> line_no, gross, fee, net;
    std::vector<std::string> reference, key, type, currency, outcome, our_id;
    for (const auto& r : plan.line_results) {
      line_no.push_back(r.line_no);
      reference.push_back(r.reference);
      key.push_back(r.line_no >= 1 && r.line_no <= file.lines.size()
                      ? file.lines[r.line_no - 1].idempotency_key
                      : std::string{});
      type.push_back(std::string{domain::to_string(r.type)});
      gross.push_back(r.their_gross_minor);
      fee.push_back(r.their_fee_minor);
      net.push_back(r.their_net_minor);
      currency.push_back(r.their_currency);
      outcome.push_back(std::string{domain::to_string(r.kind)});
      our_id.push_back(r.our_id);
    }
    txn.exec_params(sql::reconcile::upsert_lines, plan.date,
                    to_pg_array(line_no), to_pg_array(reference),
                    to_pg_array(type), to_pg_array(gross), to_pg_array(fee),
                    to_pg_array(net), to_pg_array(currency),
                    to_pg_array(outcome), to_pg_array(our_id),
                    to_pg_array(key));
  }

  std::vector<std::string> key;
  if (!plan.exceptions.empty()) {
    std::vector<std::string> kind, route, which, reference, our_id, ours,
      theirs, message, currency;
    std::vector<std::int64_t> suspense;
    for (const auto& e : plan.exceptions) {
      key.push_back(e.key);
      kind.push_back(std::string{domain::to_string(e.kind)});
      route.push_back(std::string{domain::to_string(e.route)});
      which.push_back(std::string{domain::to_string(e.which)});
      reference.push_back(e.reference);
      our_id.push_back(e.our_id);
      ours.push_back(ours_json(e));
      theirs.push_back(theirs_json(e));
      message.push_back(e.message);
      suspense.push_back(e.suspense_minor);
      currency.push_back(e.suspense_minor == 0 ? std::string{}
                                               : e.their_currency);
    }
    auto rows = txn.exec_params(sql::reconcile::upsert_exceptions, plan.date,
                                to_pg_array(key), to_pg_array(kind),
                                to_pg_array(route), to_pg_array(which),
                                to_pg_array(reference), to_pg_array(our_id),
                                to_pg_array(ours), to_pg_array(theirs),
                                to_pg_array(message), to_pg_array(suspense),
                                to_pg_array(currency), out.run_id);
    for (const auto& row : rows)
      if (row[1].as<bool>()) {
        ++out.new_exceptions;
        out.new_keys.emplace_back(row[0].c_str());
      }
  }
  txn.exec_params(sql::reconcile::release_unreported, plan.date,
                  to_pg_array(key));

  std::vector<std::string> orders;
  for (const auto& id : plan.orders_to_settle) orders.push_back(id.value);
  settle(txn, sql::reconcile::settle_orders, plan.date, orders,
         out.records_settled);
  settle(txn, sql::reconcile::settle_refunds, plan.date, plan.refunds_to_settle,
         out.records_settled);
  settle(txn, sql::reconcile::settle_payouts, plan.date, plan.payouts_to_settle,
         out.records_settled);

  out.new_ledger_transactions = book_settlement(txn, plan, out.run_id);
  return out;
}

void update_report(pqxx::work& txn, std::int64_t run_id,
                   const std::string& report_json) {
  txn.exec_params(sql::reconcile::update_report, run_id, report_json);
}

std::int64_t record_failed_run(pqxx::work& txn, const std::string& date,
                               const std::string& error,
                               const std::string& report_json) {
  return txn
    .exec_params1(sql::reconcile::insert_failed_run, date, report_json,
                  error)[0]
    .as<std::int64_t>();
}

reconciliation_runs list_runs(pqxx::work& txn,
                              const list_reconciliation_runs& query) {
  reconciliation_runs out;
  // One row more than asked tells whether another page follows.
  auto rows = txn.exec_params(sql::reconcile::list_runs, query.date,
                              query.after_started_us, query.after_run_id,
                              static_cast<std::int64_t>(query.limit) + 1);
  for (const auto& r : rows) {
    if (out.runs.size() == query.limit) {
      out.has_more = true;
      break;
    }
    reconciliation_report run{r[0].as<std::int64_t>(), r[1].c_str(),
                              r[2].c_str(), r[3].c_str(), r[4].c_str()};
    run.started_us = r[5].as<std::int64_t>();
    out.runs.push_back(std::move(run));
  }
  return out;
}

reconciliation_exceptions list_exceptions(
  pqxx::work& txn, const list_reconciliation_exceptions& query) {
  reconciliation_exceptions out;
  auto rows = txn.exec_params(sql::reconcile::list_exceptions, query.status,
                              query.date, query.route, query.after_created_us,
                              query.after_id,
                              static_cast<std::int64_t>(query.limit) + 1);
  for (const auto& r : rows) {
    if (out.exceptions.size() == query.limit) {
      out.has_more = true;
      break;
    }
    out.exceptions.push_back(to_exception_view(r));
  }
  return out;
}

reconciliation_exception_lookup get_exception(pqxx::work& txn,
                                              std::int64_t id) {
  reconciliation_exception_lookup out;
  auto rows = txn.exec_params(sql::reconcile::select_exception, id);
  if (rows.empty()) return out;
  out.found = true;
  out.exception = to_exception_view(rows[0]);
  return out;
}

resolve_reconciliation_reply resolve_exception(
  pqxx::work& txn, const resolve_reconciliation_exception& cmd) {
  resolve_reconciliation_reply out;
  auto locked = lock_exception(txn, cmd.id);
  if (!locked) {
    out.outcome = resolve_outcome::not_found;
    return out;
  }
  out.exception = *locked;
  const auto& e = out.exception;
  if (e.status == "resolved") {
    // Resolved before corrections existed, its money still in suspense:
    // this resolution books it, once. Otherwise nothing is written again.
    bool legacy = e.correction_transaction_id == 0 && e.suspense_minor != 0
                  && e.route != "auto_corrected";
    if (!legacy) {
      bool same = e.resolution == cmd.resolution
                  && (cmd.account.empty()
                      || cmd.account == e.correction_account);
      out.outcome = same ? resolve_outcome::already_resolved
                         : resolve_outcome::resolved_otherwise;
      return out;
    }
  }
  auto facts = facts_of(txn, e);
  auto plan = domain::plan_correction(facts, cmd.account);
  if (plan.outcome == domain::correction_outcome::account_not_allowed) {
    out.outcome = resolve_outcome::account_not_allowed;
    out.allowed_accounts = domain::correction_targets(facts);
    return out;
  }
  booked_correction booked;
  if (plan.outcome == domain::correction_outcome::book) {
    booked = book_correction(txn, e.id, plan, facts.currency);
    // The order the PSP settled while it waited succeeded since: its
    // receivable is what the correction cleared, so it is settled too.
    if (facts.which == domain::policy_case::status_mismatch_order_unfinished
        && plan.account == domain::psp_receivable_account
        && !e.our_id.empty()) {
      auto order = txn.exec_params(sql::reconcile::follow_up_order, e.our_id);
      if (!order.empty() && std::string{order[0][0].c_str()} == "SUCCESS")
        txn.exec_params(sql::reconcile::settle_order_on, e.our_id, e.date);
    }
  }
  txn.exec_params(sql::reconcile::resolve_exception, e.id, cmd.resolution,
                  unless_zero(booked, booked.transaction_id),
                  unless_zero(booked, booked.account),
                  unless_zero(booked, booked.target_minor));
  out.exception = get_exception(txn, e.id).exception;
  out.outcome = resolve_outcome::resolved;
  out.booked = booked.transaction_id != 0;
  return out;
}

std::vector<std::int64_t> follow_up_candidates(pqxx::work& txn,
                                               std::uint32_t limit) {
  std::vector<std::int64_t> out;
  for (const auto& r : txn.exec_params(sql::reconcile::follow_up_candidates,
                                       static_cast<std::int64_t>(limit)))
    out.push_back(r[0].as<std::int64_t>());
  return out;
}

follow_up_outcome follow_up_exception(pqxx::work& txn, std::int64_t id) {
  follow_up_outcome out;
  auto locked = lock_exception(txn, id);
  if (!locked || locked->status != "open"
      || locked->policy_case
           != domain::to_string(
             domain::policy_case::status_mismatch_order_unfinished))
    return out;
  out.exception = *locked;
  const auto& e = out.exception;
  auto order = txn.exec_params(sql::reconcile::follow_up_order, e.our_id);
  if (order.empty()) return out;
  std::string status = order[0][0].c_str();
  if (status == "FAILED") {
    txn.exec_params(sql::reconcile::escalate_exception, id,
                    "Order " + e.our_id
                      + " then failed at the PSP: the money waits in "
                        "settlement_suspense for finance.");
    out.result = follow_up_result::escalated;
  } else if (status == "SUCCESS" && order[0][1].as<bool>()) {
    auto plan = domain::plan_correction(facts_of(txn, e), "");
    booked_correction booked;
    if (plan.outcome == domain::correction_outcome::book)
      booked = book_correction(txn, id, plan, e.currency);
    txn.exec_params(sql::reconcile::settle_order_on, e.our_id, e.date);
    txn.exec_params(sql::reconcile::auto_resolve_exception, id,
                    "auto-corrected by the reconciler: order " + e.our_id
                      + " succeeded at the PSP",
                    unless_zero(booked, booked.transaction_id),
                    unless_zero(booked, booked.account),
                    unless_zero(booked, booked.target_minor));
    out.result = follow_up_result::corrected;
  } else {
    return out;
  }
  out.exception = get_exception(txn, id).exception;
  return out;
}

}  // namespace pay::persistence
