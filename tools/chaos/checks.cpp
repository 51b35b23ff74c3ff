#include "tools/chaos/checks.hpp"

#include <cctype>
#include <map>
#include <set>

#include <pqxx/pqxx>

#include "domain/common/money.hpp"
#include "http/sync_client.hpp"
#include "testkit/invariants.hpp"
#include "testkit/json_read.hpp"
#include "testkit/sim.hpp"
#include "tools/chaos/money_checks.hpp"
#include "tools/chaos/sql_checks.hpp"

namespace pay::chaos {

namespace {

// One check never floods the report; the rest is counted.
constexpr std::size_t listed_per_check_max = 40;

struct stored_order {
  std::string checkout_id;
  std::string seller_account;
  std::int64_t amount_minor = 0;
  std::string currency;
};

struct stored_state {
  std::map<std::string, stored_order> orders;
  std::set<std::string> checkout_ids;
};

class collector {
 public:
  explicit collector(violations& out) : out_(out) {}
  void add(invariant which, std::string detail) {
    if (++counts_[which] <= listed_per_check_max)
      out_.push_back({which, std::move(detail)});
  }
  // Says how many were left out, per invariant. Once.
  void close() {
    if (closed_) return;
    closed_ = true;
    for (const auto& [which, n] : counts_)
      if (n > listed_per_check_max)
        out_.push_back({which, "... and "
                                 + std::to_string(n - listed_per_check_max)
                                 + " more like the above"});
  }

 private:
  violations& out_;
  std::map<invariant, std::size_t> counts_;
  bool closed_ = false;
};

stored_state load_state(pqxx::connection& conn) {
  stored_state out;
  pqxx::read_transaction txn{conn};
  for (const auto& r : txn.exec(sql::stored_orders))
    out.orders[r[0].c_str()] = stored_order{r[1].c_str(), r[2].c_str(),
                                            r[3].as<std::int64_t>(),
                                            r[4].c_str()};
  for (const auto& r : txn.exec(sql::checkout_ids))
    out.checkout_ids.insert(r[0].c_str());
  return out;
}

std::string order_text(const std::string& checkout_id,
                       const std::string& seller, std::int64_t amount_minor,
                       const std::string& currency) {
  return checkout_id + "/" + seller + "/" + std::to_string(amount_minor) + " "
         + currency;
}

// 1: what the clients were told was stored, is, exactly as they sent it.
void check_acknowledged(const check_input& in, const stored_state& state,
                        collector& found) {
  const auto& plan = *in.plan;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (!in.drive->acknowledged[i]) continue;
    const auto& spec = plan[i].spec;
    if (!state.checkout_ids.count(spec.checkout_id)) {
      found.add(invariant::terminal_or_dlq,
                "checkout " + spec.checkout_id
                  + " was acknowledged with a 2xx but is not stored (lost)");
      continue;
    }
    for (const auto& o : spec.orders) {
      const auto sent_minor =
        domain::parse_money(o.amount, o.currency).value.amount_minor;
      const auto it = state.orders.find(o.payment_order_id);
      if (it == state.orders.end()) {
        found.add(invariant::terminal_or_dlq,
                  "order " + o.payment_order_id + " of acknowledged checkout "
                    + spec.checkout_id + " is not stored (lost)");
        continue;
      }
      const auto& s = it->second;
      if (s.checkout_id != spec.checkout_id
          || s.seller_account != o.seller_account
          || s.amount_minor != sent_minor || s.currency != o.currency)
        found.add(invariant::terminal_or_dlq,
                  "order " + o.payment_order_id + " is stored as "
                    + order_text(s.checkout_id, s.seller_account,
                                 s.amount_minor, s.currency)
                    + ", the client sent "
                    + order_text(spec.checkout_id, o.seller_account, sent_minor,
                                 o.currency));
    }
  }
}

// 6: a refused request left nothing behind.
void check_refused(const check_input& in, const stored_state& state,
                   const it::sim_snapshot& sim, collector& found) {
  const std::set<std::string> refused_orders(
    in.drive->refused_order_ids.begin(), in.drive->refused_order_ids.end());
  for (const auto& id : in.drive->refused_checkout_ids)
    if (state.checkout_ids.count(id))
      found.add(invariant::refused_changed_nothing,
                "checkout " + id + " was refused (key reused) but is stored");
  for (const auto& id : refused_orders)
    if (state.orders.count(id))
      found.add(invariant::refused_changed_nothing,
                "order " + id + " was refused (key reused) but is stored");
  for (const auto& c : sim.charges) {
    const auto key = it::string_at(c, {"idempotency_key"});
    if (refused_orders.count(key))
      found.add(invariant::refused_changed_nothing,
                "refused order " + key
                  + " was charged: " + it::string_at(c, {"id"}));
  }
}

// testkit numbers its findings "1." to "5."; see testkit/invariants.hpp.
invariant testkit_invariant(const std::string& finding) {
  const auto starts = [&](const char* prefix) {
    return finding.rfind(prefix, 0) == 0;
  };
  if (starts("1.") || starts("2.") || starts("3."))
    return invariant::booked_once;
  if (starts("4.")) return invariant::charged_once;
  if (starts("5.")) return invariant::history_forward;
  if (starts("orders or checkouts still unfinished"))
    return invariant::terminal_or_dlq;
  if (starts("invariant check could not run")) return invariant::harness;
  return invariant::testkit_other;
}

// One violation per listed item: "what:\n  item\n  item" -> "what: item".
void add_testkit_findings(const std::vector<std::string>& findings,
                          collector& found) {
  constexpr const char* item_separator = "\n  ";
  for (const auto& finding : findings) {
    const auto which = testkit_invariant(finding);
    auto at = finding.find(item_separator);
    if (at == std::string::npos) {
      found.add(which, finding);
      continue;
    }
    auto heading = finding.substr(0, at);
    // The settle wait is ours and came first; testkit's own was 0 ms.
    if (const auto wait = heading.find(" after 0 ms");
        wait != std::string::npos)
      heading.erase(wait, std::string{" after 0 ms"}.size());
    while (at != std::string::npos) {
      const auto from = at + 3;
      at = finding.find(item_separator, from);
      found.add(which, heading + " " + finding.substr(from, at - from));
    }
  }
}

// The first order id ("po_...") a violation names, or empty.
std::string order_named_in(const std::string& detail) {
  for (auto at = detail.find("po_"); at != std::string::npos;
       at = detail.find("po_", at + 1)) {
    if (at > 0
        && (std::isalnum(static_cast<unsigned char>(detail[at - 1]))
            || detail[at - 1] == '_'))
      continue;
    auto end = at;
    while (end < detail.size()
           && (std::isalnum(static_cast<unsigned char>(detail[end]))
               || detail[end] == '_'))
      ++end;
    return detail.substr(at, end - at);
  }
  return {};
}

// Appends what the database says about the order a money violation names,
// so the report shows why without opening the database.
void explain_orders(pqxx::connection& conn, violations& found) {
  constexpr std::size_t explained_max = 10;
  std::size_t explained = 0;
  for (auto& v : found) {
    if (explained >= explained_max) return;
    if (v.which != invariant::charged_once && v.which != invariant::booked_once)
      continue;
    const auto id = order_named_in(v.detail);
    if (id.empty()) continue;
    pqxx::read_transaction txn{conn};
    const auto rows = txn.exec_params(sql::explain_order, id);
    if (rows.empty()) continue;
    v.detail += "\n        order " + id + ": " + rows[0][0].c_str();
    ++explained;
  }
}

void run_queries(pqxx::connection& conn, const sql::violation_query* begin,
                 const sql::violation_query* end, collector& found) {
  pqxx::read_transaction txn{conn};
  for (const auto* q = begin; q != end; ++q)
    for (const auto& row : txn.exec(q->sql))
      found.add(q->which, row[0].is_null() ? "<null>" : row[0].c_str());
}

}  // namespace

