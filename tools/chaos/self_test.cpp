#include "tools/chaos/self_test.hpp"

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/access/api_key.hpp"
#include "http/form.hpp"
#include "testkit/db.hpp"
#include "tools/chaos/checks.hpp"
#include "tools/chaos/driver.hpp"
#include "tools/chaos/fence_check.hpp"
#include "tools/chaos/money_cycle.hpp"
#include "tools/chaos/plan.hpp"
#include "tools/chaos/psp_faults.hpp"
#include "tools/chaos/stack.hpp"

namespace pay::chaos {

namespace {

constexpr std::uint32_t calm_checkouts = 24;
constexpr std::uint32_t calm_orders_per_checkout = 2;
constexpr std::uint32_t calm_concurrency = 8;
constexpr std::uint32_t calm_quiesce_ms = 60'000;
constexpr std::uint32_t short_quiesce_ms = 300;

struct context {
  std::string database_url;
  std::uint16_t pspsim_port = 0;
  schema_features schema;
  std::vector<planned_checkout> plan;
  drive_result drive;
  money_cycle_result cycle;
  std::string success_order;      // a booked SUCCESS order
  std::string success_reference;  // its psp_reference
  std::size_t acked_index = 0;
  std::uint32_t psp_key_ttl_s = 86'400;  // pspsim's --idempotency-key-ttl-s
};

struct break_case {
  const char* name;
  invariant expected;
  bool needs_history;
  bool leaves_work;  // the break must also stop the round being quiescent
  std::function<void(context&)> apply;
  std::function<void(context&)> revert;  // empty: cannot be undone
};

// The first row's columns as text; empty when there is no row.
std::vector<std::string> first_row(const std::string& url,
                                   const std::string& sql) {
  pqxx::connection conn{url};
  pqxx::read_transaction txn{conn};
  const auto rows = txn.exec(sql);
  std::vector<std::string> out;
  if (!rows.empty())
    for (const auto& field : rows[0]) out.push_back(field.c_str());
  return out;
}

std::string first_text(const std::string& url, const std::string& sql) {
  const auto row = first_row(url, sql);
  return row.empty() ? std::string{} : row.front();
}

// Three-decimal currencies take refunds in steps of 10 only: the breaks
// below refund 1 minor unit, so they pick orders in other currencies.
constexpr const char* minor_unit_refundable =
  " AND o.currency NOT IN ('BHD', 'JOD', 'KWD', 'OMR', 'TND')";

void exec(const context& c, const std::string& sql) {
  it::exec_sql(c.database_url, sql);
}

std::string sql_literal(const std::string& id) { return "'" + id + "'"; }

void stray_charge(context& c) {
  http::sync_client sim{"127.0.0.1", c.pspsim_port};
  sim.post("/v1/payment_intents",
           http::form_encode({{"amount", "100"},
                              {"currency", "usd"},
                              {"payment_method", "pm_card_visa"},
                              {"confirm", "true"}}),
           "application/x-www-form-urlencoded",
           {{"Authorization", "Bearer sk_test_pspsim"},
            {"Idempotency-Key", "chaos_self_test_stray"}});
}

const http::sync_client::header_list psp_auth_with(const char* key) {
  return {{"Authorization", "Bearer sk_test_pspsim"}, {"Idempotency-Key", key}};
}

// One minor unit of an intent that nothing refunded yet, made behind
// paymentd's back.
void stray_refund(context& c) {
  const auto intent = first_text(
    c.database_url,
    std::string{
      "SELECT o.psp_reference FROM payment_order o WHERE o.status = 'SUCCESS'"
      " AND NOT EXISTS (SELECT 1 FROM refund r"
      "                  WHERE r.payment_order_id = o.payment_order_id)"}
      + minor_unit_refundable + " ORDER BY 1 LIMIT 1");
  http::sync_client sim{"127.0.0.1", c.pspsim_port};
  sim.post("/v1/refunds",
           http::form_encode({{"payment_intent", intent}, {"amount", "1"}}),
           "application/x-www-form-urlencoded",
           psp_auth_with("chaos_self_test_stray_refund"));
}

// What paymentd must never do: POST a refund again under its refund id
// after pspsim forgot the key. One minor unit more of an intent a SUCCEEDED
// refund of ours refunded, once pspsim's clock passed the key's lifetime.
void refund_id_reused_after_expiry(context& c) {
  const auto row = first_row(
    c.database_url,
    std::string{
      "SELECT r.refund_id, o.psp_reference FROM refund r"
      "  JOIN payment_order o USING (payment_order_id)"
      " WHERE r.status = 'SUCCEEDED'"
      "   AND o.amount_minor > (SELECT coalesce(sum(x.amount_minor), 0)"
      "                           FROM refund x WHERE x.status <> 'FAILED'"
      "                            AND x.payment_order_id = o.payment_order_id)"}
      + minor_unit_refundable + " ORDER BY 1 LIMIT 1");
  if (row.size() != 2) return;  // nothing to break: reported as not caught
  http::sync_client sim{"127.0.0.1", c.pspsim_port};
  sim.post("/sim/clock/advance?seconds=" + std::to_string(c.psp_key_ttl_s + 1),
           "", "application/json");
  sim.post("/v1/refunds",
           http::form_encode({{"payment_intent", row[1]},
                              {"amount", "1"},
                              {"metadata[refund_id]", row[0]}}),
           "application/x-www-form-urlencoded", psp_auth_with(row[0].c_str()));
}

void stray_payout(context& c) {
  http::sync_client sim{"127.0.0.1", c.pspsim_port};
  sim.post("/v1/payouts",
           http::form_encode({{"amount", "100"},
                              {"currency", "usd"},
                              {"destination", "seller_stray"}}),
           "application/x-www-form-urlencoded",
           psp_auth_with("chaos_self_test_stray_payout"));
}

// A transfer no pay-out of ours made: money sent to a seller twice looks
// like this at pspsim. Reversing it (the money back) undoes the break.
std::string stray_transfer_id;

void stray_transfer(context& c) {
  http::sync_client sim{"127.0.0.1", c.pspsim_port};
  auto account = sim.post("/v1/accounts",
                          http::form_encode(
                            {{"type", "custom"},
                             {"country", "US"},
                             {"capabilities[transfers][requested]", "true"}}),
                          "application/x-www-form-urlencoded",
                          psp_auth_with("chaos_self_test_stray_account"));
  auto transfer = sim.post(
    "/v1/transfers",
    http::form_encode(
      {{"amount", "100"},
       {"currency", "usd"},
       {"destination", it::string_at(it::json_of(account), {"id"})}}),
    "application/x-www-form-urlencoded",
    psp_auth_with("chaos_self_test_stray_transfer"));
  stray_transfer_id = it::string_at(it::json_of(transfer), {"id"});
}

void reverse_stray_transfer(context& c) {
  http::sync_client sim{"127.0.0.1", c.pspsim_port};
  sim.post("/v1/transfers/" + stray_transfer_id + "/reversals", "",
           "application/x-www-form-urlencoded",
           psp_auth_with("chaos_self_test_stray_reversal"));
}

std::vector<break_case> break_cases() {
  // Triggers are bypassed the way a buggy migration or a manual fix would.
  const std::string replica = "SET session_replication_role = replica;";
  return {
    {"wallet off by one minor unit", invariant::booked_once, false, false,
     [](context& c) {
       exec(c,
            "UPDATE wallet SET balance_minor = balance_minor + 1"
            " WHERE (seller_account, currency) = (SELECT seller_account,"
            " currency FROM wallet ORDER BY 1, 2 LIMIT 1)");
     },
     [](context& c) {
       exec(c,
            "UPDATE wallet SET balance_minor = balance_minor - 1"
            " WHERE (seller_account, currency) = (SELECT seller_account,"
            " currency FROM wallet ORDER BY 1, 2 LIMIT 1)");
     }},
    {"SUCCESS order back to EXECUTING", invariant::terminal_or_dlq, false, true,
     [](context& c) {
       exec(c,
            "UPDATE payment_order SET status = 'EXECUTING',"
            " wallet_updated = false, ledger_updated = false"
            " WHERE payment_order_id = "
              + sql_literal(c.success_order));
     },
     [](context& c) {
       exec(c,
            "UPDATE payment_order SET status = 'SUCCESS',"
            " wallet_updated = true, ledger_updated = true"
            " WHERE payment_order_id = "
              + sql_literal(c.success_order));
     }},
    {"unbalanced ledger entry", invariant::booked_once, false, false,
     [replica](context& c) {
       exec(c, replica + "INSERT INTO ledger_entry (transaction_id, account,"
                 " currency, amount_minor) SELECT id, 'psp_receivable', 'USD', 1"
                 " FROM ledger_transaction ORDER BY id LIMIT 1");
     },
     [replica](context& c) {
       exec(c, replica + "DELETE FROM ledger_entry WHERE id ="
                           " (SELECT max(id) FROM ledger_entry)");
     }},
    {"history row going backwards", invariant::history_forward, true, false,
     [](context& c) {
       exec(c,
            "INSERT INTO payment_order_history (payment_order_id,"
            " from_status, to_status, event, attempt) VALUES ("
              + sql_literal(c.success_order)
              + ", 'SUCCESS', 'EXECUTING', 'chaos_self_test', 0)");
     },
     [](context& c) {
       exec(c,
            "DELETE FROM payment_order_history"
            " WHERE event = 'chaos_self_test'");
     }},
    {"SUCCESS order names another intent", invariant::charged_once, false,
     false,
     [](context& c) {
       exec(c,
            "UPDATE payment_order SET psp_reference = 'pi_chaos_wrong'"
            " WHERE payment_order_id = "
              + sql_literal(c.success_order));
     },
     [](context& c) {
       exec(c, "UPDATE payment_order SET psp_reference = "
                 + sql_literal(c.success_reference)
                 + " WHERE payment_order_id = " + sql_literal(c.success_order));
     }},
    {"acknowledged checkout lost", invariant::terminal_or_dlq, false, false,
     [](context& c) {
       c.plan[c.acked_index].spec.checkout_id += "_never_stored";
     },
     [](context& c) {
       auto& id = c.plan[c.acked_index].spec.checkout_id;
       id.resize(id.size() - std::string{"_never_stored"}.size());
     }},
    {"acknowledged order stored with another amount",
     invariant::terminal_or_dlq, false, false,
     [](context& c) {
       c.plan[c.acked_index].spec.orders.front().amount += "1";
     },
     [](context& c) {
       auto& amount = c.plan[c.acked_index].spec.orders.front().amount;
       amount.pop_back();
     }},
    {"refused checkout stored", invariant::refused_changed_nothing, false,
     false,
     [](context& c) {
       c.drive.refused_checkout_ids.push_back(
         c.plan[c.acked_index].spec.checkout_id);
     },
     [](context& c) { c.drive.refused_checkout_ids.pop_back(); }},
    {"stray charge at pspsim", invariant::charged_once, false, false,
     stray_charge, nullptr},
    {"acknowledged refund missing", invariant::refund_answer_kept, false, false,
     [](context& c) {
       c.cycle.refunds_acknowledged.push_back({"rfk_chaos_never_stored",
                                               "rf_chaos_never_stored",
                                               c.success_order, 1});
     },
     [](context& c) { c.cycle.refunds_acknowledged.pop_back(); }},
    {"refused refund key stored", invariant::refund_answer_kept, false, false,
     [](context& c) {
       c.cycle.refund_keys_refused.push_back(
         first_text(c.database_url,
                    "SELECT idempotency_key FROM refund ORDER BY 1 LIMIT 1"));
     },
     [](context& c) { c.cycle.refund_keys_refused.pop_back(); }},
    {"stray refund at pspsim", invariant::refunded_once_at_psp, false, false,
     stray_refund, nullptr},
    {"stray transfer at pspsim", invariant::paid_out_once_at_psp, false, false,
     stray_transfer, reverse_stray_transfer},
    {"stray payout at pspsim", invariant::paid_out_once_at_psp, false, false,
     stray_payout, nullptr},
    // Last: it moves pspsim's clock a key's lifetime ahead.
    {"refund id POSTed again after pspsim forgot its key",
     invariant::refund_id_refunded_once, false, false,
     refund_id_reused_after_expiry, nullptr},
  };
}

// The first violation of kind `expected`, or empty.
// Invariant 14 runs in cluster rounds only (round.cpp), not among the
// checks above: broken here on its own. A history row written by an
// incarnation after its lease ended is what the fence must never let in.
bool fence_check_catches_a_late_write(const context& c, std::ostream& out) {
  const char* name = "history row written after its writer's lease ended";
  if (!check_fenced_writes(c.database_url).found.empty()) {
    out << "FAIL " << name << ": already reported before the break\n";
    return false;
  }
  exec(c,
       "INSERT INTO cluster_node (node_id, epoch, address, lease_expires_at)"
       " VALUES ('selftest', 1, 'http://selftest',"
       "         now() - interval '1 minute');"
       "INSERT INTO payment_order_history (payment_order_id, from_status,"
       " to_status, event, attempt, written_by) VALUES ("
         + sql_literal(c.success_order)
         + ", 'SUCCESS', 'SUCCESS', 'chaos_self_test_fence', 0,"
           " 'selftest:1')");
  const auto found = check_fenced_writes(c.database_url).found;
  bool ok = !found.empty()
            && found.front().which == invariant::fenced_after_takeover;
  out << (ok ? "ok   " : "FAIL ") << name << ": "
      << (ok ? "caught as [" + std::string{to_string(found.front().which)}
                 + "] " + found.front().detail
             : std::string{"not caught"})
      << "\n";
  exec(c,
       "DELETE FROM payment_order_history"
       " WHERE event = 'chaos_self_test_fence';"
       "DELETE FROM cluster_node WHERE node_id = 'selftest'");
  return ok;
}

std::string caught(const context& c, invariant expected) {
  check_input in{c.database_url, c.pspsim_port, c.schema,
                 &c.plan,        &c.drive,      &c.cycle};
  for (const auto& v : check_invariants(in))
    if (v.which == expected) return v.detail;
  return {};
}

bool calm_round(context& c, round_stack& stack, std::ostream& out) {
  http::sync_client sim{"127.0.0.1", stack.pspsim_port()};
  set_faults(sim, no_faults());
  c.plan = make_plan(plan_options{0, calm_checkouts, calm_orders_per_checkout,
                                  c.schema.idempotency_keys},
                     1);
  drive_settings settings;
  settings.concurrency = calm_concurrency;
  settings.client.api_key = stack.admin_key();
  driver clients{c.plan, stack.paymentd_port(), settings};
  money_cycle_settings cycle_settings;
  cycle_settings.seed = 1;
  cycle_settings.client.api_key = stack.admin_key();
  money_cycle after_payin{c.database_url, stack.paymentd_port(),
                          cycle_settings};
  clients.start();
  after_payin.start();
  c.drive = clients.finish();
  c.cycle = after_payin.finish();
  const auto settled = wait_quiescent(c.database_url, c.schema,
                                      calm_quiesce_ms);
  check_input in{c.database_url, c.pspsim_port, c.schema,
                 &c.plan,        &c.drive,      &c.cycle};
  auto found = check_invariants(in);
  for (auto& v : c.drive.found) found.push_back(v);
  for (auto& v : c.cycle.found) found.push_back(v);
  // The refund and pay-out checks below prove little without refunds.
  if (c.schema.refunds && c.cycle.refunds_acknowledged.empty())
    found.push_back({invariant::harness, "the calm round made no refund"});
  out << "  calm round: " << c.cycle.refunds_acknowledged.size()
      << " refunds acknowledged, " << c.cycle.refund_keys_refused.size()
      << " refused, " << c.cycle.payout_runs << " pay-out runs\n";
  if (!settled.quiescent)
    found.push_back({invariant::quiescence, "the calm round did not settle"});
  for (const auto& v : found)
    out << "  calm round: [" << to_string(v.which) << "] " << v.detail << "\n";
  return found.empty();
}

}  // namespace

int run_self_test(const chaos_options& options, const environment& env,
                  std::ostream& out) {
  const auto db = "chaos_selftest_" + std::to_string(::getpid());
  stack_options s;
  s.admin_url = env.admin_url;
  s.database_name = db;
  s.log_dir = options.log_dir + "/" + db;
  s.paymentd_bin = env.paymentd_bin;
  s.paymentd_config = env.paymentd_config;
  s.pspsim_bin = env.pspsim_bin;
  s.admin_key = domain::generate_api_key(domain::key_mode::test);
  context c;
  if (options.psp_key_ttl_s > 0) {
    s.pspsim_key_ttl_s = options.psp_key_ttl_s;
    s.psp_key_trust_s = options.psp_key_ttl_s - psp_key_trust_margin_s;
    c.psp_key_ttl_s = options.psp_key_ttl_s;
  }
  std::filesystem::create_directories(s.log_dir);
  round_stack stack{s};
  if (auto err = stack.start(); !err.empty()) {
    out << "self-test: " << err << "\n";
    return 1;
  }
  c.database_url = stack.database_url();
  c.pspsim_port = stack.pspsim_port();
  detect_schema(c.database_url, c.schema);
  bool ok = calm_round(c, stack, out);
  out << (ok ? "ok   " : "FAIL ") << "a calm round has no violations\n";
  // Nothing may repair the breaks while they are checked.
  stack.stop_paymentd();
  c.success_order = first_text(
    c.database_url,
    "SELECT payment_order_id FROM payment_order WHERE"
    " status = 'SUCCESS' AND ledger_updated"
      // Fulfilled orders may not leave SUCCESS (a check).
      + std::string{c.schema.payouts ? " AND fulfilled_at IS NULL" : ""}
      + " ORDER BY 1 LIMIT 1");
  c.success_reference = first_text(c.database_url,
                                   "SELECT psp_reference FROM payment_order"
                                   " WHERE payment_order_id = "
                                     + sql_literal(c.success_order));
  for (std::size_t i = 0; i < c.plan.size(); ++i)
    if (c.drive.acknowledged[i]) c.acked_index = i;
  for (const auto& b : break_cases()) {
    if (b.needs_history && !c.schema.history) {
      out << "skip " << b.name << " (no history table)\n";
      continue;
    }
    // Reported before the break, a catch would prove nothing.
    if (const auto before = caught(c, b.expected); !before.empty()) {
      out << "FAIL " << b.name
          << ": already reported before the break: " << before << "\n";
      ok = false;
      continue;
    }
    b.apply(c);
    const auto detail = caught(c, b.expected);
    bool this_ok = !detail.empty();
    if (b.leaves_work)
      this_ok = this_ok
                && !wait_quiescent(c.database_url, c.schema, short_quiesce_ms)
                      .quiescent;
    out << (this_ok ? "ok   " : "FAIL ") << b.name << ": "
        << (this_ok ? "caught as [" + std::string{to_string(b.expected)} + "] "
                        + detail
                    : std::string{"not caught"})
        << "\n";
    ok = ok && this_ok;
    if (b.revert) b.revert(c);
  }
  if (c.schema.history) ok = fence_check_catches_a_late_write(c, out) && ok;
  if (ok) stack.drop_database();
  out << "self-test: " << (ok ? "passed" : "FAILED (database " + db + " kept)")
      << "\n";
  return ok ? 0 : 1;
}

}  // namespace pay::chaos
