// GET /v1/balance_transactions against the real pspsim process: Stripe's
// list shape, signs and fees, expanded sources carrying our ids, paging
// newest first, the filters, and that it lists exactly what the settlement
// file of the day lists, each injected distortion included.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/reconcile/settlement_csv.hpp"
#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "pspsim/utc_date.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

// What reconciliation compares, from either source: key, type, gross, fee,
// net, currency.
using comparable = std::tuple<std::string, std::string, std::int64_t,
                              std::int64_t, std::int64_t, std::string>;

class balance_transactions : public pspsim_suite<balance_transactions> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--payout-ms", "1000", "--processing-ms", "600000"};
  }

 protected:
  std::string charge(const std::string& amount, const std::string& key,
                     const std::string& token = "pm_card_visa",
                     const std::string& currency = "usd") {
    return intent_id_of(post("/v1/payment_intents",
                             {{"amount", amount},
                              {"currency", currency},
                              {"payment_method", token},
                              {"confirm", "true"},
                              {"metadata[payment_order_id]", key}},
                             key));
  }
  std::string refund(const std::string& pi, const std::string& amount,
                     const std::string& key) {
    return id_of(post("/v1/refunds",
                      {{"payment_intent", pi},
                       {"amount", amount},
                       {"metadata[refund_id]", key}},
                      key));
  }
  std::string payout(const std::string& amount, const std::string& key) {
    return id_of(post("/v1/payouts",
                      {{"amount", amount},
                       {"currency", "usd"},
                       {"destination", "acct_alice"},
                       {"metadata[payout_id]", key}},
                      key));
  }
  http::sync_result list(const std::string& query) {
    return get("/v1/balance_transactions?" + query);
  }
  boost::json::array data_of(const std::string& query) {
    const auto r = list(query);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return json_of(r).at("data").as_array();
  }
  std::string day_query(std::int64_t unix_s) {
    const std::int64_t start = unix_s - unix_s % seconds_per_day;
    return "created[gte]=" + std::to_string(start)
           + "&created[lt]=" + std::to_string(start + seconds_per_day)
           + "&limit=100&expand[]=data.source";
  }
  // Every transaction of the day, as reconciliation would read them.
  std::vector<comparable> from_transactions(std::int64_t unix_s) {
    std::vector<comparable> out;
    for (const auto& t : data_of(day_query(unix_s))) {
      const std::string type(t.at("type").as_string());
      const auto& metadata = t.at("source").at("metadata").as_object();
      const char* key_name = type == "charge"   ? "payment_order_id"
                             : type == "refund" ? "refund_id"
                                                : "payout_id";
      const auto* key = metadata.if_contains(key_name);
      const std::int64_t amount = t.at("amount").as_int64();
      const std::int64_t fee = t.at("fee").as_int64();
      std::string currency(t.at("currency").as_string());
      std::transform(currency.begin(), currency.end(), currency.begin(),
                     [](char c) { return static_cast<char>(std::toupper(c)); });
      const bool fee_line = type == "stripe_fee";
      out.emplace_back(key ? std::string(key->as_string()) : "",
                       fee_line ? "fee" : type, fee_line ? 0 : amount,
                       fee_line ? -amount : fee, t.at("net").as_int64(),
                       currency);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<comparable> from_file(std::int64_t unix_s) {
    const auto r = client_->get("/v1/settlement_files/" + utc_date_of(unix_s),
                                auth_headers());
    const auto parsed = domain::parse_settlement_csv(r.res.body());
    EXPECT_EQ(parsed.error, "");
    std::vector<comparable> out;
    for (const auto& l : parsed.file.lines) {
      out.emplace_back(l.idempotency_key,
                       std::string(domain::to_string(l.type)), l.gross_minor,
                       l.fee_minor, l.net_minor, l.currency);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  http::sync_result inject(std::int64_t unix_s, const std::string& kind,
                           const std::string& reference) {
    std::string body = R"({"date":")" + utc_date_of(unix_s) + R"(","kind":")"
                       + kind + "\"";
    if (!reference.empty()) body += R"(,"reference":")" + reference + "\"";
    return client_->post("/sim/settlement_discrepancies", body + "}",
                         "application/json");
  }
};

TEST_F(balance_transactions, charge_is_listed_in_stripes_shape) {
  const std::string pi = charge("1000", "po_1");
  const auto r = list("");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto body = json_of(r);
  EXPECT_EQ(body.at("object"), "list");
  EXPECT_EQ(body.at("url"), "/v1/balance_transactions");
  EXPECT_EQ(body.at("has_more"), false);
  const auto& data = body.at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  const auto& t = data[0].as_object();
  EXPECT_EQ(std::string(t.at("id").as_string()).rfind("txn_", 0), 0u);
  EXPECT_EQ(t.at("object"), "balance_transaction");
  EXPECT_EQ(t.at("amount"), 1000);
  EXPECT_EQ(t.at("currency"), "usd");
  EXPECT_EQ(t.at("fee"), 59);  // 2.9 % + 30, the agreed fee
  EXPECT_EQ(t.at("net"), 941);
  EXPECT_EQ(t.at("fee_details"),
            (boost::json::array{
              boost::json::object{{"amount", 59},
                                  {"currency", "usd"},
                                  {"type", "stripe_fee"},
                                  {"description", "Stripe processing fees"}}}));
  EXPECT_EQ(t.at("type"), "charge");
  EXPECT_EQ(t.at("reporting_category"), "charge");
  EXPECT_EQ(t.at("status"), "available");
  EXPECT_EQ(t.at("created"), t.at("available_on"));
  const auto intent = json_of(
    client_->get("/v1/payment_intents/" + pi, auth_headers()));
  EXPECT_EQ(t.at("source"), charge_id_of(intent).c_str());
}

TEST_F(balance_transactions, expanded_sources_carry_our_ids_in_metadata) {
  const std::string pi = charge("1000", "po_1");
  const std::string re = refund(pi, "400", "rf_1");
  const std::string po = payout("500", "pyo_1");
  advance_clock(*client_, 2);
  const auto data = data_of("expand[0]=data.source");
  ASSERT_EQ(data.size(), 4u);
  for (const auto& t : data) {
    const std::string type(t.at("type").as_string());
    const auto& source = t.at("source").as_object();
    if (type == "charge") {
      EXPECT_EQ(source.at("object"), "charge");
      EXPECT_EQ(source.at("payment_intent"), pi.c_str());
      EXPECT_EQ(source.at("metadata").at("payment_order_id"), "po_1");
    } else if (type == "refund") {
      EXPECT_EQ(source.at("id"), re.c_str());
      EXPECT_EQ(source.at("object"), "refund");
      EXPECT_EQ(source.at("payment_intent"), pi.c_str());
      EXPECT_EQ(source.at("amount"), 400);
      EXPECT_EQ(t.at("amount"), -400);
      EXPECT_EQ(source.at("metadata").at("refund_id"), "rf_1");
    } else if (type == "payout") {
      EXPECT_EQ(source.at("id"), po.c_str());
      EXPECT_EQ(t.at("amount"), -500);
      EXPECT_EQ(t.at("reporting_category"), "payout");
      EXPECT_EQ(source.at("metadata").at("payout_id"), "pyo_1");
    } else {
      EXPECT_EQ(type, "stripe_fee");
      EXPECT_EQ(t.at("reporting_category"), "fee");
      EXPECT_EQ(t.at("amount"), -25);
      EXPECT_EQ(t.at("fee"), 0);
      EXPECT_EQ(t.at("net"), -25);
      EXPECT_EQ(source.at("id"), po.c_str());
      EXPECT_EQ(source.at("metadata").at("payout_id"), "pyo_1");
    }
  }
}

TEST_F(balance_transactions, pages_run_newest_first_with_starting_after) {
  for (int i = 0; i < 5; ++i) {
    charge("1000", "po_" + std::to_string(i));
    advance_clock(*client_, 1);
  }
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 3; ++page) {
    const auto r = list("limit=2"
                        + (after.empty() ? "" : "&starting_after=" + after));
    const auto body = json_of(r);
    const auto& data = body.at("data").as_array();
    for (const auto& t : data) seen.emplace_back(t.at("id").as_string());
    EXPECT_EQ(body.at("has_more"), page < 2) << page;
    if (!data.empty()) after = seen.back();
  }
  ASSERT_EQ(seen.size(), 5u);
  const auto all = data_of("limit=100");
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].at("id"), seen[i].c_str());
    if (i > 0) {
      EXPECT_GE(all[i - 1].at("created").as_int64(),
                all[i].at("created").as_int64());
    }
  }
  EXPECT_EQ(all.front().at("source").as_string().size(), 27u);
}