violations check_invariants(const check_input& in) {
  violations out;
  collector found{out};
  try {
    http::sync_client sim_client{"127.0.0.1", in.pspsim_port};
    // Quiescence was waited for already: no second wait here.
    add_testkit_findings(it::find_violations(in.database_url, sim_client, 0),
                         found);
    const auto sim = it::read_sim(sim_client);
    if (!sim.error.empty())
      found.add(invariant::harness, "cannot read pspsim: " + sim.error);
    pqxx::connection conn{in.database_url};
    const auto state = load_state(conn);
    check_acknowledged(in, state, found);
    check_refused(in, state, sim, found);
    if (in.schema.history)
      run_queries(conn, std::begin(sql::history_checks),
                  std::end(sql::history_checks), found);
    for (auto& v : load_and_check_money(
           in.database_url, in.pspsim_port,
           money_tables{in.schema.refunds, in.schema.payouts}, in.cycle))
      found.add(v.which, std::move(v.detail));
    found.close();
    if (in.schema.history && in.schema.dead_letter) explain_orders(conn, out);
  } catch (const std::exception& e) {
    found.add(invariant::harness,
              std::string{"the checks could not run: "} + e.what());
    found.close();
  }
  return out;
}

round_figures collect_figures(const std::string& database_url,
                              std::uint16_t pspsim_port,
                              const schema_features& schema) {
  round_figures out;
  try {
    pqxx::connection conn{database_url};
    pqxx::read_transaction txn{conn};
    const auto counts = txn.exec1(sql::count_orders_by_status);
    out.orders = counts[0].as<std::int64_t>();
    out.success = counts[1].as<std::int64_t>();
    out.failed = counts[2].as<std::int64_t>();
    if (schema.history) {
      out.retries = txn.exec1(sql::count_retries)[0].as<std::int64_t>();
      out.recovered =
        txn.exec1(sql::count_recovered_orders)[0].as<std::int64_t>();
    }
    if (schema.dead_letter)
      out.dlq_open = txn.exec1(sql::count_dlq_open)[0].as<std::int64_t>();
    if (schema.refunds && schema.payouts) {
      const auto money = txn.exec1(sql::count_refunds_and_payouts);
      out.refunds_succeeded = money[0].as<std::int64_t>();
      out.refunds_failed = money[1].as<std::int64_t>();
      out.payouts_paid = money[2].as<std::int64_t>();
      out.payouts_failed = money[3].as<std::int64_t>();
      out.fulfilled = money[4].as<std::int64_t>();
      out.settled = money[5].as<std::int64_t>();
    }
  } catch (const std::exception&) {
    // The figures are for the table; the checks report an unreachable database.
  }
  http::sync_client sim_client{"127.0.0.1", pspsim_port};
  out.charges = static_cast<std::int64_t>(
    it::read_sim(sim_client).charges.size());
  return out;
}

}  // namespace pay::chaos
