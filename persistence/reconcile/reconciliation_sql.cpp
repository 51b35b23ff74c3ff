#include "persistence/reconcile/reconciliation_sql.hpp"

#include <map>
#include <unordered_set>

#include <boost/json.hpp>

#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"
#include "persistence/common/pg_array.hpp"
#include "persistence/ledger/ledger_sql.hpp"

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
  c.status = domain::order_status_from_db(r[5].c_str())
               .value_or(domain::order_status::not_started);
  c.settled_on = r[6].c_str();
  return c;
}

constexpr const char* charge_columns =
  "SELECT payment_order_id, coalesce(psp_reference, ''), seller_account,"
  "       amount_minor, currency, status::text, coalesce(settled_on::text, '')"
  "  FROM payment_order ";

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
  return v;
}

constexpr const char* exception_columns =
  "SELECT exception_id, settled_date::text, kind, route,"
  "       coalesce(psp_reference, ''), coalesce(our_id, ''), ours::text,"
  "       theirs::text, message, status, coalesce(resolution, ''),"
  "       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
  "       coalesce(to_char(resolved_at AT TIME ZONE 'UTC',"
  "                        'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), '')"
  "  FROM reconciliation_exception ";

void settle(pqxx::work& txn, const char* table, const char* id_column,
            const std::string& date, const std::vector<std::string>& ids,
            std::int32_t& settled) {
  if (ids.empty()) return;
  auto result = txn.exec_params(
    std::string{"UPDATE "} + table + " SET settled_on = $1::date WHERE "
      + id_column + " = ANY($2::text[]) AND settled_on IS NULL",
    date, to_pg_array(ids));
  settled += static_cast<std::int32_t>(result.affected_rows());
}

