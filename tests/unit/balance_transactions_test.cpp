// The page parser of Stripe's GET /v1/balance_transactions, on answers
// shaped as Stripe documents them (the balance transaction object, its
// source expanded with expand[]=data.source).

#include "domain/reconcile/balance_transactions.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace pay::domain {
namespace {

namespace json = boost::json;

// 2026-03-01 runs from 1772323200 to 1772409600.
constexpr std::int64_t noon_unix_s = 1'772'366'400;

// Newest first, as Stripe lists: a payout, a refund, a charge; every field
// of the object as documented, the sources trimmed to what a reader of
// them would look at plus some it must ignore.
const char* const documented_page = R"({
  "object": "list",
  "url": "/v1/balance_transactions",
  "has_more": false,
  "data": [
    {
      "id": "txn_1PayoutAAAA",
      "object": "balance_transaction",
      "amount": -5000,
      "available_on": 1772380000,
      "created": 1772380000,
      "currency": "usd",
      "description": "STRIPE PAYOUT",
      "exchange_rate": null,
      "fee": 0,
      "fee_details": [],
      "net": -5000,
      "reporting_category": "payout",
      "source": {
        "id": "po_1PayoutAAAA",
        "object": "payout",
        "amount": 5000,
        "arrival_date": 1772409600,
        "balance_transaction": "txn_1PayoutAAAA",
        "currency": "usd",
        "metadata": {"payout_id": "pyo_seller_a_1"},
        "method": "standard",
        "status": "paid",
        "type": "bank_account"
      },
      "status": "available",
      "type": "payout"
    },
    {
      "id": "txn_1RefundAAAA",
      "object": "balance_transaction",
      "amount": -300,
      "available_on": 1772370000,
      "created": 1772370000,
      "currency": "usd",
      "description": "REFUND FOR CHARGE",
      "exchange_rate": null,
      "fee": 0,
      "fee_details": [],
      "net": -300,
      "reporting_category": "refund",
      "source": {
        "id": "re_1RefundAAAA",
        "object": "refund",
        "amount": 300,
        "balance_transaction": "txn_1RefundAAAA",
        "charge": "ch_1ChargeAAAA",
        "currency": "usd",
        "metadata": {"refund_id": "rf_1", "payment_order_id": "po_1"},
        "payment_intent": "pi_1IntentAAAA",
        "reason": null,
        "status": "succeeded"
      },
      "status": "pending",
      "type": "refund"
    },
    {
      "id": "txn_1ChargeAAAA",
      "object": "balance_transaction",
      "amount": 1000,
      "available_on": 1772928000,
      "created": 1772330000,
      "currency": "usd",
      "description": null,
      "exchange_rate": null,
      "fee": 59,
      "fee_details": [
        {"amount": 59, "application": null, "currency": "usd",
         "description": "Stripe processing fees", "type": "stripe_fee"}
      ],
      "net": 941,
      "reporting_category": "charge",
      "source": {
        "id": "ch_1ChargeAAAA",
        "object": "charge",
        "amount": 1000,
        "amount_captured": 1000,
        "amount_refunded": 300,
        "balance_transaction": "txn_1ChargeAAAA",
        "captured": true,
        "currency": "usd",
        "metadata": {"payment_order_id": "po_1", "checkout_id": "chk_1",
                     "seller_account": "seller_a"},
        "paid": true,
        "payment_intent": "pi_1IntentAAAA",
        "refunded": false,
        "status": "succeeded"
      },
      "status": "pending",
      "type": "charge"
    }
  ]
})";

balance_page parsed(std::string_view text) {
  auto result = parse_balance_transactions_page(text);
  EXPECT_EQ(result.error, "");
  return std::move(result.page);
}

std::string refusal(std::string_view text) {
  auto result = parse_balance_transactions_page(text);
  EXPECT_NE(result.error, "") << text;
  return result.error;
}

// A transaction of `type` at noon, its source expanded as `source`.
json::object transaction(const std::string& id, const std::string& type,
                         std::int64_t amount, std::int64_t fee,
                         json::value source, const std::string& category = "") {
  return {{"id", id},
          {"object", "balance_transaction"},
          {"amount", amount},
          {"available_on", noon_unix_s},
          {"created", noon_unix_s},
          {"currency", "usd"},
          {"fee", fee},
          {"fee_details", json::array{}},
          {"net", amount - fee},
          {"reporting_category", category.empty() ? type : category},
          {"source", std::move(source)},
          {"status", "available"},
          {"type", type}};
}

json::object charge_source(const std::string& id, const std::string& intent,
                           const std::string& order) {
  return {{"id", id},
          {"object", "charge"},
          {"payment_intent", intent},
          {"metadata", json::object{{"payment_order_id", order}}}};
}

