#include "gateway/payin/status_page.hpp"

#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "domain/access/account_scope.hpp"
#include "domain/common/display_amount.hpp"
#include "gateway/common/render.hpp"
#include "http/html.hpp"

namespace pay::gateway {

namespace json = boost::json;
using http::html_escape;

namespace {

constexpr int refresh_s = 2;

// Phone first: one column of lines, nothing wider than the screen (ids
// can be 200 characters without a space), text at a readable size.
constexpr std::string_view page_style =
  "*{box-sizing:border-box}"
  "body{margin:0;font:16px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
  "sans-serif;color:#1b1f24;background:#f5f6f8}"
  "main{max-width:36rem;margin:0 auto;padding:1rem}"
  ".sheet{background:#fff;border:1px solid #d8dde3;border-radius:8px;"
  "padding:1rem 1.25rem}"
  ".merchant{margin:0;font-weight:600;color:#5a6470}"
  "h1{font-size:1.4rem;margin:.25rem 0 .5rem}"
  ".lead{margin:0 0 .75rem}"
  ".status-line,.note,.reference{color:#5a6470;font-size:.9rem;margin:.25rem 0}"
  "code,.status,.reason{font-family:ui-monospace,\"DejaVu Sans Mono\","
  "monospace;font-size:.85rem}"
  "code{overflow-wrap:anywhere}"
  "table{border-collapse:collapse;width:100%;margin:.75rem 0 0}"
  "caption{text-align:left;font-weight:600;padding:.25rem 0}"
  "th,td{padding:.6rem 0;border-bottom:1px solid #e3e6ea;text-align:left;"
  "vertical-align:top;overflow-wrap:anywhere}"
  "thead th{font-size:.85rem;color:#5a6470;font-weight:600}"
  ".amount{text-align:right;white-space:nowrap;padding-left:1rem;"
  "font-variant-numeric:tabular-nums}"
  ".seller{display:block;font-weight:600}"
  ".state{display:block}"
  ".status{color:#5a6470}"
  ".reason-text{display:block;color:#a93226}"
  "tfoot th,tfoot td{border-bottom:none;font-weight:700}"
  "tfoot .paid-so-far th,tfoot .paid-so-far td{font-weight:400}"
  ".paid,.succeeded,.SUCCESS{color:#186a3b}"
  ".failed,.FAILED,.VOIDED{color:#a93226}"
  // The one control: a finger-sized target (44 px) for a reload.
  ".refresh{display:inline-flex;align-items:center;min-height:44px;"
  "padding:0 1rem;margin-top:.5rem;border:1px solid #0b5cad;"
  "border-radius:6px;color:#0b5cad;text-decoration:none}";

bool is_final(const std::string& status) {
  return status == "succeeded" || status == "failed";
}

// One order as the buyer reads it: a word or two for its status, and
// whether the buyer is still waiting on it.
struct buyer_state {
  std::string_view label;
  std::string_view tone;  // paid, held, failed or waiting: a CSS class
};

buyer_state buyer_state_of(std::string_view status) {
  if (status == "SUCCESS") return {"Paid", "paid"};
  if (status == "AUTHORIZED")
    return {"Approved, charged when it ships", "held"};
  if (status == "CAPTURING") return {"Being charged", "waiting"};
  if (status == "FAILED") return {"Not paid", "failed"};
  if (status == "VOIDED") return {"Cancelled, not charged", "failed"};
  if (status == "VOIDING") return {"Being cancelled", "waiting"};
  if (status == "REVIEW") return {"Being reviewed", "waiting"};
  return {"Processing", "waiting"};
}

// Failure codes in words; the code itself stays on the page, as the
// buyer's reference when they ask for help.
std::string_view reason_text(std::string_view code) {
  if (code.empty()) return {};
  if (code == "insufficient_funds") return "The card has insufficient funds.";
  if (code == "expired_card") return "The card has expired.";
  if (code == "incorrect_cvc") return "The card's security code was wrong.";
  if (code == "expired") return "The payment was not finished in time.";
  if (code == "payment_intent_authentication_failure")
    return "The card's verification did not succeed.";
  if (code == "authentication_required")
    return "The card needs a verification this checkout could not ask for.";
  if (code == "generic_decline" || code == "card_declined"
      || code == "do_not_honor" || code == "fraudulent")
    return "The card was declined.";
  return "The payment could not be completed.";
}

// Per currency in the order the lines first name it. A sum that would
// overflow is dropped rather than shown wrong.
struct currency_total {
  std::string currency;
  std::int64_t amount_minor = 0;
  bool overflow = false;
};

void add_to(std::vector<currency_total>& totals, const std::string& currency,
            std::int64_t amount_minor) {
  for (auto& t : totals) {
    if (t.currency != currency) continue;
    t.overflow = t.overflow
                 || __builtin_add_overflow(t.amount_minor, amount_minor,
                                           &t.amount_minor);
    return;
  }
  totals.push_back({currency, amount_minor, false});
}

struct checkout_summary {
  std::vector<currency_total> total;
  std::vector<currency_total> paid;
  std::size_t paid_orders = 0;
  std::size_t unpaid_orders = 0;  // failed or cancelled
  bool buyer_waits = false;       // an order the PSP or a reviewer decides
};

checkout_summary summarize(const checkout_view& checkout) {
  checkout_summary s;
  for (const auto& o : checkout.orders) {
    add_to(s.total, o.currency, o.amount_minor);
    auto state = buyer_state_of(domain::to_string(o.status));
    if (state.tone == "paid") {
      add_to(s.paid, o.currency, o.amount_minor);
      ++s.paid_orders;
    } else if (state.tone == "failed") {
      ++s.unpaid_orders;
    } else if (state.tone == "waiting") {
      s.buyer_waits = true;
    }
  }
  return s;
}

struct headline {
  std::string_view title;
  std::string_view lead;
};

headline headline_of(const std::string& status, const checkout_summary& s) {
  if (status == "in_review")
    return {"Your payment is being reviewed",
            "We check some payments before charging the card. You can keep "
            "this page open: it updates itself."};
  if (!is_final(status) && s.buyer_waits)
    return {"Processing your payment",
            "Waiting for the payment to be confirmed. You can keep this page "
            "open: it updates itself."};
  if (!is_final(status) && s.unpaid_orders > 0)
    return {"Payment partly approved",
            "Items marked Not paid were not charged. The others are charged "
            "when the seller ships them."};
  if (!is_final(status))
    return {"Payment approved",
            "Your card was approved. Each item is charged when the seller "
            "ships it."};
  if (s.unpaid_orders == 0)
    return {"Payment received", "Thank you. Your payment went through."};
  if (s.paid_orders == 0)
    return {"Payment not completed", "Nothing was charged to your card."};
  return {"Payment partly completed",
          "Only the items marked Paid were charged to your card."};
}

std::string amount_html(std::int64_t amount_minor,
                        const std::string& currency) {
  return html_escape(domain::display_amount(amount_minor, currency));
}

std::string order_row(const order_view& o, const domain::account_scope& scope) {
  auto status = domain::to_string(o.status);
  auto state = buyer_state_of(status);
  auto reason = reason_text(o.failure_code);
  std::string row = "<tr data-payment-order-id=\""
                    + html_escape(scope.out(o.id.value)) + "\"><td>";
  row += "<span class=\"seller\">" + html_escape(scope.out(o.seller.value))
         + "</span>";
  row += "<span class=\"state " + std::string{state.tone} + "\">"
         + std::string{state.label} + " <span class=\"status "
         + html_escape(status) + "\">" + html_escape(status)
         + "</span> <span class=\"reason\">" + html_escape(o.failure_code)
         + "</span></span>";
  if (!reason.empty())
    row += "<span class=\"reason-text\">" + std::string{reason} + "</span>";
  row += "</td><td class=\"amount\">" + amount_html(o.amount_minor, o.currency)
         + "</td></tr>";
  return row;
}

std::string total_rows(const std::vector<currency_total>& totals,
                       std::string_view label, std::string_view row_class,
                       std::string_view id) {
  std::string rows;
  for (const auto& t : totals) {
    if (t.overflow) continue;
    auto heading = std::string{label};
    if (totals.size() > 1) heading += " in " + t.currency;
    rows += "<tr class=\"" + std::string{row_class} + "\"><th scope=\"row\">"
            + html_escape(heading)
            + "</th><td class=\"amount\" data-currency=\""
            + html_escape(t.currency) + "\""
            + (id.empty() || totals.size() > 1
                 ? std::string{}
                 : " id=\"" + std::string{id} + "\"")
            + ">" + amount_html(t.amount_minor, t.currency) + "</td></tr>";
  }
  return rows;
}

std::string orders_table(const checkout_view& checkout,
                         const checkout_summary& s,
                         const domain::account_scope& scope) {
  std::string html =
    "<table id=\"orders\"><caption>Your order, by seller</caption>"
    "<thead><tr><th scope=\"col\">Seller</th>"
    "<th scope=\"col\" class=\"amount\">Amount</th></tr></thead><tbody>";
  for (const auto& o : checkout.orders) html += order_row(o, scope);
  html += "</tbody><tfoot>" + total_rows(s.total, "Total", "total", "total");
  // Only when it differs from the total: some item was not (yet) charged.
  if (s.paid_orders > 0 && s.paid_orders < checkout.orders.size())
    html += total_rows(s.paid, "Paid", "paid-so-far", "paid-total");
  html += "</tfoot></table>";
  return html;
}

}  // namespace

std::string render_status_page_json(const checkout_view& checkout) {
  json::array orders;
  for (const auto& o : checkout.orders)
    orders.push_back(json::object{
      {"payment_order_id", o.id.value},
      {"amount", decimal_amount(o.amount_minor, o.currency)},
      {"currency", o.currency},
      {"status", domain::to_string(o.status)},
      {"failure_code", null_if_empty(o.failure_code)},
    });
  return json::serialize(json::object{
    {"object", "checkout_status"},
    {"checkout_id", checkout.id.value},
    {"status", checkout_status(checkout)},
    {"payment_orders", std::move(orders)},
  });
}

std::string render_status_page_html(const checkout_view& checkout) {
  auto status = checkout_status(checkout);
  auto summary = summarize(checkout);
  auto head = headline_of(status, summary);
  // The buyer never sees the merchant's account id the ids are stored under.
  auto scope = domain::account_scope::of(domain::account_of(checkout.id.value));
  // Refresh while an answer is due; an order approved and waiting for the
  // seller to ship can wait days, and the page says so instead.
  const bool refreshes = !is_final(status) && summary.buyer_waits;

  std::string html =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (refreshes)
    html += "<meta http-equiv=\"refresh\" content=\""
            + std::to_string(refresh_s) + "\">";
  html += "<title>" + std::string{head.title} + " · "
          + html_escape(status_page_merchant_name) + "</title><style>"
          + std::string{page_style} + "</style></head><body><main>";
  html += "<div class=\"sheet\"><p class=\"merchant\" id=\"merchant-name\">"
          + html_escape(status_page_merchant_name) + "</p>";
  html += "<h1 id=\"headline\">" + std::string{head.title} + "</h1>";
  html += "<p class=\"lead\">" + std::string{head.lead} + "</p>";
  html +=
    "<p class=\"status-line\">Status: <strong id=\"checkout-status\" "
    "class=\""
    + html_escape(status) + "\">" + html_escape(status) + "</strong></p>";
  html += orders_table(checkout, summary, scope);
  html += "<p class=\"reference\">Reference <code id=\"checkout-id\">"
          + html_escape(scope.out(checkout.id.value)) + "</code></p>";
  if (refreshes)
    html += "<p id=\"refresh-note\" class=\"note\">This page refreshes itself "
            "every "
            + std::to_string(refresh_s)
            + " seconds.</p><a class=\"refresh\" id=\"refresh-link\" "
              "href=\"\">Refresh now</a>";
  html += "</div></main></body></html>\n";
  return html;
}

}  // namespace pay::gateway