TEST_F(balance_transactions, created_and_type_filters_narrow_the_list) {
  const std::int64_t day_one = now();
  charge("1000", "po_a");
  advance_clock(*client_, seconds_per_day);
  const std::int64_t day_two = now();
  const std::string pi = charge("2000", "po_b");
  refund(pi, "500", "rf_b");
  EXPECT_EQ(data_of(day_query(day_one)).size(), 1u);
  EXPECT_EQ(data_of(day_query(day_two)).size(), 2u);
  EXPECT_EQ(data_of("created[gt]=" + std::to_string(day_two - 1)).size(), 2u);
  EXPECT_EQ(data_of("created[lte]=" + std::to_string(day_one)).size(), 1u);
  const auto refunds = data_of("type=refund");
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].at("amount"), -500);
  EXPECT_TRUE(data_of("type=payout").empty());
}

TEST_F(balance_transactions, bad_query_values_are_refused_by_name) {
  const std::vector<std::pair<std::string, std::string>> cases{
    {"limit=0", "limit"},
    {"limit=101", "limit"},
    {"limit=ten", "limit"},
    {"created[gte]=yesterday", "created[gte]"},
    {"expand[]=data.fee_details", "expand[0]"},
    {"starting_after=txn_nobody", "starting_after"}};
  for (const auto& [query, param] : cases) {
    const auto r = list(query);
    EXPECT_EQ(r.res.result_int(), 400u) << query;
    EXPECT_EQ(error_field(r, "param"), param) << query;
  }
  EXPECT_EQ(client_->get("/v1/balance_transactions").res.result_int(), 401u);
}