std::string page_of(json::array data, bool has_more = false) {
  return json::serialize(json::object{{"object", "list"},
                                      {"url", "/v1/balance_transactions"},
                                      {"has_more", has_more},
                                      {"data", std::move(data)}});
}

TEST(balance_transactions_test,
     a_documented_page_maps_charge_refund_and_payout_to_settlement_lines) {
  auto page = parsed(documented_page);
  EXPECT_FALSE(page.has_more);
  EXPECT_EQ(page.last_transaction_id, "txn_1ChargeAAAA");
  EXPECT_TRUE(page.skipped.empty());
  ASSERT_EQ(page.lines.size(), 3u);

  const auto& payout = page.lines[0];
  EXPECT_EQ(payout.transaction_id, "txn_1PayoutAAAA");
  EXPECT_EQ(payout.created_unix_s, 1'772'380'000);
  EXPECT_EQ(payout.line.type, settlement_type::payout);
  EXPECT_EQ(payout.line.psp_reference, "po_1PayoutAAAA");
  EXPECT_EQ(payout.line.idempotency_key, "pyo_seller_a_1");
  EXPECT_EQ(payout.line.gross_minor, -5000);
  EXPECT_EQ(payout.line.fee_minor, 0);
  EXPECT_EQ(payout.line.net_minor, -5000);

  const auto& refund = page.lines[1];
  EXPECT_EQ(refund.line.type, settlement_type::refund);
  EXPECT_EQ(refund.line.psp_reference, "re_1RefundAAAA");
  EXPECT_EQ(refund.line.idempotency_key, "rf_1");
  EXPECT_EQ(refund.line.gross_minor, -300);
  EXPECT_EQ(refund.line.net_minor, -300);

  const auto& charge = page.lines[2];
  EXPECT_EQ(charge.line.type, settlement_type::charge);
  // Matching is by PaymentIntent: our orders store pi_..., never ch_...
  EXPECT_EQ(charge.line.psp_reference, "pi_1IntentAAAA");
  EXPECT_EQ(charge.line.idempotency_key, "po_1");
  EXPECT_EQ(charge.line.gross_minor, 1000);
  EXPECT_EQ(charge.line.fee_minor, 59);
  EXPECT_EQ(charge.line.net_minor, 941);
  for (const auto& l : page.lines) {
    EXPECT_EQ(l.line.currency, "USD");
    EXPECT_EQ(l.line.settled_date, "2026-03-01");
    EXPECT_EQ(l.line.line_no, 0u);  // numbered once the day is whole
  }
}

TEST(balance_transactions_test, has_more_and_the_last_id_drive_paging) {
  auto page = parsed(
    page_of(json::array{transaction("txn_b", "charge", 1000, 59,
                                    charge_source("ch_b", "pi_b", "po_b")),
                        transaction("txn_a", "charge", 500, 45,
                                    charge_source("ch_a", "pi_a", "po_a"))},
            true));
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.last_transaction_id, "txn_a");
}

TEST(balance_transactions_test, an_empty_day_is_an_empty_last_page) {
  auto page = parsed(page_of(json::array{}));
  EXPECT_FALSE(page.has_more);
  EXPECT_TRUE(page.lines.empty());
  EXPECT_EQ(page.last_transaction_id, "");
}

TEST(balance_transactions_test,
     a_charge_without_a_payment_intent_is_referenced_by_its_own_id) {
  auto source = charge_source("ch_legacy", "", "po_legacy");
  source["payment_intent"] = nullptr;
  auto page = parsed(
    page_of(json::array{transaction("txn_1", "charge", 1000, 59, source)}));
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.lines[0].line.psp_reference, "ch_legacy");
  EXPECT_EQ(page.lines[0].line.idempotency_key, "po_legacy");
}

TEST(balance_transactions_test,
     a_payment_is_a_charge_and_a_payment_refund_a_refund) {
  json::object refund_source{{"id", "pyr_1"},
                             {"object", "refund"},
                             {"metadata", json::object{{"refund_id", "rf_9"}}}};
  auto page = parsed(page_of(json::array{
    transaction("txn_1", "payment", 2000, 88,
                charge_source("py_1", "pi_9", "po_9")),
    transaction("txn_2", "payment_refund", -2000, 0, refund_source)}));
  ASSERT_EQ(page.lines.size(), 2u);
  EXPECT_EQ(page.lines[0].line.type, settlement_type::charge);
  EXPECT_EQ(page.lines[0].line.psp_reference, "pi_9");
  EXPECT_EQ(page.lines[1].line.type, settlement_type::refund);
  EXPECT_EQ(page.lines[1].line.psp_reference, "pyr_1");
  EXPECT_EQ(page.lines[1].line.idempotency_key, "rf_9");
}

