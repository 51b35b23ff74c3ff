// Separate charges and transfers against the real pspsim process: transfer
// reversals (money back to the platform, replays, refusals), the transfer
// object's reversal fields, GET /v1/transfers and GET /v1/payouts, and the
// platform's settlement views of transfers and reversals (balance
// transactions and the settlement CSV).
#include <string>
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

class transfers : public pspsim_suite<transfers> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--payout-ms", "600000"};
  }

 protected:
  std::string account() {
    const auto r = post("/v1/accounts",
                        {{"type", "express"},
                         {"capabilities[transfers][requested]", "true"}});
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return std::string(json_of(r).at("id").as_string());
  }
  // A transfer of `amount` USD cents; its id.
  std::string transfer(const std::string& destination,
                       const std::string& amount, const std::string& key,
                       const std::string& group = "chk_1") {
    const auto r = post("/v1/transfers",
                        {{"amount", amount},
                         {"currency", "usd"},
                         {"destination", destination},
                         {"transfer_group", group},
                         {"metadata[transfer_id]", key}},
                        auth_headers(key));
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return std::string(json_of(r).at("id").as_string());
  }
  http::sync_result reverse(const std::string& tr, const std::string& key,
                            const std::string& amount = {}) {
    http::form_fields fields{{"metadata[reversal_id]", key}};
    if (!amount.empty()) fields.emplace_back("amount", amount);
    return post("/v1/transfers/" + tr + "/reversals", fields,
                auth_headers(key));
  }
  std::int64_t available_usd(const std::string& acct) {
    return available_of(json_of(get("/v1/balance", as_account(acct))), "usd");
  }
  boost::json::object transfer_now(const std::string& tr) {
    const auto r = get("/v1/transfers/" + tr);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return json_of(r);
  }
  boost::json::object list(const std::string& target,
                           const header_list& headers = auth_headers()) {
    const auto r = get(target, headers);
    EXPECT_EQ(r.res.result_int(), 200u) << target << ": " << r.res.body();
    return json_of(r);
  }
};

TEST_F(transfers,
       reversal_returns_money_to_the_platform_and_lowers_the_balance) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "1500", "tf_1");
  ASSERT_EQ(available_usd(acct), 1500);

  const auto r = reverse(tr, "rv_1", "500");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto reversal = json_of(r);
  EXPECT_EQ(std::string(reversal.at("id").as_string()).rfind("trr_", 0), 0u);
  EXPECT_EQ(reversal.at("object"), "transfer_reversal");
  EXPECT_EQ(reversal.at("amount"), 500);
  EXPECT_EQ(reversal.at("currency"), "usd");
  EXPECT_EQ(reversal.at("transfer"), tr.c_str());
  EXPECT_EQ(reversal.at("metadata").at("reversal_id"), "rv_1");
  EXPECT_LE(reversal.at("created").as_int64(), now());
  EXPECT_EQ(available_usd(acct), 1000);

  // Without an amount: all that is left.
  const auto rest = reverse(tr, "rv_2");
  ASSERT_EQ(rest.res.result_int(), 200u) << rest.res.body();
  EXPECT_EQ(json_of(rest).at("amount"), 1000);
  EXPECT_EQ(available_usd(acct), 0);
}

TEST_F(transfers, reversal_may_take_the_connected_balance_below_zero) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "1000", "tf_paid_out");
  const auto paid_out = post("/v1/payouts",
                             {{"amount", "1000"}, {"currency", "usd"}},
                             as_account(acct, "pyo_all"));
  ASSERT_EQ(paid_out.res.result_int(), 200u) << paid_out.res.body();
  ASSERT_EQ(available_usd(acct), 0);
  ASSERT_EQ(reverse(tr, "rv_neg").res.result_int(), 200u);
  EXPECT_EQ(available_usd(acct), -1000);
}

TEST_F(transfers, replay_with_the_same_key_returns_the_same_reversal) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "1500", "tf_r");
  const auto first = reverse(tr, "rv_r", "1500");
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  EXPECT_EQ(header_of(first, "Idempotency-Key"), "rv_r");

  // Even once nothing is left, the replay answers what the key made.
  const auto replay = reverse(tr, "rv_r", "1500");
  ASSERT_EQ(replay.res.result_int(), 200u) << replay.res.body();
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), first.res.body());
  EXPECT_EQ(available_usd(acct), 0);
  EXPECT_EQ(transfer_now(tr).at("amount_reversed"), 1500);

  const auto other_amount = reverse(tr, "rv_r", "100");
  EXPECT_EQ(other_amount.res.result_int(), 400u);
  EXPECT_EQ(error_field(other_amount, "type"), "idempotency_error");
  EXPECT_EQ(error_field(other_amount, "code"), "idempotency_key_reused");
  // The path is part of the request: the key on another transfer conflicts.
  const std::string other = transfer(acct, "200", "tf_other");
  EXPECT_EQ(error_field(reverse(other, "rv_r", "1500"), "code"),
            "idempotency_key_reused");
}