TEST_F(balance_transactions, lists_what_the_settlement_file_lists) {
  const std::int64_t day = now();
  const std::string pi = charge("1000", "po_1");
  charge("2500", "po_2", "pm_card_visa", "eur");
  refund(pi, "300", "rf_1");
  payout("700", "pyo_1");
  advance_clock(*client_, 2);
  EXPECT_EQ(from_transactions(day).size(), 5u);
  EXPECT_EQ(from_transactions(day), from_file(day));
}

TEST_F(balance_transactions, each_distortion_shows_in_both_sources_alike) {
  const std::int64_t day = now();
  const std::vector<std::string> kinds{"unknown_charge",  "missing_charge",
                                       "amount_mismatch", "currency_mismatch",
                                       "duplicate_line",  "fee_mismatch",
                                       "status_mismatch"};
  for (const auto& kind : kinds) {
    ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
              200u);
    const std::string pi = charge("1000", "po_" + kind);
    const std::string pending = charge("1200", "po_pending_" + kind,
                                       "pm_card_processing");
    const std::string reference = kind == "unknown_charge"    ? ""
                                  : kind == "status_mismatch" ? pending
                                                              : pi;
    const auto injected = inject(day, kind, reference);
    ASSERT_EQ(injected.res.result_int(), 200u) << kind << injected.res.body();
    const auto from_api = from_transactions(day);
    EXPECT_EQ(from_api, from_file(day)) << kind;
    EXPECT_EQ(from_api.size(), kind == "missing_charge"    ? 0u
                               : kind == "unknown_charge"  ? 2u
                               : kind == "duplicate_line"  ? 2u
                               : kind == "status_mismatch" ? 2u
                                                           : 1u)
      << kind;
  }
}

TEST_F(balance_transactions, a_duplicated_line_gets_its_own_id) {
  const std::int64_t day = now();
  const std::string pi = charge("1000", "po_d");
  inject(day, "duplicate_line", pi);
  const auto data = data_of("limit=10");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_NE(data[0].at("id"), data[1].at("id"));
  EXPECT_EQ(data[0].at("source"), data[1].at("source"));
  // Stable: the same ids on every listing, so paging holds.
  EXPECT_EQ(data_of("limit=10"), data);
}

}  // namespace
}  // namespace pay::pspsim
