// Black-box tests of settlement files against the real pspsim process: the
// lines, signs and totals of a day, each injected distortion, verbatim
// overrides and reset. Files are read back with domain::parse_settlement_csv,
// as paymentd's reconciler reads them.
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
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

using namespace std::chrono_literals;
using namespace harness;
using domain::settlement_line;
using domain::settlement_type;

const std::string secret = "whsec_settlement";

std::string today() {
  return utc_date_of(std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count());
}

class settlement : public pspsim_suite<settlement> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--payout-ms",      "100",           "--processing-ms",
            "600000",           "--webhook-url", receiver_->url(),
            "--webhook-secret", secret};
  }

 protected:
  // The receiver first: pspsim is told its url.
  static void SetUpTestSuite() {
    receiver_ = std::make_unique<webhook_receiver>(secret);
    pspsim_suite::SetUpTestSuite();
  }
  static void TearDownTestSuite() {
    pspsim_suite::TearDownTestSuite();
    receiver_.reset();
  }
  void SetUp() override {
    pspsim_suite::SetUp();
    date_ = today();
  }

  std::string charge(const std::string& amount, const std::string& currency,
                     const std::string& key,
                     const std::string& token = "pm_card_visa") {
    return intent_id_of(post("/v1/payment_intents",
                             {{"amount", amount},
                              {"currency", currency},
                              {"payment_method", token},
                              {"confirm", "true"}},
                             key));
  }
  std::string refund(const std::string& pi, const std::string& amount,
                     const std::string& key) {
    const auto r = post("/v1/refunds",
                        {{"payment_intent", pi}, {"amount", amount}}, key);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return id_of(r);
  }
  std::string paid_payout(const std::string& amount, const std::string& key) {
    const std::string id = id_of(post(
      "/v1/payouts",
      {{"amount", amount}, {"currency", "usd"}, {"destination", "acct_alice"}},
      key));
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (json_of(get("/v1/payouts/" + id)).at("status") == "pending"
           && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    return id;
  }
  http::sync_result file_response(const std::string& date) {
    return get("/v1/settlement_files/" + date);
  }
  // The day's file, parsed; fails the test if it does not parse or its
  // totals are not the sums of its lines.
  domain::settlement_file file() {
    const auto r = file_response(date_);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    EXPECT_EQ(header_of(r, "Content-Type"), "text/csv; charset=utf-8");
    auto parsed = domain::parse_settlement_csv(r.res.body());
    EXPECT_EQ(parsed.error, "") << "line " << parsed.error_line << "\n"
                                << r.res.body();
    const auto sums = domain::settlement_totals_of(parsed.file.lines);
    EXPECT_EQ(parsed.file.totals.size(), sums.size());
    for (std::size_t i = 0;
         i < std::min(sums.size(), parsed.file.totals.size()); ++i) {
      EXPECT_EQ(parsed.file.totals[i].currency, sums[i].currency);
      EXPECT_EQ(parsed.file.totals[i].gross_minor, sums[i].gross_minor);
      EXPECT_EQ(parsed.file.totals[i].fee_minor, sums[i].fee_minor);
      EXPECT_EQ(parsed.file.totals[i].net_minor, sums[i].net_minor);
    }
    for (const auto& line : parsed.file.lines)
      EXPECT_EQ(line.settled_date, date_);
    return parsed.file;
  }
  http::sync_result inject(const std::string& kind,
                           const std::string& reference,
                           const std::string& extra = {}) {
    std::string body = R"({"date":")" + date_ + R"(","kind":")" + kind + "\"";
    if (!reference.empty()) body += R"(,"reference":")" + reference + "\"";
    body += extra + "}";
    return client_->post("/sim/settlement_discrepancies", body,
                         "application/json");
  }
  static std::vector<settlement_line> with_reference(
    const domain::settlement_file& f, const std::string& reference) {
    std::vector<settlement_line> out;
    for (const auto& l : f.lines) {
      if (l.psp_reference == reference) out.push_back(l);
    }
    return out;
  }

  static inline std::unique_ptr<webhook_receiver> receiver_;
  std::string date_;
};

