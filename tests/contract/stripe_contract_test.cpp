// The Stripe contract: every request the connector can build, built by the
// connector's own code and turned into HTTP by make_psp_request (the headers
// production sends), goes to stripe-mock, Stripe's official mock. It checks
// the path, the method, the form encoding and every parameter's name and
// type against Stripe's OpenAPI specification of API version 2020-08-27 (the
// version we pin) and answers with a fixture object: anything Stripe would
// refuse is a 400 here. Each test then hands the answer to the connector's
// own classifier, which must recognise the object (not call it unreadable or
// unknown). stripe-mock is stateless, so flows are not tested here; pspsim
// and the integration tests do that.
//
// scripts/test starts stripe-mock (-strict-version-check, so a Stripe-Version
// other than the spec's is refused too) and sets STRIPE_MOCK_URL. Without it
// every test is skipped, or fails under CI=true.

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "actors/common/psp_request.hpp"
#include "actors/payin/executor.hpp"
#include "actors/payout/payout_calls.hpp"
#include "actors/reconcile/balance_transactions_source.hpp"
#include "actors/reconcile/psp_reader.hpp"
#include "actors/reconcile/settlement_source.hpp"
#include "actors/refund/refund.hpp"
#include "domain/common/psp_outcome.hpp"
#include "domain/payout/account_outcome.hpp"
#include "domain/payout/payout_outcome.hpp"
#include "domain/payout/payout_records.hpp"
#include "domain/reconcile/balance_transactions.hpp"
#include "domain/reconcile/utc_day.hpp"
#include "domain/refund/refund_outcome.hpp"
#include "http/client_pool.hpp"
#include "http/form.hpp"
#include "http/sync_client.hpp"