// What earlier runs booked for the day, per currency and account.
std::map<std::string, std::map<std::string, std::int64_t>> booked_for(
  pqxx::work& txn, const std::string& date) {
  std::map<std::string, std::map<std::string, std::int64_t>> out;
  for (const auto& r : txn.exec_params(
         "SELECT e.currency, e.account, sum(e.amount_minor)::bigint"
         "  FROM ledger_transaction t"
         "  JOIN ledger_entry e ON e.transaction_id = t.id"
         " WHERE t.kind = 'settlement' AND t.reference LIKE $1 || ':%'"
         " GROUP BY e.currency, e.account",
         date))
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
  txn.exec("SET LOCAL TIME ZONE 'UTC'");
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
  for (const auto& r : txn.exec_params(
         std::string{charge_columns} + "WHERE psp_reference = ANY($1::text[])",
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
         txn.exec_params(std::string{charge_columns}
                           + "WHERE payment_order_id = ANY($1::text[])",
                         to_pg_array(keys_left)))
      if (found_orders.count(r[0].c_str()) == 0)
        out.charges.push_back(to_charge(r));
  for (const auto& r : txn.exec_params(
         std::string{charge_columns}
           + "WHERE status = 'SUCCESS' AND succeeded_at >= $1::date"
             "   AND succeeded_at < $1::date + 1",
         file.date))
    out.expected.push_back(to_charge(r));
  for (const auto& r : txn.exec_params(
         "SELECT refund_id, coalesce(psp_reference, ''), payment_order_id,"
         "       amount_minor, currency, status::text,"
         "       coalesce(settled_on::text, '')"
         "  FROM refund WHERE psp_reference = ANY($1::text[])"
         "                 OR refund_id = ANY($2::text[])",
         to_pg_array(unique_of(refunds.references)),
         to_pg_array(unique_of(refunds.keys)))) {
    domain::our_refund x;
    x.refund_id = r[0].c_str();
    x.psp_reference = r[1].c_str();
    x.order_id = domain::payment_order_id{r[2].c_str()};
    x.amount_minor = r[3].as<std::int64_t>();
    x.currency = r[4].c_str();
    x.status = r[5].c_str();
    x.settled_on = r[6].c_str();
    out.refunds.push_back(std::move(x));
  }
  for (const auto& r : txn.exec_params(
         "SELECT payout_id, coalesce(psp_reference, ''), seller_account,"
         "       amount_minor, currency, status::text,"
         "       coalesce(settled_on::text, '')"
         "  FROM payout WHERE psp_reference = ANY($1::text[])"
         "                 OR payout_id = ANY($2::text[])",
         to_pg_array(unique_of(payouts.references)),
         to_pg_array(unique_of(payouts.keys)))) {
    domain::our_payout x;
    x.payout_id = r[0].c_str();
    x.psp_reference = r[1].c_str();
    x.seller = domain::seller_account{r[2].c_str()};
    x.amount_minor = r[3].as<std::int64_t>();
    x.currency = r[4].c_str();
    x.status = r[5].c_str();
    x.settled_on = r[6].c_str();
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
                   "INSERT INTO reconciliation_run"
                   " (settled_date, status, file_sha256, lines, report)"
                   " VALUES ($1::date, 'completed', $2, $3, '{}')"
                   " RETURNING run_id",
                   plan.date, file_sha256,
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
    txn.exec_params(
      "INSERT INTO settlement_line (settled_date, line_no, psp_reference,"
      "  idempotency_key, type, gross_minor, fee_minor, net_minor, currency,"
      "  outcome, our_id)"
      " SELECT $1::date, l.line_no, l.reference, l.key, l.type, l.gross,"
      "        l.fee, l.net, l.currency, l.outcome, nullif(l.our_id, '')"
      "   FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[],"
      "               $6::bigint[], $7::bigint[], $8::text[], $9::text[],"
      "               $10::text[], $11::text[])"
      "        AS l(line_no, reference, type, gross, fee, net, currency,"
      "             outcome, our_id, key)"
      " ON CONFLICT (settled_date, line_no) DO UPDATE SET"
      "   psp_reference = excluded.psp_reference,"
      "   idempotency_key = excluded.idempotency_key, type = excluded.type,"
      "   gross_minor = excluded.gross_minor, fee_minor = excluded.fee_minor,"
      "   net_minor = excluded.net_minor, currency = excluded.currency,"
      "   outcome = excluded.outcome, our_id = excluded.our_id"
      // A re-run over the same file rewrites nothing.
      " WHERE (settlement_line.psp_reference, settlement_line.idempotency_key,"
      "        settlement_line.type, settlement_line.gross_minor,"
      "        settlement_line.fee_minor, settlement_line.net_minor,"
      "        settlement_line.currency, settlement_line.outcome,"
      "        settlement_line.our_id)"
      "   IS DISTINCT FROM"
      "       (excluded.psp_reference, excluded.idempotency_key, excluded.type,"
      "        excluded.gross_minor, excluded.fee_minor, excluded.net_minor,"
      "        excluded.currency, excluded.outcome, excluded.our_id)",
      plan.date, to_pg_array(line_no), to_pg_array(reference),
      to_pg_array(type), to_pg_array(gross), to_pg_array(fee), to_pg_array(net),
      to_pg_array(currency), to_pg_array(outcome), to_pg_array(our_id),
      to_pg_array(key));
  }

  if (!plan.exceptions.empty()) {
    std::vector<std::string> key, kind, route, reference, our_id, ours, theirs,
      message;
    for (const auto& e : plan.exceptions) {
      key.push_back(e.key);
      kind.push_back(std::string{domain::to_string(e.kind)});
      route.push_back(std::string{domain::to_string(e.route)});
      reference.push_back(e.reference);
      our_id.push_back(e.our_id);
      ours.push_back(ours_json(e));
      theirs.push_back(theirs_json(e));
      message.push_back(e.message);
    }
    // Auto-corrected discrepancies are recorded already resolved: finance
    // sees what was done, nobody has to act.
    auto inserted = txn.exec_params(
      "INSERT INTO reconciliation_exception (settled_date, key, kind, route,"
      "  psp_reference, our_id, ours, theirs, message, status, resolution,"
      "  first_run_id, resolved_at)"
      " SELECT $1::date, e.key, e.kind, e.route, nullif(e.reference, ''),"
      "        nullif(e.our_id, ''), e.ours::jsonb, e.theirs::jsonb, e.message,"
      "        CASE WHEN e.route = 'auto_corrected' THEN 'resolved' ELSE 'open' END,"
      "        CASE WHEN e.route = 'auto_corrected'"
      "             THEN 'auto-corrected by the reconciler' END,"
      "        $10,"
      "        CASE WHEN e.route = 'auto_corrected' THEN now() END"
      "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],"
      "               $6::text[], $7::text[], $8::text[], $9::text[])"
      "        AS e(key, kind, route, reference, our_id, ours, theirs, message)"
      " ON CONFLICT (settled_date, key) DO NOTHING RETURNING key",
      plan.date, to_pg_array(key), to_pg_array(kind), to_pg_array(route),
      to_pg_array(reference), to_pg_array(our_id), to_pg_array(ours),
      to_pg_array(theirs), to_pg_array(message), out.run_id);
    out.new_exceptions = static_cast<std::int32_t>(inserted.size());
    for (const auto& row : inserted) out.new_keys.emplace_back(row[0].c_str());
  }

  std::vector<std::string> orders;
  for (const auto& id : plan.orders_to_settle) orders.push_back(id.value);
  settle(txn, "payment_order", "payment_order_id", plan.date, orders,
         out.records_settled);
  settle(txn, "refund", "refund_id", plan.date, plan.refunds_to_settle,
         out.records_settled);
  settle(txn, "payout", "payout_id", plan.date, plan.payouts_to_settle,
         out.records_settled);

  out.new_ledger_transactions = book_settlement(txn, plan, out.run_id);
  return out;
}

void update_report(pqxx::work& txn, std::int64_t run_id,
                   const std::string& report_json) {
  txn.exec_params(
    "UPDATE reconciliation_run SET report = $2::jsonb, finished_at = now(),"
    "       new_exceptions = ($2::jsonb ->> 'new_exceptions')::integer,"
    "       new_ledger_transactions ="
    "         ($2::jsonb ->> 'new_ledger_transactions')::integer"
    " WHERE run_id = $1",
    run_id, report_json);
}

std::int64_t record_failed_run(pqxx::work& txn, const std::string& date,
                               const std::string& error,
                               const std::string& report_json) {
  return txn
    .exec_params1(
      "INSERT INTO reconciliation_run (settled_date, status, report, error,"
      "  finished_at) VALUES ($1::date, 'failed', $2::jsonb, $3, now())"
      " RETURNING run_id",
      date, report_json, error)[0]
    .as<std::int64_t>();
}

reconciliation_runs list_runs(pqxx::work& txn,
                              const list_reconciliation_runs& query) {
  reconciliation_runs out;
  for (const auto& r : txn.exec_params(
         "SELECT run_id, settled_date::text, status, report::text,"
         "       coalesce(error, '')"
         "  FROM reconciliation_run"
         " WHERE ($1 = '' OR settled_date = nullif($1, '')::date)"
         " ORDER BY run_id DESC LIMIT $2",
         query.date, static_cast<std::int64_t>(query.limit)))
    out.runs.push_back(reconciliation_report{r[0].as<std::int64_t>(),
                                             r[1].c_str(), r[2].c_str(),
                                             r[3].c_str(), r[4].c_str()});
  return out;
}

reconciliation_exceptions list_exceptions(
  pqxx::work& txn, const list_reconciliation_exceptions& query) {
  reconciliation_exceptions out;
  for (const auto& r : txn.exec_params(
         std::string{exception_columns}
           + " WHERE ($1 = '' OR status = $1)"
             "   AND ($2 = '' OR settled_date = nullif($2, '')::date)"
             "   AND ($3 = '' OR route = $3)"
             " ORDER BY exception_id LIMIT $4",
         query.status, query.date, query.route,
         static_cast<std::int64_t>(query.limit)))
    out.exceptions.push_back(to_exception_view(r));
  return out;
}

resolve_reconciliation_reply resolve_exception(
  pqxx::work& txn, const resolve_reconciliation_exception& cmd) {
  resolve_reconciliation_reply out;
  auto updated = txn.exec_params(
    "UPDATE reconciliation_exception SET status = 'resolved',"
    "       resolution = $2, resolved_at = now()"
    " WHERE exception_id = $1 AND status = 'open'",
    cmd.id, cmd.resolution);
  auto rows = txn.exec_params(
    std::string{exception_columns} + " WHERE exception_id = $1", cmd.id);
  if (rows.empty()) {
    out.outcome = resolve_outcome::not_found;
    return out;
  }
  out.exception = to_exception_view(rows[0]);
  out.outcome = updated.affected_rows() == 1
                  ? resolve_outcome::resolved
                  : resolve_outcome::already_resolved;
  return out;
}

}  // namespace pay::persistence
