// Stripe Connect basics against the real pspsim process: connected
// accounts, transfers to them, and pay-outs that act on a connected
// account's own balance through the Stripe-Account header.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

class connect : public pspsim_suite<connect> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--payout-ms", "600000"};
  }

 protected:
  std::string account(bool transfers = true) {
    http::form_fields fields{{"type", "custom"},
                             {"country", "US"},
                             {"email", "alice@example.com"},
                             {"metadata[seller_account]", "seller_alice"}};
    if (transfers) {
      fields.emplace_back("capabilities[transfers][requested]", "true");
    }
    const auto r = post("/v1/accounts", fields);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return std::string(json_of(r).at("id").as_string());
  }
  http::sync_result transfer(const std::string& destination,
                             const std::string& amount,
                             const std::string& key = {}) {
    return post("/v1/transfers",
                {{"amount", amount},
                 {"currency", "usd"},
                 {"destination", destination},
                 {"transfer_group", "chk_1"},
                 {"metadata[payment_order_id]", "po_1"}},
                auth_headers(key));
  }
  http::sync_result payout(const std::string& acct, const std::string& amount,
                           const std::string& key) {
    return post(
      "/v1/payouts",
      {{"amount", amount}, {"currency", "usd"}, {"metadata[payout_id]", key}},
      as_account(acct, key));
  }
  std::int64_t available_usd(const std::string& acct) {
    return available_of(json_of(get("/v1/balance", as_account(acct))), "usd");
  }
};

TEST_F(connect, account_is_created_with_its_capabilities_and_read_back) {
  const std::string id = account();
  EXPECT_EQ(id.rfind("acct_", 0), 0u);
  const auto a = json_of(client_->get("/v1/accounts/" + id, auth_headers()));
  EXPECT_EQ(a.at("object"), "account");
  EXPECT_EQ(a.at("type"), "custom");
  EXPECT_EQ(a.at("country"), "US");
  EXPECT_EQ(a.at("email"), "alice@example.com");
  EXPECT_EQ(a.at("capabilities").at("transfers"), "active");
  EXPECT_EQ(a.at("metadata").at("seller_account"), "seller_alice");
}

TEST_F(connect, account_parameters_are_checked_like_stripe) {
  EXPECT_EQ(error_field(post("/v1/accounts", {{"type", "standard"}}), "param"),
            "type");
  EXPECT_EQ(error_field(post("/v1/accounts", {{"country", "US"}}), "code"),
            "parameter_missing");
  EXPECT_EQ(error_field(post("/v1/accounts",
                             {{"type", "express"}, {"business_type", "x"}}),
                        "code"),
            "parameter_unknown");
  EXPECT_EQ(error_field(post("/v1/accounts",
                             {{"type", "express"}, {"country", "usa"}}),
                        "param"),
            "country");
}

TEST_F(connect, transfer_credits_the_connected_accounts_balance) {
  const std::string acct = account();
  const auto r = transfer(acct, "1500", "tr_key_1");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto t = json_of(r);
  EXPECT_EQ(std::string(t.at("id").as_string()).rfind("tr_", 0), 0u);
  EXPECT_EQ(t.at("object"), "transfer");
  EXPECT_EQ(t.at("destination"), acct.c_str());
  EXPECT_EQ(t.at("transfer_group"), "chk_1");
  EXPECT_EQ(available_usd(acct), 1500);
  // A replay moves nothing again.
  const auto replay = transfer(acct, "1500", "tr_key_1");
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), r.res.body());
  EXPECT_EQ(available_usd(acct), 1500);
  EXPECT_EQ(
    json_of(client_->get("/v1/transfers/" + std::string(t.at("id").as_string()),
                         auth_headers()))
      .at("amount"),
    1500);
}

TEST_F(connect, transfer_needs_a_known_destination_with_transfers) {
  const auto unknown = transfer("acct_nobody", "100");
  EXPECT_EQ(error_field(unknown, "code"), "resource_missing");
  EXPECT_EQ(error_field(unknown, "param"), "destination");
  const auto no_capability = transfer(account(false), "100");
  EXPECT_EQ(error_field(no_capability, "code"),
            "insufficient_capabilities_for_transfer");
  EXPECT_EQ(error_field(transfer("seller_alice", "100"), "param"),
            "destination");
  EXPECT_EQ(error_field(post("/v1/transfers",
                             {{"amount", "100"},
                              {"currency", "usd"},
                              {"destination", account()},
                              {"source_transaction", "pi_123"}}),
                        "param"),
            "source_transaction");
}

TEST_F(connect, payout_with_stripe_account_draws_on_that_accounts_balance) {
  const std::string acct = account();
  transfer(acct, "1000");
  const auto first = payout(acct, "600", "pyo_1");
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  EXPECT_TRUE(json_of(first).at("destination").is_null());
  EXPECT_EQ(available_usd(acct), 400);
  const auto too_much = payout(acct, "500", "pyo_2");
  ASSERT_EQ(too_much.res.result_int(), 400u);
  EXPECT_EQ(error_field(too_much, "code"), "balance_insufficient");
  EXPECT_EQ(available_usd(acct), 400);
  // The replay of the first takes nothing more.
  EXPECT_EQ(header_of(payout(acct, "600", "pyo_1"), "Idempotent-Replayed"),
            "true");
  EXPECT_EQ(available_usd(acct), 400);
}

TEST_F(connect, a_connected_payout_is_visible_to_its_account_only) {
  const std::string acct = account();
  const std::string other = account();
  transfer(acct, "1000");
  const std::string id(
    json_of(payout(acct, "300", "pyo_v")).at("id").as_string());
  EXPECT_EQ(
    client_->get("/v1/payouts/" + id, as_account(acct)).res.result_int(), 200u);
  EXPECT_EQ(
    client_->get("/v1/payouts/" + id, as_account(other)).res.result_int(),
    404u);
  EXPECT_EQ(client_->get("/v1/payouts/" + id, auth_headers()).res.result_int(),
            404u);
}

TEST_F(connect, a_failed_connected_payout_gives_the_money_back) {
  const std::string acct = account();
  transfer(acct, "1000");
  const std::string id(
    json_of(payout(acct, "700", "pyo_f")).at("id").as_string());
  EXPECT_EQ(available_usd(acct), 300);
  ASSERT_EQ(client_->post("/sim/payouts/" + id + "/fail", "", "text/plain")
              .res.result_int(),
            200u);
  EXPECT_EQ(available_usd(acct), 1000);
}

TEST_F(connect, unknown_stripe_account_is_refused) {
  const auto r = payout("acct_nobody", "100", "pyo_x");
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "code"), "account_invalid");
}

TEST_F(connect, platform_payout_still_needs_a_destination) {
  const auto r = post("/v1/payouts", {{"amount", "100"}, {"currency", "usd"}},
                      auth_headers("pyo_p"));
  EXPECT_EQ(error_field(r, "code"), "parameter_missing");
  EXPECT_EQ(error_field(r, "param"), "destination");
}

TEST_F(connect, connected_payouts_stay_out_of_the_platforms_transactions) {
  const std::string acct = account();
  transfer(acct, "1000");
  payout(acct, "300", "pyo_c");
  advance_clock(*client_, 700);
  const auto list = json_of(
    client_->get("/v1/balance_transactions?type=payout", auth_headers()));
  EXPECT_TRUE(list.at("data").as_array().empty());
}

}  // namespace
}  // namespace pay::pspsim
