#include "tools/chaos/money_checks.hpp"

#include <set>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "domain/common/currency.hpp"
#include "http/sync_client.hpp"
#include "testkit/json_read.hpp"
#include "testkit/sim.hpp"
#include "tools/chaos/sql_checks.hpp"

namespace pay::chaos {

namespace {

namespace json = boost::json;

std::int64_t int_at(const json::value& v, const char* name) {
  const auto* o = v.if_object();
  const auto* field = o ? o->if_contains(name) : nullptr;
  return field && field->is_int64() ? field->as_int64() : -1;
}

std::string minor(std::int64_t amount_minor) {
  return std::to_string(amount_minor) + " minor";
}

// "data" of a /sim listing; empty error on success.
std::string read_listing(http::sync_client& sim, const char* target,
                         json::array& out) {
  const auto r = sim.get(target);
  if (!r.ok) return std::string{"GET "} + target + ": " + r.error;
  const auto v = it::json_of(r);
  const auto* data = v.is_object() ? v.as_object().if_contains("data")
                                   : nullptr;
  if (r.res.result_int() != 200 || !data || !data->is_array())
    return std::string{"GET "} + target + " answered "
           + std::to_string(r.res.result_int());
  out = data->as_array();
  return {};
}

std::map<std::string, std::int64_t> counts_at(const json::value& v,
                                              const char* name) {
  std::map<std::string, std::int64_t> out;
  const auto* o = v.if_object();
  const auto* field = o ? o->if_contains(name) : nullptr;
  if (field && field->is_object())
    for (const auto& [key, n] : field->as_object())
      out[std::string{key}] = n.is_int64() ? n.as_int64() : -1;
  return out;
}

// GET /sim/refund_counts; `counted` false when this pspsim has no such
// route (the check is skipped, like any missing feature).
std::string read_refund_counts(http::sync_client& sim, psp_refund_counts& out,
                               bool& counted) {
  const auto r = sim.get("/sim/refund_counts");
  if (!r.ok) return "GET /sim/refund_counts: " + r.error;
  counted = r.res.result_int() == 200;
  if (r.res.result_int() == 404) return {};
  const auto v = it::json_of(r);
  if (!counted || !v.is_object()
      || !v.as_object().contains("posts_by_idempotency_key"))
    return "GET /sim/refund_counts answered "
           + std::to_string(r.res.result_int());
  out.posts_by_key = counts_at(v, "posts_by_idempotency_key");
  out.refunds_by_intent = counts_at(v, "refunds_by_payment_intent");
  out.posts_without_key = int_at(v, "posts_without_key");
  return {};
}

}  // namespace

violations check_psp_refunds(const std::vector<our_refund>& ours,
                             const std::vector<psp_refund>& theirs,
                             const charged_by_intent& charged) {
  violations out;
  const auto add = [&out](std::string detail) {
    out.push_back({invariant::refunded_once_at_psp, std::move(detail)});
  };
  std::map<std::string, const our_refund*> by_id;
  for (const auto& r : ours) by_id[r.refund_id] = &r;
  std::map<std::string, std::vector<const psp_refund*>> by_key;
  std::map<std::string, std::int64_t> refunded_by_intent;
  for (const auto& p : theirs) {
    by_key[p.idempotency_key].push_back(&p);
    refunded_by_intent[p.payment_intent] += p.amount_minor;
    const auto it = by_id.find(p.idempotency_key);
    if (it == by_id.end()) {
      add("pspsim refund " + p.id + " under key '" + p.idempotency_key + "' ("
          + p.payment_intent + ", " + minor(p.amount_minor)
          + "): no refund of ours has that id");
      continue;
    }
    const auto& r = *it->second;
    if (r.status != "SUCCEEDED")
      add("pspsim refund " + p.id + " for refund " + r.refund_id + ", which is "
          + r.status + " here");
    if (p.amount_minor != r.amount_minor)
      add("pspsim refund " + p.id + " is " + minor(p.amount_minor) + ", refund "
          + r.refund_id + " is " + minor(r.amount_minor));
    if (p.payment_intent != r.intent)
      add("pspsim refund " + p.id + " refunds " + p.payment_intent
          + ", but order " + r.payment_order_id + " was charged as "
          + r.intent);
  }
  // More than one under a key of ours is invariant 13's.
  for (const auto& [key, made] : by_key)
    if (made.size() > 1 && !by_id.count(key))
      add("pspsim made " + std::to_string(made.size())
          + " refunds under Idempotency-Key '" + key + "'");
  for (const auto& r : ours) {
    if (r.status != "SUCCEEDED") continue;
    const auto it = by_key.find(r.refund_id);
    if (it == by_key.end()) {
      add("refund " + r.refund_id + " of " + r.payment_order_id
          + " is SUCCEEDED but pspsim has no refund under its id");
      continue;
    }
    if (it->second.size() == 1 && it->second.front()->id != r.psp_reference)
      add("refund " + r.refund_id + " names PSP refund '" + r.psp_reference
          + "', pspsim made " + it->second.front()->id);
  }
  for (const auto& [intent, refunded] : refunded_by_intent) {
    const auto it = charged.find(intent);
    const auto captured = it == charged.end() ? 0 : it->second;
    if (refunded > captured)
      add("pspsim refunded " + minor(refunded) + " of intent " + intent
          + ", which was charged " + minor(captured));
  }
  return out;
}

violations check_refund_ids_once(const std::vector<our_refund>& ours,
                                 const std::vector<psp_refund>& theirs,
                                 const psp_refund_counts& counts) {
  violations out;
  const auto add = [&out](std::string detail) {
    out.push_back({invariant::refund_id_refunded_once, std::move(detail)});
  };
  std::map<std::string, std::vector<const psp_refund*>> by_key;
  for (const auto& p : theirs) by_key[p.idempotency_key].push_back(&p);
  std::map<std::string, std::int64_t> ours_by_intent;
  for (const auto& r : ours) {
    ++ours_by_intent[r.intent];
    const auto it = by_key.find(r.refund_id);
    if (it == by_key.end()) continue;
    if (it->second.size() > 1) {
      std::string ids;
      for (const auto* p : it->second)
        ids += (ids.empty() ? "" : ", ") + p->id + " ("
               + std::to_string(p->amount_minor) + " minor)";
      add("refund " + r.refund_id + " of " + r.payment_order_id + " ("
          + r.status + ") has " + std::to_string(it->second.size())
          + " refunds at pspsim: " + ids
          + "; its key was POSTed again after pspsim forgot it");
    }
    const auto posts = counts.posts_by_key.find(r.refund_id);
    if (posts == counts.posts_by_key.end() || posts->second < 1)
      add("pspsim holds a refund under refund id " + r.refund_id
          + " but counted no POST under that key");
  }
  // Each intent's refunds, as pspsim counted them when it made them: never
  // more than our refund ids on it. (An intent with none of ours refunded
  // at all is invariant 10's: a refund nobody asked for.)
  for (const auto& [intent, made] : counts.refunds_by_intent) {
    const auto it = ours_by_intent.find(intent);
    if (it != ours_by_intent.end() && made > it->second)
      add("pspsim made " + std::to_string(made) + " refunds on " + intent
          + ", which has " + std::to_string(it->second)
          + " refund ids of ours");
  }
  if (counts.posts_without_key > 0)
    add(std::to_string(counts.posts_without_key)
        + " POST /v1/refunds reached pspsim without an Idempotency-Key");
  return out;
}

violations check_psp_payouts(const std::vector<our_payout>& ours,
                             const std::vector<psp_payout>& theirs) {
  violations out;
  const auto add = [&out](std::string detail) {
    out.push_back({invariant::paid_out_once_at_psp, std::move(detail)});
  };
  std::set<std::string> our_ids;
  for (const auto& p : ours) our_ids.insert(p.payout_id);
  // A pay-out on a seller's connected account is keyed "<payout id>-payout".
  constexpr std::string_view suffix = "-payout";
  const auto payout_of_key = [&](const std::string& key) {
    return key.size() > suffix.size()
               && key.compare(key.size() - suffix.size(), suffix.size(), suffix)
                    == 0
             ? key.substr(0, key.size() - suffix.size())
             : key;
  };
  std::map<std::string, std::vector<const psp_payout*>> by_key;
  for (const auto& p : theirs) {
    const auto ours_id = payout_of_key(p.idempotency_key);
    by_key[ours_id].push_back(&p);
    if (!our_ids.count(ours_id))
      add("pspsim payout " + p.id + " under key '" + p.idempotency_key + "' ("
          + minor(p.amount_minor) + " " + p.currency
          + "): no payout of ours has that id");
  }
  for (const auto& [key, made] : by_key)
    if (made.size() > 1)
      add("pspsim made " + std::to_string(made.size())
          + " payouts under Idempotency-Key '" + key + "'");
  for (const auto& p : ours) {
    const auto it = by_key.find(p.payout_id);
    const auto* there = it == by_key.end() ? nullptr : it->second.front();
    if (p.status == "PAID") {
      if (!there) {
        add("payout " + p.payout_id + " is PAID but pspsim never got it");
        continue;
      }
      if (there->status != "paid" || there->amount_minor != p.amount_minor
          || there->currency != domain::stripe_currency(p.currency))
        add("payout " + p.payout_id + " is PAID " + minor(p.amount_minor) + " "
            + p.currency + ", pspsim's " + there->id + " is " + there->status
            + " " + minor(there->amount_minor) + " " + there->currency);
    } else if (p.status == "FAILED" && there && there->status != "failed") {
      add("payout " + p.payout_id + " is FAILED, but pspsim's " + there->id
          + " is " + there->status);
    }
  }
  return out;
}

violations check_psp_transfers(const std::vector<our_payout>& ours,
                               const std::vector<psp_transfer>& theirs) {
  violations out;
  const auto add = [&out](std::string detail) {
    out.push_back({invariant::paid_out_once_at_psp, std::move(detail)});
  };
  std::map<std::string, const our_payout*> by_id;
  for (const auto& p : ours) by_id[p.payout_id] = &p;
  std::map<std::string, std::vector<const psp_transfer*>> by_key;
  for (const auto& t : theirs) {
    by_key[t.idempotency_key].push_back(&t);
    // Reversed, a stray transfer holds no money any more.
    if (!by_id.count(t.idempotency_key) && !t.reversed)
      add("pspsim transfer " + t.id + " under key '" + t.idempotency_key + "' ("
          + minor(t.amount_minor) + " " + t.currency
          + "): no payout of ours has that id");
  }
  for (const auto& [key, made] : by_key)
    if (made.size() > 1)
      add("pspsim made " + std::to_string(made.size())
          + " transfers for payout '" + key + "'");
  for (const auto& p : ours) {
    const auto it = by_key.find(p.payout_id);
    const auto* there = it == by_key.end() ? nullptr : it->second.front();
    if (p.status == "PAID") {
      if (!there || there->reversed || there->amount_minor != p.amount_minor
          || there->currency != domain::stripe_currency(p.currency))
        add("payout " + p.payout_id + " is PAID " + minor(p.amount_minor) + " "
            + p.currency + " but its transfer at pspsim is "
            + (there ? there->id + (there->reversed ? " (reversed)" : "") + " "
                         + minor(there->amount_minor) + " " + there->currency
                     : std::string{"missing"}));
    } else if (p.status == "FAILED" && there && !there->reversed) {
      add("payout " + p.payout_id + " is FAILED (money back in the wallet) but"
          " its transfer " + there->id + " was not reversed");
    }
  }
  return out;
}

violations check_refund_answers(const money_cycle_result& answers,
                                const std::vector<our_refund>& ours) {
  violations out;
  const auto add = [&out](std::string detail) {
    out.push_back({invariant::refund_answer_kept, std::move(detail)});
  };
  std::map<std::string, const our_refund*> by_key;
  for (const auto& r : ours) by_key[r.idempotency_key] = &r;
  for (const auto& a : answers.refunds_acknowledged) {
    const auto it = by_key.find(a.idempotency_key);
    if (it == by_key.end()) {
      add("refund " + a.refund_id + " (key " + a.idempotency_key
          + ") was acknowledged but is not stored (lost)");
      continue;
    }
    const auto& r = *it->second;
    if (r.refund_id != a.refund_id || r.payment_order_id != a.payment_order_id
        || r.amount_minor != a.amount_minor)
      add("key " + a.idempotency_key + " was acknowledged as refund "
          + a.refund_id + " of " + a.payment_order_id + " for "
          + minor(a.amount_minor) + ", stored is " + r.refund_id + " of "
          + r.payment_order_id + " for " + minor(r.amount_minor));
  }
  for (const auto& key : answers.refund_keys_refused)
    if (const auto it = by_key.find(key); it != by_key.end())
      add("key " + key + " was refused, but refund " + it->second->refund_id
          + " (" + it->second->status + ") is stored under it");
  return out;
}

namespace {

void load_ours(const std::string& database_url, const money_tables& tables,
               std::vector<our_refund>& refunds,
               std::vector<our_payout>& payouts) {
  pqxx::connection conn{database_url};
  pqxx::read_transaction txn{conn};
  if (tables.refunds)
    for (const auto& r : txn.exec(sql::our_refunds))
      refunds.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str(),
                         r[3].as<std::int64_t>(), r[4].c_str(), r[5].c_str(),
                         r[6].c_str()});
  if (tables.payouts)
    for (const auto& r : txn.exec(sql::our_payouts))
      payouts.push_back(
        {r[0].c_str(), r[1].as<std::int64_t>(), r[2].c_str(), r[3].c_str()});
}

}  // namespace