TEST_F(transfers, a_second_full_reversal_is_refused) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "800", "tf_full");
  ASSERT_EQ(reverse(tr, "rv_full_1").res.result_int(), 200u);
  const auto again = reverse(tr, "rv_full_2");
  EXPECT_EQ(again.res.result_int(), 400u);
  EXPECT_EQ(error_field(again, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(again, "code"), "transfer_already_reversed");
  EXPECT_EQ(error_field(again, "message"),
            "The transfer " + tr + " is already fully reversed.");
  EXPECT_EQ(available_usd(acct), 0);
}

TEST_F(transfers, reversal_refusals_name_what_is_wrong) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "800", "tf_bad");
  ASSERT_EQ(reverse(tr, "rv_part", "300").res.result_int(), 200u);

  const auto too_much = reverse(tr, "rv_big", "501");
  EXPECT_EQ(too_much.res.result_int(), 400u);
  EXPECT_EQ(error_field(too_much, "code"), "amount_too_large");
  EXPECT_EQ(error_field(too_much, "param"), "amount");

  const auto unknown = reverse("tr_nobody", "rv_none");
  EXPECT_EQ(unknown.res.result_int(), 404u);
  EXPECT_EQ(error_field(unknown, "code"), "resource_missing");
  EXPECT_EQ(error_field(unknown, "message"), "No such transfer: 'tr_nobody'");

  const auto fee = post("/v1/transfers/" + tr + "/reversals",
                        {{"refund_application_fee", "true"}});
  EXPECT_EQ(error_field(fee, "code"), "parameter_unknown");
  EXPECT_EQ(error_field(fee, "param"), "refund_application_fee");
  EXPECT_EQ(error_field(post("/v1/transfers/" + tr + "/reversals",
                             {{"amount", "0"}}),
                        "param"),
            "amount");
  // Nothing refused moved money.
  EXPECT_EQ(available_usd(acct), 500);
  EXPECT_EQ(transfer_now(tr).at("amount_reversed"), 300);
}

TEST_F(transfers, transfer_json_shows_amount_reversed_and_reversed) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "1000", "tf_json");
  auto t = transfer_now(tr);
  EXPECT_EQ(t.at("amount_reversed"), 0);
  EXPECT_EQ(t.at("reversed"), false);
  EXPECT_EQ(t.at("reversals").at("object"), "list");
  EXPECT_EQ(t.at("reversals").at("total_count"), 0);
  EXPECT_TRUE(t.at("reversals").at("data").as_array().empty());

  const auto part = json_of(reverse(tr, "rv_j1", "400"));
  advance_clock(*client_, 1);
  t = transfer_now(tr);
  EXPECT_EQ(t.at("amount_reversed"), 400);
  EXPECT_EQ(t.at("reversed"), false);
  EXPECT_EQ(t.at("reversals").at("url"),
            ("/v1/transfers/" + tr + "/reversals").c_str());
  ASSERT_EQ(t.at("reversals").at("data").as_array().size(), 1u);
  EXPECT_EQ(t.at("reversals").at("data").at(0), part);

  const auto rest = json_of(reverse(tr, "rv_j2"));
  t = transfer_now(tr);
  EXPECT_EQ(t.at("amount_reversed"), 1000);
  EXPECT_EQ(t.at("reversed"), true);
  EXPECT_EQ(t.at("reversals").at("total_count"), 2);
  // Newest first.
  EXPECT_EQ(t.at("reversals").at("data").at(0), rest);
  EXPECT_EQ(t.at("reversals").at("data").at(1), part);
  // The list renders it the same.
  EXPECT_EQ(list("/v1/transfers").at("data").at(0), t);
}