TEST(balance_transactions_test,
     a_stripe_fee_is_a_fee_line_of_gross_zero_whichever_way_it_is_stated) {
  json::object payout_source{{"id", "po_1"},
                             {"object", "payout"},
                             {"metadata",
                              json::object{{"payout_id", "pyo_1"}}}};
  // Stripe states a fee as amount -25, fee 0; a PSP may state it as
  // amount 0, fee 25; either is our fee line 0 / 25 / -25.
  auto page = parsed(page_of(json::array{
    transaction("txn_1", "stripe_fee", -25, 0, payout_source, "fee"),
    transaction("txn_2", "stripe_fee", 0, 25, payout_source, "fee"),
    transaction("txn_3", "tax_fee", -7, 0, nullptr, "fee")}));
  ASSERT_EQ(page.lines.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& l = page.lines[i].line;
    EXPECT_EQ(l.type, settlement_type::fee);
    EXPECT_EQ(l.gross_minor, 0);
    EXPECT_EQ(l.fee_minor, 25);
    EXPECT_EQ(l.net_minor, -25);
    EXPECT_EQ(l.psp_reference, "po_1");
    EXPECT_EQ(l.idempotency_key, "pyo_1");
  }
  // By reporting_category; with no source it is referenced by itself.
  const auto& tax = page.lines[2].line;
  EXPECT_EQ(tax.type, settlement_type::fee);
  EXPECT_EQ(tax.fee_minor, 7);
  EXPECT_EQ(tax.psp_reference, "txn_3");
  EXPECT_EQ(tax.idempotency_key, "");
}

TEST(balance_transactions_test,
     an_instant_payout_with_a_fee_is_a_payout_line_and_a_fee_line) {
  json::object payout_source{{"id", "po_fast"},
                             {"object", "payout"},
                             {"metadata",
                              json::object{{"payout_id", "pyo_fast"}}}};
  auto page = parsed(page_of(
    json::array{transaction("txn_p", "payout", -5000, 75, payout_source)}));
  ASSERT_EQ(page.lines.size(), 2u);
  const auto& payout = page.lines[0].line;
  EXPECT_EQ(payout.type, settlement_type::payout);
  EXPECT_EQ(payout.gross_minor, -5000);
  EXPECT_EQ(payout.fee_minor, 0);
  EXPECT_EQ(payout.net_minor, -5000);
  const auto& fee = page.lines[1].line;
  EXPECT_EQ(fee.type, settlement_type::fee);
  EXPECT_EQ(fee.gross_minor, 0);
  EXPECT_EQ(fee.fee_minor, 75);
  EXPECT_EQ(fee.net_minor, -75);
  EXPECT_EQ(fee.idempotency_key, "pyo_fast");
  EXPECT_EQ(page.lines[1].transaction_id, "txn_p");
}

TEST(balance_transactions_test,
     a_transfer_to_a_seller_is_a_payout_line_found_by_its_payout_id) {
  json::object transfer_source{{"id", "tr_1"},
                               {"object", "transfer"},
                               {"destination", "acct_1"},
                               {"metadata",
                                json::object{{"payout_id", "pyo_1"}}}};
  auto page = parsed(page_of(json::array{
    transaction("txn_t", "transfer", -4000, 0, transfer_source, "transfer")}));
  ASSERT_EQ(page.lines.size(), 1u);
  const auto& line = page.lines[0].line;
  EXPECT_EQ(line.type, settlement_type::payout);
  EXPECT_EQ(line.gross_minor, -4000);
  EXPECT_EQ(line.net_minor, -4000);
  EXPECT_EQ(line.psp_reference, "tr_1");
  EXPECT_EQ(line.idempotency_key, "pyo_1");
}

TEST(balance_transactions_test,
     other_types_are_skipped_and_named_but_still_end_the_page) {
  auto page = parsed(page_of(json::array{
    transaction("txn_1", "charge", 1000, 59,
                charge_source("ch_1", "pi_1", "po_1")),
    transaction("txn_2", "adjustment", -1000, 1500, "dp_1", "dispute"),
    transaction("txn_3", "transfer_refund", 400, 0, "trr_1",
                "transfer_reversal")}));
  EXPECT_EQ(page.lines.size(), 1u);
  ASSERT_EQ(page.skipped.size(), 2u);
  EXPECT_EQ(page.skipped[0].transaction_id, "txn_2");
  EXPECT_EQ(page.skipped[0].type, "adjustment");
  EXPECT_EQ(page.skipped[1].type, "transfer_refund");
  EXPECT_EQ(page.last_transaction_id, "txn_3");
}

TEST(balance_transactions_test,
     a_net_that_is_not_amount_minus_fee_is_kept_for_the_matcher_to_report) {
  auto entry = transaction("txn_1", "charge", 1000, 59,
                           charge_source("ch_1", "pi_1", "po_1"));
  entry["net"] = 999;
  auto page = parsed(page_of(json::array{entry}));
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.lines[0].line.net_minor, 999);
}

