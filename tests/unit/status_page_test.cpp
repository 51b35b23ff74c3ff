// The buyer's status page as HTML: amounts as people read them, the seller
// lines and their total, no merchant account ids, and the ids and texts the
// hosted-page tests read (#checkout-status, #orders rows, .status, .reason,
// the refresh while an answer is due).
#include "gateway/payin/status_page.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pay::gateway {
namespace {

using domain::order_status;

constexpr const char* account = "acct_0123456789abcdef";

order_view line(const std::string& id, const std::string& seller,
                std::int64_t amount_minor, const std::string& currency,
                order_status status, const std::string& failure_code = "") {
  order_view o;
  o.id = domain::payment_order_id{id};
  o.seller = domain::seller_account{seller};
  o.amount_minor = amount_minor;
  o.currency = currency;
  o.status = status;
  o.failure_code = failure_code;
  return o;
}

checkout_view checkout_of(std::vector<order_view> orders,
                          const std::string& id = "chk_page_1") {
  checkout_view c;
  c.id = domain::checkout_id{id};
  c.orders = std::move(orders);
  return c;
}

bool has(const std::string& html, const std::string& part) {
  return html.find(part) != std::string::npos;
}

TEST(StatusPage, ShowsEachSellersAmountAsPeopleReadItAndTheTotal) {
  auto html = render_status_page_html(checkout_of({
    line("po_1", "seller_alice", 1234, "USD", order_status::success),
    line("po_2", "seller_bob", 100066, "USD", order_status::success),
  }));
  EXPECT_TRUE(has(html, ">$12.34</td>")) << html;
  EXPECT_TRUE(has(html, ">$1,000.66</td>")) << html;
  EXPECT_TRUE(has(html, "id=\"total\">$1,013.00</td>")) << html;
  EXPECT_TRUE(has(html, "<span class=\"seller\">seller_alice</span>"));
  EXPECT_TRUE(has(html, ">Payment received</h1>"));
  EXPECT_TRUE(has(html, std::string{"id=\"merchant-name\">"}
                          + std::string{status_page_merchant_name} + "<"));
}

TEST(StatusPage, ZeroDecimalCurrenciesAndCodesAfterTheNumber) {
  auto html = render_status_page_html(checkout_of({
    line("po_y", "seller_jp", 500, "JPY", order_status::success),
    line("po_k", "seller_kr", 12345, "KRW", order_status::success),
  }));
  EXPECT_TRUE(has(html, ">¥500</td>")) << html;
  EXPECT_TRUE(has(html, ">12,345 KRW</td>")) << html;
  // Two currencies: a total for each, named, never added together.
  EXPECT_TRUE(has(html, ">Total in JPY</th>")) << html;
  EXPECT_TRUE(has(html, ">Total in KRW</th>")) << html;
  EXPECT_FALSE(has(html, "id=\"total\""));
}

TEST(StatusPage, KeepsTheIdsAndTextsTheHostedTestsRead) {
  auto html = render_status_page_html(checkout_of({
    line("po_d", "seller_alice", 1234, "USD", order_status::failed,
         "insufficient_funds"),
  }));
  EXPECT_TRUE(has(html, "id=\"checkout-status\" class=\"failed\">failed<"));
  EXPECT_TRUE(has(html, "<tr data-payment-order-id=\"po_d\">"));
  EXPECT_TRUE(has(html, "<span class=\"status FAILED\">FAILED</span>"));
  EXPECT_TRUE(has(html, "<span class=\"reason\">insufficient_funds</span>"));
  EXPECT_TRUE(has(html, "The card has insufficient funds."));
  EXPECT_TRUE(has(html, ">Payment not completed</h1>"));
  EXPECT_FALSE(has(html, "http-equiv=\"refresh\""));
}

TEST(StatusPage, RefreshesWhileAnAnswerIsDue) {
  auto html = render_status_page_html(checkout_of({
    line("po_p", "seller_alice", 1234, "USD", order_status::pending),
  }));
  EXPECT_TRUE(has(html, "<meta http-equiv=\"refresh\" content=\"2\">"));
  EXPECT_TRUE(has(html, "id=\"checkout-status\" class=\"processing\""));
  EXPECT_TRUE(has(html, "id=\"refresh-note\""));
  EXPECT_TRUE(has(html, ">Processing your payment</h1>"));
}

TEST(StatusPage, APartlyPaidCheckoutShowsWhatWasPaid) {
  auto html = render_status_page_html(checkout_of({
    line("po_ok", "seller_alice", 1234, "USD", order_status::success),
    line("po_no", "seller_bob", 766, "USD", order_status::failed,
         "generic_decline"),
  }));
  EXPECT_TRUE(has(html, "id=\"total\">$20.00</td>")) << html;
  EXPECT_TRUE(has(html, "id=\"paid-total\">$12.34</td>")) << html;
  EXPECT_TRUE(has(html, ">Payment partly completed</h1>"));
}

TEST(StatusPage, HidesTheMerchantAccountTheIdsAreStoredUnder) {
  const std::string prefix = std::string{account} + ":";
  auto html = render_status_page_html(
    checkout_of({line(prefix + "po_1", prefix + "seller_alice", 1234, "USD",
                      order_status::success)},
                prefix + "chk_1"));
  EXPECT_FALSE(has(html, account)) << html;
  EXPECT_TRUE(has(html, "<span class=\"seller\">seller_alice</span>"));
  EXPECT_TRUE(has(html, "<code id=\"checkout-id\">chk_1</code>"));
}

TEST(StatusPage, EscapesEveryValue) {
  auto html = render_status_page_html(
    checkout_of({line("po_<b>", "seller_<i>", 1234, "USD", order_status::failed,
                      "<script>")},
                "chk_\"x\""));
  EXPECT_FALSE(has(html, "<b>"));
  EXPECT_FALSE(has(html, "<i>"));
  EXPECT_FALSE(has(html, "<script>"));
  EXPECT_TRUE(has(html, "seller_&lt;i&gt;"));
  EXPECT_TRUE(has(html, "chk_&quot;x&quot;"));
}

TEST(StatusPage, JsonStaysTheMachineShape) {
  auto json = render_status_page_json(checkout_of({
    line("po_1", "seller_alice", 1234, "USD", order_status::success),
  }));
  EXPECT_EQ(json,
            R"({"object":"checkout_status","checkout_id":"chk_page_1",)"
            R"("status":"succeeded","payment_orders":[{"payment_order_id":)"
            R"("po_1","amount":"12.34","currency":"USD","status":"SUCCESS",)"
            R"("failure_code":null}]})");
}

}  // namespace
}  // namespace pay::gateway