TEST_F(transfers, list_filters_by_transfer_group_newest_first) {
  const std::string alice = account();
  const std::string bob = account();
  const std::string a1 = transfer(alice, "100", "tf_a1", "chk_A");
  advance_clock(*client_, 1);
  const std::string b1 = transfer(bob, "200", "tf_b1", "chk_A");
  advance_clock(*client_, 1);
  const std::string other = transfer(alice, "300", "tf_o", "chk_B");
  advance_clock(*client_, 1);
  const std::string a2 = transfer(alice, "400", "tf_a2", "chk_A");

  const auto group = list("/v1/transfers?transfer_group=chk_A");
  EXPECT_EQ(group.at("object"), "list");
  EXPECT_EQ(group.at("url"), "/v1/transfers");
  EXPECT_EQ(group.at("has_more"), false);
  EXPECT_EQ(ids_of(group), (std::vector<std::string>{a2, b1, a1}));
  EXPECT_EQ(group.at("data").at(0), transfer_now(a2));

  EXPECT_EQ(ids_of(list("/v1/transfers?destination=" + alice)),
            (std::vector<std::string>{a2, other, a1}));
  EXPECT_EQ(ids_of(
              list("/v1/transfers?transfer_group=chk_A&destination=" + alice)),
            (std::vector<std::string>{a2, a1}));
  EXPECT_TRUE(ids_of(list("/v1/transfers?transfer_group=chk_none")).empty());
  EXPECT_EQ(ids_of(list("/v1/transfers")),
            (std::vector<std::string>{a2, other, b1, a1}));

  // Paging both ways within the group.
  const auto first = list("/v1/transfers?transfer_group=chk_A&limit=2");
  EXPECT_EQ(ids_of(first), (std::vector<std::string>{a2, b1}));
  EXPECT_EQ(first.at("has_more"), true);
  const auto second = list(
    "/v1/transfers?transfer_group=chk_A&limit=2&starting_after=" + b1);
  EXPECT_EQ(ids_of(second), (std::vector<std::string>{a1}));
  EXPECT_EQ(second.at("has_more"), false);
  EXPECT_EQ(ids_of(
              list("/v1/transfers?transfer_group=chk_A&ending_before=" + a1)),
            (std::vector<std::string>{a2, b1}));

  const auto unknown_cursor = get("/v1/transfers?starting_after=tr_nobody");
  EXPECT_EQ(unknown_cursor.res.result_int(), 400u);
  EXPECT_EQ(error_field(unknown_cursor, "code"), "resource_missing");
  EXPECT_EQ(error_field(unknown_cursor, "param"), "starting_after");
  EXPECT_EQ(error_field(get("/v1/transfers?limit=101"), "param"), "limit");
  EXPECT_EQ(error_field(get("/v1/transfers?status=paid"), "code"),
            "parameter_unknown");
}

TEST_F(transfers, payouts_list_is_scoped_by_stripe_account) {
  const std::string alice = account();
  const std::string bob = account();
  transfer(alice, "1000", "tf_pa");
  transfer(bob, "1000", "tf_pb");
  const auto payout = [&](const header_list& headers,
                          http::form_fields fields) {
    fields.emplace_back("amount", "100");
    fields.emplace_back("currency", "usd");
    const auto r = post("/v1/payouts", fields, headers);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return std::string(json_of(r).at("id").as_string());
  };
  const std::string platform = payout(auth_headers("pyo_platform"),
                                      {{"destination", "acct_bank"}});
  const std::string alice_1 = payout(as_account(alice, "pyo_a1"), {});
  advance_clock(*client_, 1);
  const std::string alice_2 = payout(as_account(alice, "pyo_a2"), {});
  const std::string bob_1 = payout(as_account(bob, "pyo_b1"), {});

  const auto of_alice = list("/v1/payouts", as_account(alice));
  EXPECT_EQ(of_alice.at("url"), "/v1/payouts");
  EXPECT_EQ(ids_of(of_alice), (std::vector<std::string>{alice_2, alice_1}));
  EXPECT_EQ(of_alice.at("data").at(0),
            json_of(get("/v1/payouts/" + alice_2, as_account(alice))));
  EXPECT_EQ(ids_of(list("/v1/payouts", as_account(bob))),
            (std::vector<std::string>{bob_1}));
  EXPECT_EQ(ids_of(list("/v1/payouts")), (std::vector<std::string>{platform}));

  const auto paged = list("/v1/payouts?limit=1", as_account(alice));
  EXPECT_EQ(ids_of(paged), (std::vector<std::string>{alice_2}));
  EXPECT_EQ(paged.at("has_more"), true);
  EXPECT_EQ(ids_of(
              list("/v1/payouts?starting_after=" + alice_2, as_account(alice))),
            (std::vector<std::string>{alice_1}));
  // Another account's pay-out is no cursor of this list.
  const auto foreign = get("/v1/payouts?starting_after=" + bob_1,
                           as_account(alice));
  EXPECT_EQ(foreign.res.result_int(), 400u);
  EXPECT_EQ(error_field(foreign, "code"), "resource_missing");
  EXPECT_EQ(error_field(foreign, "param"), "starting_after");
  EXPECT_EQ(error_field(get("/v1/payouts", as_account("acct_nobody")), "code"),
            "account_invalid");
}

