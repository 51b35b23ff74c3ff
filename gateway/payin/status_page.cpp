#include "gateway/payin/status_page.hpp"

#include <boost/json.hpp>

#include "gateway/common/render.hpp"
#include "http/html.hpp"

namespace pay::gateway {

namespace json = boost::json;
using http::html_escape;

namespace {

constexpr int refresh_s = 2;

bool is_final(const std::string& status) {
  return status == "succeeded" || status == "failed";
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
  std::string html =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  // Refresh until the outcome is known; a final page stays put.
  if (!is_final(status))
    html += "<meta http-equiv=\"refresh\" content=\""
            + std::to_string(refresh_s) + "\">";
  html += "<title>Payment " + html_escape(status)
          + "</title><style>body{font-family:sans-serif;max-width:40rem;"
            "margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;"
            "width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;"
            "text-align:left}.succeeded,.SUCCESS{color:#186a3b}.failed,"
            ".FAILED{color:#a93226}</style></head><body>";
  html += "<h1>Checkout <code>" + html_escape(checkout.id.value)
          + "</code></h1><p>Status: <strong id=\"checkout-status\" class=\""
          + html_escape(status) + "\">" + html_escape(status) + "</strong></p>";
  if (!is_final(status))
    html += "<p id=\"refresh-note\">This page refreshes itself every "
            + std::to_string(refresh_s) + " seconds.</p>";
  html +=
    "<table id=\"orders\"><thead><tr><th>Order</th><th>Amount</th>"
    "<th>Status</th><th>Reason</th></tr></thead><tbody>";
  for (const auto& o : checkout.orders) {
    auto order_status = domain::to_string(o.status);
    html += "<tr data-payment-order-id=\"" + html_escape(o.id.value) + "\"><td>"
            + html_escape(o.id.value) + "</td><td>"
            + html_escape(decimal_amount(o.amount_minor, o.currency)) + " "
            + html_escape(o.currency) + "</td><td class=\"status "
            + html_escape(order_status) + "\">" + html_escape(order_status)
            + "</td><td class=\"reason\">" + html_escape(o.failure_code)
            + "</td></tr>";
  }
  html += "</tbody></table></body></html>\n";
  return html;
}

}  // namespace pay::gateway