TEST_F(settlement,
       day_file_lists_charges_refunds_payouts_and_fees_with_signs_and_totals) {
  const std::string usd = charge("1234", "usd", "po_s1");
  const std::string jpy = charge("500", "jpy", "po_s2");
  charge("900", "usd", "po_declined", "pm_card_chargeDeclined");
  charge("800", "usd", "po_processing", "pm_card_processing");
  const std::string re = refund(usd, "234", "rf_s1");
  const std::string po = paid_payout("5000", "pyo_s1");
  const auto f = file();
  ASSERT_EQ(f.lines.size(), 5u);
  // charge, charge, refund, payout, fee
  EXPECT_EQ(f.lines[0].type, settlement_type::charge);
  EXPECT_EQ(f.lines[1].type, settlement_type::charge);
  const auto usd_line = with_reference(f, usd).at(0);
  EXPECT_EQ(usd_line.idempotency_key, "po_s1");
  EXPECT_EQ(usd_line.gross_minor, 1234);
  EXPECT_EQ(usd_line.fee_minor, 66);  // round(1234 * 2.9%) + 30
  EXPECT_EQ(usd_line.net_minor, 1168);
  EXPECT_EQ(usd_line.currency, "USD");
  const auto jpy_line = with_reference(f, jpy).at(0);
  EXPECT_EQ(jpy_line.gross_minor, 500);
  EXPECT_EQ(jpy_line.fee_minor, 45);
  EXPECT_EQ(jpy_line.currency, "JPY");
  EXPECT_EQ(f.lines[2].psp_reference, re);
  EXPECT_EQ(f.lines[2].type, settlement_type::refund);
  EXPECT_EQ(f.lines[2].idempotency_key, "rf_s1");
  EXPECT_EQ(f.lines[2].gross_minor, -234);
  EXPECT_EQ(f.lines[2].fee_minor, 0);
  EXPECT_EQ(f.lines[2].net_minor, -234);
  EXPECT_EQ(f.lines[3].psp_reference, po);
  EXPECT_EQ(f.lines[3].type, settlement_type::payout);
  EXPECT_EQ(f.lines[3].idempotency_key, "pyo_s1");
  EXPECT_EQ(f.lines[3].gross_minor, -5000);
  EXPECT_EQ(f.lines[3].net_minor, -5000);
  EXPECT_EQ(f.lines[4].type, settlement_type::fee);
  EXPECT_EQ(f.lines[4].psp_reference.rfind("fee_", 0), 0u);
  EXPECT_EQ(f.lines[4].idempotency_key, "pyo_s1");
  EXPECT_EQ(f.lines[4].gross_minor, 0);
  EXPECT_EQ(f.lines[4].fee_minor, 25);
  EXPECT_EQ(f.lines[4].net_minor, -25);
  ASSERT_EQ(f.totals.size(), 2u);
  EXPECT_EQ(f.totals[0].currency, "JPY");
  EXPECT_EQ(f.totals[1].currency, "USD");
  EXPECT_EQ(f.totals[1].gross_minor, 1234 - 234 - 5000);
  EXPECT_EQ(f.totals[1].fee_minor, 66 + 25);
  EXPECT_EQ(f.totals[1].net_minor, 1168 - 234 - 5000 - 25);
}

TEST_F(settlement,
       a_day_with_nothing_is_the_header_only_and_bad_dates_are_400) {
  charge("1000", "usd", "po_today");
  const auto empty = file_response("2020-01-01");
  EXPECT_EQ(empty.res.result_int(), 200u);
  EXPECT_EQ(empty.res.body(),
            std::string(domain::settlement_csv_header) + "\n");
  for (const std::string bad :
       {"2026-02-30", "2026-1-01", "today", "2026-01-01x"}) {
    const auto r = file_response(bad);
    EXPECT_EQ(r.res.result_int(), 400u) << bad;
    EXPECT_EQ(error_field(r, "param"), "date");
  }
  EXPECT_EQ(client_->get("/v1/settlement_files/" + date_).res.result_int(),
            401u);
}

TEST_F(settlement, unknown_charge_adds_a_charge_nobody_ordered) {
  charge("1000", "usd", "po_u1");
  const auto r = inject("unknown_charge", "",
                        R"(,"amount":"12.34","currency":"EUR")");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const std::string ref(json_of(r).at("reference").as_string());
  const auto added = with_reference(file(), ref);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(ref.rfind("pi_", 0), 0u);
  EXPECT_EQ(added[0].idempotency_key.rfind("po_unknown_", 0), 0u);
  EXPECT_EQ(added[0].idempotency_key.size(), 11u + 32u);
  EXPECT_EQ(added[0].type, settlement_type::charge);
  EXPECT_EQ(added[0].gross_minor, 1234);
  EXPECT_EQ(added[0].currency, "EUR");
  // The default is 10.00 USD.
  const auto d = inject("unknown_charge", "");
  const auto defaulted = with_reference(
    file(), std::string(json_of(d).at("reference").as_string()));
  ASSERT_EQ(defaulted.size(), 1u);
  EXPECT_EQ(defaulted[0].gross_minor, 1000);
  EXPECT_EQ(defaulted[0].currency, "USD");
  EXPECT_EQ(file().lines.size(), 3u);
  EXPECT_EQ(inject("unknown_charge", "",
                   R"(,"amount":"1.234","currency":"USD")")
              .res.result_int(),
            400u);
}

