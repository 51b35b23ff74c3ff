#include "persistence/store_commands.hpp"

#include <stdexcept>

#include "persistence/migrations.hpp"
#include "persistence/pg_array.hpp"
#include "persistence/sql.hpp"

namespace pay::persistence {

namespace {

order_view to_order_view(const pqxx::row& row) {
  order_view v;
  v.id.value = row[0].as<std::string>();
  v.checkout.value = row[1].as<std::string>();
  v.seller.value = row[2].as<std::string>();
  v.amount_minor = row[3].as<std::int64_t>();
  v.currency = row[4].as<std::string>();
  auto status = domain::order_status_from_db(row[5].as<std::string>());
  if (!status)
    throw std::logic_error("unknown order status in database: "
                           + row[5].as<std::string>());
  v.status = *status;
  v.version = row[6].as<std::int32_t>();
  v.attempts = row[7].as<std::int32_t>();
  v.psp_reference = row[8].as<std::string>();
  v.failure_code = row[9].as<std::string>();
  v.failure_message = row[10].as<std::string>();
  v.wallet_updated = row[11].as<bool>();
  v.ledger_updated = row[12].as<bool>();
  v.created_at = row[13].as<std::string>();
  v.updated_at = row[14].as<std::string>();
  return v;
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
                     c.psp_token, c.request_hash);
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
    cmd.failure_message);
  if (!rows.empty()) {
    out.applied = true;
    out.current = to_order_view(rows[0]);
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

wallet_view execute(pqxx::work& txn, const load_wallet& cmd) {
  wallet_view out;
  out.seller = cmd.seller;
  for (const auto& row : txn.exec_prepared(sql::load_wallet.name,
                                           cmd.seller.value))
    out.balances.push_back(
      balance_line{row[0].as<std::string>(), row[1].as<std::int64_t>()});
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

ready_reply execute(pqxx::work& txn, const check_ready&) {
  auto row = txn.exec1(sql::schema_version);
  int version = row[0].is_null() ? 0 : row[0].as<int>();
  if (version < latest_migration_version())
    return ready_reply{false, "schema at version " + std::to_string(version)
                                + ", expected "
                                + std::to_string(latest_migration_version())};
  return ready_reply{true, "ok"};
}

}  // namespace pay::persistence