namespace {

namespace bhttp = boost::beast::http;
using pay::domain::charge_kind;
using pay::domain::payout_kind;
using pay::domain::psp_transport;
using pay::domain::refund_kind;

constexpr const char* api_key = "sk_test_123";
constexpr const char* stripe_version = "2020-08-27";

// Ids as the engine makes them; Stripe's ids as Stripe shapes them (the mock
// answers a fixture for any id).
constexpr const char* order_id = "po_contract_1";
constexpr const char* checkout_id = "chk_contract_1";
constexpr const char* seller = "seller_contract";
constexpr const char* return_url = "https://shop.example/pay/status/chk_1";
constexpr const char* stripe_intent = "pi_1KgrhlEzs4zNlWI5DZ1RjhXa";
constexpr const char* stripe_session = "cs_test_a1contract";
constexpr const char* stripe_refund = "re_1KgrhlEzs4zNlWI5contract";
constexpr const char* stripe_payout = "po_1KgrhlEzs4zNlWI5contract";
constexpr const char* stripe_transfer = "tr_1KgrhlEzs4zNlWI5contract";
constexpr const char* connected_account = "acct_1KgrhlEzs4zNlWI5";
// The day of the mock's fixture balance transactions (created 1234567890).
constexpr const char* fixture_day = "2009-02-13";
constexpr const char* stripe_transaction = "txn_1KgrhaEzs4zNlWI53tduFbjd";

bool on_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view{ci} == "true";
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// stripe-mock's reason for a refusal: error.message of its JSON body.
std::string mock_error(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (!ec && value.is_object()) {
    const auto* err = value.get_object().if_contains("error");
    if (err != nullptr && err->is_object()) {
      const auto* message = err->get_object().if_contains("message");
      if (message != nullptr && message->is_string())
        return std::string{message->get_string()};
    }
  }
  return body.substr(0, 500);
}

// --- What the connector sends ----------------------------------------------

// A card charge; with a return_url the buyer can be taken through 3-D
// Secure, without one the connector asks Stripe to decline instead.
pay::execute_charge card_charge(std::string return_to = {}) {
  pay::execute_charge charge;
  charge.order = pay::order_line{{order_id}, {seller}, 1234, "USD"};
  charge.checkout.value = checkout_id;
  charge.psp_token = "pm_card_visa";
  charge.correlation_id = "req_contract";
  charge.return_url = std::move(return_to);
  return charge;
}

pay::register_session hosted_page() {
  pay::register_session reg;
  reg.order = pay::order_line{{order_id}, {seller}, 4200, "EUR"};
  reg.checkout.value = checkout_id;
  reg.return_url = return_url;
  reg.correlation_id = "req_contract";
  return reg;
}

pay::refund_work refund_row() {
  pay::refund_work work;
  work.view.refund_id.value = "rf_contract_1";
  work.view.payment_order_id = order_id;
  work.view.seller_account = seller;
  work.view.currency = "USD";
  work.view.amount_minor = 500;
  work.payment_intent = stripe_intent;
  return work;
}

pay::payout_view payout_row() {
  pay::payout_view row;
  row.payout_id.value = "pyo_contract_1";
  row.seller_account = seller;
  row.stripe_account = connected_account;
  row.currency = "USD";
  row.amount_minor = 10'000;
  row.transfer_reference = stripe_transfer;
  row.psp_reference = stripe_payout;
  return row;
}

class stripe_contract : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("STRIPE_MOCK_URL");
    if (url == nullptr || *url == '\0') {
      if (on_ci())
        FAIL() << "STRIPE_MOCK_URL is not set and CI=true: the Stripe "
                  "contract test must run on CI (scripts/test starts "
                  "stripe-mock from STRIPE_MOCK_BIN)";
      GTEST_SKIP() << "STRIPE_MOCK_URL is not set: run scripts/test, which "
                      "starts stripe-mock";
    }
    auto base = pay::http::parse_base_url(url);
    ASSERT_TRUE(base.has_value()) << "STRIPE_MOCK_URL=" << url;
    ASSERT_FALSE(base->is_https())
      << "STRIPE_MOCK_URL must be stripe-mock's http address: its https "
         "certificate is self-signed";
    url_ = url;
    host_ = base->host + ":" + std::to_string(base->port);
    client_ = std::make_unique<pay::http::sync_client>(base->host, base->port);
  }

  // The request exactly as the PSP client's pool sends it.
  pay::http::request as_sent(const pay::psp_call& call) const {
    return pay::make_psp_request(
      pay::psp_identity{host_, api_key, stripe_version}, call);
  }

  // Sends `call` and returns the mock's answer; a failure names the call,
  // its body and stripe-mock's reason.
  pay::http::response send(const pay::psp_call& call) {
    auto req = as_sent(call);
    // The headers every call carries (docs/stripe.md "Every call");
    // stripe-mock checks the key, the version and the content type itself,
    // not the idempotency key.
    EXPECT_EQ(req[bhttp::field::authorization],
              std::string{"Bearer "} + api_key);
    EXPECT_EQ(req["Stripe-Version"], stripe_version);
    if (call.method == "POST") {
      EXPECT_EQ(req[bhttp::field::content_type],
                "application/x-www-form-urlencoded");
      EXPECT_FALSE(req["Idempotency-Key"].empty())
        << "every POST carries an Idempotency-Key";
    }
    auto result = client_->send(std::move(req));
    EXPECT_TRUE(result.ok) << call.method << ' ' << call.target
                           << ": no answer from stripe-mock: " << result.error;
    return std::move(result.res);
  }

  // Sends `call` and expects stripe-mock to accept it (200); returns the
  // answer's body.
  std::string accepted(const pay::psp_call& call) {
    auto res = send(call);
    EXPECT_EQ(res.result_int(), 200u)
      << call.method << ' ' << call.target
      << (call.form_body.empty() ? "" : " with body ") << call.form_body
      << "\nstripe-mock: " << mock_error(res.body());
    return res.body();
  }

  std::string url_;

 private:
  std::string host_;
  std::unique_ptr<pay::http::sync_client> client_;
};

// A status the charge classifiers model for an object they read:
// succeeded, declined or processing; not an unknown outcome (unreadable, a
// status they do not know), not a refusal, not a retry.
bool charge_read(const pay::domain::charge_outcome& out) {
  return out.kind == charge_kind::succeeded || out.kind == charge_kind::declined
         || out.kind == charge_kind::processing
         || out.kind == charge_kind::authorized
         || out.kind == charge_kind::voided;
}

// A PaymentIntent the classifier read: its id and a status it models.
void expect_intent_read(const pay::domain::charge_outcome& out,
                        const std::string& body) {
  EXPECT_TRUE(starts_with(out.psp_reference, "pi_"))
    << "no intent id read from: " << body.substr(0, 300);
  EXPECT_TRUE(charge_read(out))
    << "read as " << pay::domain::to_string(out.kind) << ": "
    << out.failure_code << ' ' << out.failure_message;
}

// A Checkout Session the classifier read: its id and a status it models.
void expect_session_read(const pay::domain::charge_outcome& out,
                         const std::string& body) {
  EXPECT_TRUE(starts_with(out.session_id, "cs_"))
    << "no session id read from: " << body.substr(0, 300);
  EXPECT_TRUE(charge_read(out))
    << "read as " << pay::domain::to_string(out.kind) << ": "
    << out.failure_code << ' ' << out.failure_message;
}