TEST_F(settlement, missing_charge_leaves_the_line_out) {
  const std::string a = charge("1000", "usd", "po_m1");
  const std::string b = charge("2000", "usd", "po_m2");
  ASSERT_EQ(inject("missing_charge", a).res.result_int(), 200u);
  const auto f = file();
  EXPECT_TRUE(with_reference(f, a).empty());
  EXPECT_EQ(with_reference(f, b).size(), 1u);
  EXPECT_EQ(f.totals.at(0).gross_minor, 2000);
}

TEST_F(settlement, amount_mismatch_adds_one_major_unit_and_recomputes_the_fee) {
  const std::string usd = charge("1234", "usd", "po_a1");
  const std::string jpy = charge("500", "jpy", "po_a2");
  ASSERT_EQ(inject("amount_mismatch", usd).res.result_int(), 200u);
  ASSERT_EQ(inject("amount_mismatch", jpy).res.result_int(), 200u);
  const auto f = file();
  const auto u = with_reference(f, usd).at(0);
  EXPECT_EQ(u.gross_minor, 1334);
  EXPECT_EQ(u.fee_minor, 69);  // round(1334 * 2.9%) + 30
  EXPECT_EQ(u.net_minor, 1265);
  const auto j = with_reference(f, jpy).at(0);
  EXPECT_EQ(j.gross_minor, 501);
  EXPECT_EQ(j.fee_minor, 45);
}

TEST_F(settlement, currency_mismatch_swaps_usd_for_eur_and_others_for_usd) {
  const std::string usd = charge("1234", "usd", "po_c1");
  const std::string jpy = charge("500", "jpy", "po_c2");
  const std::string re = refund(usd, "100", "rf_c1");
  ASSERT_EQ(inject("currency_mismatch", usd).res.result_int(), 200u);
  ASSERT_EQ(inject("currency_mismatch", jpy).res.result_int(), 200u);
  ASSERT_EQ(inject("currency_mismatch", re).res.result_int(), 200u);
  const auto f = file();
  EXPECT_EQ(with_reference(f, usd).at(0).currency, "EUR");
  EXPECT_EQ(with_reference(f, usd).at(0).gross_minor, 1234);
  EXPECT_EQ(with_reference(f, jpy).at(0).currency, "USD");
  EXPECT_EQ(with_reference(f, jpy).at(0).gross_minor, 500);
  EXPECT_EQ(with_reference(f, re).at(0).currency, "EUR");
}

TEST_F(settlement, duplicate_line_lists_the_line_twice) {
  const std::string pi = charge("1234", "usd", "po_d1");
  charge("99", "usd", "po_d2");
  ASSERT_EQ(inject("duplicate_line", pi).res.result_int(), 200u);
  const auto f = file();
  const auto lines = with_reference(f, pi);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].gross_minor, lines[1].gross_minor);
  EXPECT_EQ(lines[0].fee_minor, lines[1].fee_minor);
  EXPECT_EQ(lines[0].idempotency_key, lines[1].idempotency_key);
  EXPECT_EQ(f.lines.size(), 3u);
  EXPECT_EQ(f.totals.at(0).gross_minor, 1234 * 2 + 99);
}

TEST_F(settlement, fee_mismatch_charges_50_minor_more_than_agreed) {
  const std::string pi = charge("1234", "usd", "po_f1");
  ASSERT_EQ(inject("fee_mismatch", pi).res.result_int(), 200u);
  const auto line = with_reference(file(), pi).at(0);
  EXPECT_EQ(line.gross_minor, 1234);
  EXPECT_EQ(line.fee_minor, 66 + 50);
  EXPECT_EQ(line.net_minor, 1234 - 116);
}

TEST_F(settlement,
       status_mismatch_lists_a_declined_intent_the_api_still_declines) {
  const std::string pi = charge("700", "usd", "po_x1",
                                "pm_card_chargeDeclined");
  const auto r = inject("status_mismatch", pi);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto line = with_reference(file(), pi);
  ASSERT_EQ(line.size(), 1u);
  EXPECT_EQ(line[0].type, settlement_type::charge);
  EXPECT_EQ(line[0].idempotency_key, "po_x1");
  EXPECT_EQ(line[0].gross_minor, 700);
  EXPECT_EQ(line[0].fee_minor, 50);  // round(700 * 2.9%) + 30
  EXPECT_EQ(json_of(client_->get("/v1/payment_intents/" + pi, auth_headers()))
              .at("status"),
            "requires_payment_method");
}