TEST_F(transfers, balance_transactions_show_transfer_and_transfer_refund) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "1500", "tf_bt");
  const std::string trr(
    json_of(reverse(tr, "rv_bt", "600")).at("id").as_string());
  // A connected account's own pay-out is not the platform's.
  ASSERT_EQ(post("/v1/payouts", {{"amount", "100"}, {"currency", "usd"}},
                 as_account(acct, "pyo_conn"))
              .res.result_int(),
            200u);

  const auto data =
    list("/v1/balance_transactions?expand[]=data.source").at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  for (const auto& entry : data) {
    const auto& t = entry.as_object();
    EXPECT_EQ(t.at("fee"), 0);
    EXPECT_EQ(t.at("net"), t.at("amount"));
    EXPECT_EQ(t.at("currency"), "usd");
    EXPECT_EQ(t.at("created"), t.at("available_on"));
    const auto& source = t.at("source").as_object();
    if (t.at("type") == "transfer") {
      EXPECT_EQ(t.at("reporting_category"), "transfer");
      EXPECT_EQ(t.at("amount"), -1500);
      // The transfer whole, as GET renders it now.
      EXPECT_EQ(source, transfer_now(tr));
      EXPECT_EQ(source.at("metadata").at("transfer_id"), "tf_bt");
    } else {
      EXPECT_EQ(t.at("type"), "transfer_refund");
      EXPECT_EQ(t.at("reporting_category"), "transfer_reversal");
      EXPECT_EQ(t.at("amount"), 600);
      EXPECT_EQ(source.at("id"), trr.c_str());
      EXPECT_EQ(source.at("object"), "transfer_reversal");
      EXPECT_EQ(source.at("transfer"), tr.c_str());
      EXPECT_EQ(source.at("metadata").at("reversal_id"), "rv_bt");
    }
  }
  // Unexpanded: the ids; and the type filter takes the new types.
  const auto plain = list("/v1/balance_transactions?type=transfer_refund");
  ASSERT_EQ(plain.at("data").as_array().size(), 1u);
  EXPECT_EQ(plain.at("data").at(0).at("source"), trr.c_str());
  EXPECT_EQ(list("/v1/balance_transactions?type=transfer")
              .at("data")
              .at(0)
              .at("source"),
            tr.c_str());
}

TEST_F(transfers, csv_shows_a_transfer_as_a_payout_line_with_its_key) {
  const std::int64_t day = now();
  const std::string acct = account();
  const std::string tr = transfer(acct, "1500", "tf_csv");
  reverse(tr, "rv_csv", "500");
  ASSERT_EQ(post("/v1/payouts", {{"amount", "100"}, {"currency", "usd"}},
                 as_account(acct, "pyo_csv"))
              .res.result_int(),
            200u);
  const auto r = get("/v1/settlement_files/" + utc_date_of(day));
  ASSERT_EQ(r.res.result_int(), 200u);
  const auto parsed = domain::parse_settlement_csv(r.res.body());
  ASSERT_EQ(parsed.error, "");
  // The transfer only: reversals have no line type in the CSV and the
  // connected account's pay-out is not the platform's.
  ASSERT_EQ(parsed.file.lines.size(), 1u);
  const auto& line = parsed.file.lines[0];
  EXPECT_EQ(line.psp_reference, tr);
  EXPECT_EQ(line.idempotency_key, "tf_csv");
  EXPECT_EQ(line.type, domain::settlement_type::payout);
  EXPECT_EQ(line.gross_minor, -1500);
  EXPECT_EQ(line.fee_minor, 0);
  EXPECT_EQ(line.net_minor, -1500);
  EXPECT_EQ(line.currency, "USD");
  ASSERT_EQ(parsed.file.totals.size(), 1u);
  EXPECT_EQ(parsed.file.totals[0].gross_minor, -1500);
  EXPECT_EQ(parsed.file.totals[0].net_minor, -1500);
}

TEST_F(transfers, reset_forgets_transfers_and_reversals) {
  const std::string acct = account();
  const std::string tr = transfer(acct, "700", "tf_reset");
  reverse(tr, "rv_reset", "100");
  ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
            200u);
  EXPECT_EQ(get("/v1/transfers/" + tr).res.result_int(), 404u);
  EXPECT_TRUE(list("/v1/transfers").at("data").as_array().empty());
  EXPECT_TRUE(list("/v1/balance_transactions").at("data").as_array().empty());
  // The key is forgotten with the reversal: a new transfer takes it afresh.
  const std::string again = transfer(account(), "700", "tf_reset");
  const auto r = reverse(again, "rv_reset", "100");
  EXPECT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(header_of(r, "Idempotent-Replayed"), "");
}

}  // namespace
}  // namespace pay::pspsim