// A Refund the classifier read: its id, and a status it models (succeeded,
// failed, or pending, which it reads back by id).
void expect_refund_read(const pay::domain::refund_outcome& out,
                        const std::string& body) {
  EXPECT_TRUE(starts_with(out.psp_reference, "re_"))
    << "no refund id read from: " << body.substr(0, 300);
  EXPECT_TRUE(out.kind == refund_kind::succeeded
              || out.kind == refund_kind::failed
              || out.kind == refund_kind::pending)
    << "read as " << pay::domain::to_string(out.kind) << ": "
    << out.failure_code << ' ' << out.failure_message;
}

// A pay-out step's answer read as something that decides (not a retry).
void expect_payout_step_read(const pay::domain::payout_outcome& out,
                             const std::string& body) {
  EXPECT_NE(out.kind, payout_kind::retry)
    << "read as retry: " << out.failure_code << ' ' << out.failure_message
    << " from: " << body.substr(0, 300);
}

// --- Pay-in ----------------------------------------------------------------

TEST_F(stripe_contract,
       create_payment_intent_with_a_card_token_is_accepted_by_stripe) {
  auto body = accepted(pay::make_create_intent_call(card_charge()));
  if (HasFailure()) return;
  expect_intent_read(
    pay::domain::classify_payment_intent(psp_transport::responded, 200, body),
    body);
}

TEST_F(stripe_contract,
       create_payment_intent_with_a_return_url_for_3ds_is_accepted_by_stripe) {
  auto body = accepted(pay::make_create_intent_call(card_charge(return_url)));
  if (HasFailure()) return;
  expect_intent_read(
    pay::domain::classify_payment_intent(psp_transport::responded, 200, body),
    body);
}

TEST_F(stripe_contract, retrieve_payment_intent_is_accepted_by_stripe) {
  auto body = accepted(pay::make_get_intent_call(stripe_intent, "req_c"));
  if (HasFailure()) return;
  expect_intent_read(
    pay::domain::classify_payment_intent(psp_transport::responded, 200, body),
    body);
}

TEST_F(stripe_contract, capture_of_an_authorized_intent_is_accepted_by_stripe) {
  auto body = accepted(pay::make_capture_call(pay::capture_charge{
    pay::domain::payment_order_id{order_id}, stripe_intent, 1234, "req_c"}));
  if (HasFailure()) return;
  expect_intent_read(
    pay::domain::classify_payment_intent(psp_transport::responded, 200, body),
    body);
}

TEST_F(stripe_contract, cancel_of_an_authorized_intent_is_accepted_by_stripe) {
  for (const char* reason : {"fraudulent", "requested_by_customer", ""}) {
    auto body = accepted(pay::make_void_call(
      pay::void_charge{pay::domain::payment_order_id{order_id}, stripe_intent,
                       reason, "req_c"}));
    if (HasFailure()) return;
    expect_intent_read(
      pay::domain::classify_payment_intent(psp_transport::responded, 200, body),
      body);
  }
}