violations load_and_check_money(const std::string& database_url,
                                std::uint16_t pspsim_port,
                                const money_tables& tables,
                                const money_cycle_result* answers) {
  violations out;
  const auto append = [&out](violations more) {
    for (auto& v : more) out.push_back(std::move(v));
  };
  std::vector<our_refund> refunds;
  std::vector<our_payout> payouts;
  try {
    load_ours(database_url, tables, refunds, payouts);
  } catch (const std::exception& e) {
    out.push_back(
      {invariant::harness,
       std::string{"cannot read refunds and payouts: "} + e.what()});
    return out;
  }
  http::sync_client sim{"127.0.0.1", pspsim_port};
  if (tables.refunds) {
    json::array listed;
    const auto sim_state = it::read_sim(sim);
    if (auto err = read_listing(sim, "/sim/refunds", listed); !err.empty()) {
      out.push_back({invariant::harness, "cannot read pspsim: " + err});
    } else if (!sim_state.error.empty()) {
      out.push_back(
        {invariant::harness, "cannot read pspsim: " + sim_state.error});
    } else {
      std::vector<psp_refund> theirs;
      for (const auto& v : listed)
        theirs.push_back(
          {it::string_at(v, {"id"}), it::string_at(v, {"idempotency_key"}),
           it::string_at(v, {"payment_intent"}), int_at(v, "amount")});
      charged_by_intent charged;
      for (const auto& c : sim_state.charges)
        charged[it::string_at(c, {"payment_intent"})] += int_at(c, "amount");
      append(check_psp_refunds(refunds, theirs, charged));
      psp_refund_counts counts;
      bool counted = false;
      if (auto err = read_refund_counts(sim, counts, counted); !err.empty())
        out.push_back({invariant::harness, "cannot read pspsim: " + err});
      else if (counted)
        append(check_refund_ids_once(refunds, theirs, counts));
    }
  }
  if (tables.payouts) {
    json::array listed;
    if (auto err = read_listing(sim, "/sim/payouts", listed); !err.empty()) {
      out.push_back({invariant::harness, "cannot read pspsim: " + err});
    } else {
      std::vector<psp_payout> theirs;
      for (const auto& v : listed)
        theirs.push_back({it::string_at(v, {"id"}),
                          it::string_at(v, {"idempotency_key"}),
                          int_at(v, "amount"), it::string_at(v, {"currency"}),
                          it::string_at(v, {"status"})});
      append(check_psp_payouts(payouts, theirs));
    }
    listed.clear();
    if (auto err = read_listing(sim, "/sim/transfers", listed); !err.empty()) {
      out.push_back({invariant::harness, "cannot read pspsim: " + err});
    } else {
      std::vector<psp_transfer> theirs;
      for (const auto& v : listed) {
        const auto* reversed = v.as_object().if_contains("reversed");
        theirs.push_back(
          {it::string_at(v, {"id"}), it::string_at(v, {"idempotency_key"}),
           int_at(v, "amount"), it::string_at(v, {"currency"}),
           reversed != nullptr && reversed->is_bool() && reversed->get_bool()});
      }
      append(check_psp_transfers(payouts, theirs));
    }
  }
  if (answers && tables.refunds)
    append(check_refund_answers(*answers, refunds));
  return out;
}

}  // namespace pay::chaos