TEST_F(settlement, status_mismatch_finishes_a_processing_intent_silently) {
  const std::string pi = charge("800", "usd", "po_x2", "pm_card_processing");
  ASSERT_EQ(inject("status_mismatch", pi).res.result_int(), 200u);
  const auto lines = with_reference(file(), pi);
  ASSERT_EQ(lines.size(), 1u);  // once, though it is now a real charge of today
  EXPECT_EQ(lines[0].gross_minor, 800);
  EXPECT_EQ(json_of(client_->get("/v1/payment_intents/" + pi, auth_headers()))
              .at("status"),
            "succeeded");
  // Its processing event went out, no succeeded one.
  receiver_->wait_for(
    [&](const auto& got) {
      return std::any_of(got.begin(), got.end(),
                         [&](const auto& w) { return w.object_id == pi; });
    },
    3s);
  std::this_thread::sleep_for(200ms);
  for (const auto& w : receiver_->received()) {
    if (w.object_id == pi) {
      EXPECT_EQ(w.type, "payment_intent.processing");
    }
  }
  // A succeeded intent is no mismatch.
  EXPECT_EQ(inject("status_mismatch", pi).res.result_int(), 400u);
}

TEST_F(settlement, injections_refuse_references_not_in_the_file) {
  const std::string pi = charge("1000", "usd", "po_r1");
  const std::string re = refund(pi, "100", "rf_r1");
  for (const std::string kind :
       {"missing_charge", "amount_mismatch", "fee_mismatch",
        "currency_mismatch", "duplicate_line", "status_mismatch"}) {
    const auto r = inject(kind, "pi_not_there");
    EXPECT_EQ(r.res.result_int(), 400u) << kind;
    EXPECT_EQ(error_field(r, "param"), "reference") << kind;
  }
  // A refund line is a line but not a charge line.
  EXPECT_EQ(inject("missing_charge", re).res.result_int(), 400u);
  EXPECT_EQ(inject("duplicate_line", re).res.result_int(), 200u);
  // Another day's file does not have today's charge.
  const auto other_day = client_->post(
    "/sim/settlement_discrepancies",
    R"({"date":"2020-01-01","kind":"missing_charge","reference":")" + pi
      + "\"}",
    "application/json");
  EXPECT_EQ(other_day.res.result_int(), 400u);
  EXPECT_EQ(error_field(inject("missing_charge", ""), "param"), "reference");
  EXPECT_EQ(error_field(inject("stolen_charge", pi), "param"), "kind");
  const auto bad_date = client_->post(
    "/sim/settlement_discrepancies",
    R"({"date":"2026-13-01","kind":"unknown_charge"})", "application/json");
  EXPECT_EQ(bad_date.res.result_int(), 400u);
  EXPECT_EQ(error_field(bad_date, "param"), "date");
}

TEST_F(settlement, injections_are_listed_per_date_and_reset_clears_them) {
  const std::string pi = charge("1000", "usd", "po_l1");
  ASSERT_EQ(inject("fee_mismatch", pi).res.result_int(), 200u);
  ASSERT_EQ(inject("duplicate_line", pi).res.result_int(), 200u);
  const auto listed = json_of(client_->get("/sim/settlement_discrepancies?date="
                                           + date_))
                        .at("data")
                        .as_array();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].at("kind"), "fee_mismatch");
  EXPECT_EQ(listed[1].at("kind"), "duplicate_line");
  EXPECT_EQ(listed[1].at("reference").as_string(), pi);
  EXPECT_EQ(client_->get("/sim/settlement_discrepancies?date=2026-02-30")
              .res.result_int(),
            400u);
  ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
            200u);
  EXPECT_TRUE(
    json_of(client_->get("/sim/settlement_discrepancies?date=" + date_))
      .at("data")
      .as_array()
      .empty());
  EXPECT_TRUE(file().lines.empty());
}

TEST_F(settlement, override_is_served_verbatim_until_deleted_or_reset) {
  charge("1000", "usd", "po_o1");
  // Bigger than the 1 MiB every other route accepts.
  std::string body = "not,even,a,settlement,file\n";
  while (body.size() < (3u << 20)) body += "x,y\n";
  http::request put{boost::beast::http::verb::put,
                    "/sim/settlement_files/" + date_, 11};
  put.body() = body;
  const auto stored = client_->send(put);
  ASSERT_EQ(stored.res.result_int(), 200u) << stored.res.body();
  EXPECT_EQ(file_response(date_).res.body(), body);
  http::request del{boost::beast::http::verb::delete_,
                    "/sim/settlement_files/" + date_, 11};
  const auto deleted = client_->send(del);
  EXPECT_EQ(json_of(deleted).at("deleted"), true);
  EXPECT_EQ(file().lines.size(), 1u);
  client_->send(put);
  ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
            200u);
  EXPECT_EQ(file_response(date_).res.body(),
            std::string(domain::settlement_csv_header) + "\n");
  http::request bad{boost::beast::http::verb::put,
                    "/sim/settlement_files/2026-99-01", 11};
  EXPECT_EQ(client_->send(bad).res.result_int(), 400u);
}

}  // namespace
}  // namespace pay::pspsim