TEST_F(stripe_contract, search_payment_intents_of_an_old_charge_is_accepted) {
  auto body = accepted(
    pay::make_search_intents_call(1'234'567'890, "pi_after", "req_c"));
  if (HasFailure()) return;
  auto page = pay::domain::search_intents(psp_transport::responded, 200, body,
                                          order_id);
  EXPECT_TRUE(page.readable) << body;
}

TEST_F(stripe_contract, create_checkout_session_is_accepted_by_stripe) {
  auto body = accepted(pay::make_register_session_call(hosted_page()));
  if (HasFailure()) return;
  expect_session_read(
    pay::domain::classify_checkout_session(psp_transport::responded, 200, body),
    body);
}

TEST_F(stripe_contract, retrieve_checkout_session_is_accepted_by_stripe) {
  auto body = accepted(pay::make_get_session_call(stripe_session, "req_c"));
  if (HasFailure()) return;
  expect_session_read(
    pay::domain::classify_checkout_session(psp_transport::responded, 200, body),
    body);
}

// --- Refunds ---------------------------------------------------------------

TEST_F(stripe_contract, create_refund_is_accepted_by_stripe) {
  auto body = accepted(pay::make_refund_call(refund_row(), "req_contract"));
  if (HasFailure()) return;
  expect_refund_read(
    pay::domain::classify_refund(psp_transport::responded, 200, body), body);
}

TEST_F(stripe_contract, retrieve_refund_is_accepted_by_stripe) {
  auto body = accepted(pay::make_get_refund_call(stripe_refund, "req_c"));
  if (HasFailure()) return;
  expect_refund_read(
    pay::domain::classify_refund(psp_transport::responded, 200, body), body);
}

// The look-up before a POST whose idempotency key may have expired. The
// mock's list holds a fixture refund without our metadata: read as absent
// (a complete list without ours), never as unreadable.
TEST_F(stripe_contract,
       list_refunds_of_a_payment_intent_is_accepted_by_stripe) {
  auto work = refund_row();
  auto body = accepted(pay::make_find_refunds_call(work.payment_intent, "c"));
  if (HasFailure()) return;
  auto out = pay::domain::classify_refund_lookup(psp_transport::responded, 200,
                                                 body,
                                                 work.view.refund_id.value);
  EXPECT_TRUE(out.kind == refund_kind::absent
              || (out.kind != refund_kind::retry && !out.psp_reference.empty()))
    << "read as " << pay::domain::to_string(out.kind) << ": "
    << out.failure_code << ' ' << out.failure_message;
}

// --- Pay-outs --------------------------------------------------------------

// Every call a pay-out can make, built by the connector's own code: the
// transfer, its lookup, the pay-out on the connected account, its lookup and
// read, the transfer's read and its reversal.
TEST_F(stripe_contract, every_payout_step_is_accepted_by_stripe) {
  using pay::domain::payout_call;
  for (auto call : {payout_call::create_transfer, payout_call::find_transfer,
                    payout_call::create_payout, payout_call::find_payout,
                    payout_call::read_payout, payout_call::read_transfer,
                    payout_call::reverse_transfer}) {
    SCOPED_TRACE(std::string{pay::domain::to_string(call)});
    auto body = accepted(
      pay::make_payout_call(call, payout_row(), "req_contract"));
    if (HasFailure()) return;
    expect_payout_step_read(
      pay::domain::classify_payout(psp_transport::responded, 200, body,
                                   "pyo_contract_1"),
      body);
  }
}

TEST_F(stripe_contract, connected_account_calls_are_accepted_by_stripe) {
  pay::connect_seller cmd;
  cmd.seller_account = seller;
  cmd.country = "US";
  cmd.email = "seller@example.com";
  cmd.correlation_id = "req_contract";
  for (const auto& call :
       {pay::make_create_account_call(cmd),
        pay::make_get_account_call(connected_account, "req_contract")}) {
    auto body = accepted(call);
    if (HasFailure()) return;
    auto out = pay::domain::classify_account(psp_transport::responded, 200,
                                             body);
    EXPECT_EQ(out.kind, pay::domain::account_kind::found)
      << body.substr(0, 300);
  }
}

// --- Reconciliation --------------------------------------------------------

// The production path whole: the balance_transactions settlement source
// (its target, headers and paging) over the connection production opens,
// then the day's reader, which must take the mock's page.
TEST_F(stripe_contract,
       list_balance_transactions_of_a_day_is_accepted_by_stripe) {
  auto source = pay::make_settlement_source(
    pay::settlement_source_options{std::string{
                                     pay::balance_transactions_source_name},
                                   api_key, stripe_version},
    pay::psp_opener_for(pay::psp_endpoint{url_, "", 10'000}));
  ASSERT_NE(source, nullptr);
  auto day = source->settled_lines_of(fixture_day);
  EXPECT_EQ(day.error, "");
  EXPECT_EQ(day.facts.pages, 1u);
}

// The next page's request (starting_after), which the mock's one-page
// fixture list never makes the source send.
TEST_F(stripe_contract,
       list_balance_transactions_next_page_is_accepted_by_stripe) {
  auto span = pay::domain::utc_day_span_of(fixture_day);
  ASSERT_TRUE(span.has_value());
  auto body = accepted(pay::psp_get_call(
    pay::balance_transactions_target(*span, stripe_transaction), {}));
  if (HasFailure()) return;
  auto page = pay::domain::parse_balance_transactions_page(body);
  EXPECT_EQ(page.error, "");
}

// --- The mock itself -------------------------------------------------------

// The contract is only worth something while the mock refuses what Stripe
// would refuse: one parameter Stripe does not know, added to a call that is
// otherwise the connector's own, must be a 400. It also pins what the
// connector makes of such a 400: a refusal of our request (no charge), not a
// decline and not an unknown outcome.
TEST_F(stripe_contract,
       unknown_parameter_is_refused_by_stripe_and_read_as_rejected) {
  auto call = pay::make_create_intent_call(card_charge());
  call.form_body += "&contract_unknown_parameter=1";
  auto res = send(call);
  ASSERT_EQ(res.result_int(), 400u) << res.body();
  EXPECT_NE(
    mock_error(res.body()).find("additional properties are not allowed"),
    std::string::npos)
    << res.body();
  auto out = pay::domain::classify_payment_intent(psp_transport::responded, 400,
                                                  res.body());
  EXPECT_EQ(pay::domain::to_string(out.kind), "rejected");
  EXPECT_EQ(out.failure_code, "invalid_request_error");
  EXPECT_FALSE(out.may_have_charged);
}

}  // namespace