TEST(balance_transactions_test, currencies_are_upper_cased_with_any_exponent) {
  auto jpy = transaction("txn_1", "charge", 500, 45,
                         charge_source("ch_1", "pi_1", "po_1"));
  jpy["currency"] = "jpy";
  auto bhd = transaction("txn_2", "charge", 12345, 388,
                         charge_source("ch_2", "pi_2", "po_2"));
  bhd["currency"] = "BHD";
  auto page = parsed(page_of(json::array{jpy, bhd}));
  ASSERT_EQ(page.lines.size(), 2u);
  EXPECT_EQ(page.lines[0].line.currency, "JPY");
  EXPECT_EQ(page.lines[0].line.gross_minor, 500);
  EXPECT_EQ(page.lines[1].line.currency, "BHD");
}

TEST(balance_transactions_test, refusals_name_the_problem) {
  EXPECT_EQ(refusal("{").substr(0, 9), "not JSON:");
  EXPECT_EQ(refusal("[]"), "not a JSON object");
  EXPECT_EQ(refusal(R"({"object":"balance_transaction","has_more":false,
                        "data":[]})"),
            "object is not \"list\"");
  EXPECT_EQ(refusal(R"({"object":"list","data":[]})"),
            "has_more is not true or false");
  EXPECT_EQ(refusal(R"({"object":"list","has_more":"no","data":[]})"),
            "has_more is not true or false");
  EXPECT_EQ(refusal(R"({"object":"list","has_more":false})"),
            "data is not a list");
  EXPECT_EQ(refusal(R"({"object":"list","has_more":false,"data":[7]})"),
            "data[0]: not an object");
  EXPECT_EQ(refusal(R"({"object":"list","has_more":false,"data":[{}]})"),
            "data[0]: no id");
}

// One charge entry with `key` set to `value`: the reason it is refused.
std::string refusal_with(const char* key, json::value value) {
  auto ok = transaction("txn_0", "charge", 1000, 59,
                        charge_source("ch_0", "pi_0", "po_0"));
  auto bad = transaction("txn_x", "charge", 1000, 59,
                         charge_source("ch_x", "pi_x", "po_x"));
  bad[key] = std::move(value);
  return refusal(page_of(json::array{ok, bad}));
}

TEST(balance_transactions_test,
     a_malformed_entry_is_refused_by_position_and_id) {
  EXPECT_EQ(refusal_with("amount", 10.5),
            "data[1] (txn_x): amount is not an integer");
  EXPECT_EQ(refusal_with("amount", "1000"),
            "data[1] (txn_x): amount is not an integer");
  EXPECT_EQ(refusal_with("fee", std::uint64_t{1} << 63),
            "data[1] (txn_x): fee does not fit in 64 signed bits");
  EXPECT_EQ(refusal_with("net", nullptr),
            "data[1] (txn_x): net is not an integer");
  EXPECT_EQ(refusal_with("created", -1),
            "data[1] (txn_x): created -1 is not a time in 1970..9999");
  EXPECT_EQ(refusal_with("currency", "usdollar"),
            "data[1] (txn_x): unknown currency 'usdollar'");
  EXPECT_EQ(refusal_with("currency", "xxx"),
            "data[1] (txn_x): unknown currency 'xxx'");
  const std::string not_expanded =
    "data[1] (txn_x): source is not an expanded object with an id (ask with "
    "expand[]=data.source)";
  EXPECT_EQ(refusal_with("source", "ch_x"), not_expanded);
  EXPECT_EQ(refusal_with("source", nullptr), not_expanded);
  EXPECT_EQ(refusal_with("source", json::object{{"object", "charge"}}),
            not_expanded);
}

TEST(balance_transactions_test,
     refund_and_payout_need_their_expanded_source_too) {
  for (const char* type : {"refund", "payout"}) {
    auto entry = transaction("txn_1", type, -300, 0, "re_or_po_1");
    EXPECT_EQ(refusal(page_of(json::array{entry})),
              "data[0] (txn_1): source is not an expanded object with an id "
              "(ask with expand[]=data.source)")
      << type;
  }
}

TEST(balance_transactions_test,
     missing_metadata_leaves_the_key_empty_for_reference_matching) {
  json::object source{{"id", "ch_1"},
                      {"object", "charge"},
                      {"payment_intent", "pi_1"},
                      {"metadata", json::object{}}};
  auto page = parsed(
    page_of(json::array{transaction("txn_1", "charge", 1000, 59, source)}));
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.lines[0].line.psp_reference, "pi_1");
  EXPECT_EQ(page.lines[0].line.idempotency_key, "");
}

}  // namespace
}  // namespace pay::domain
