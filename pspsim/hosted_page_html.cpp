#include "pspsim/hosted_page_html.hpp"

#include "http/html.hpp"
#include "pspsim/display_amount.hpp"

namespace pay::pspsim {

using http::html_escape;

namespace {

// Phone first: one column up to 28rem, 16 px text (smaller makes phones
// zoom into a focused input), every input and button at least 44 px high
// and as wide as the page, long names wrapped rather than scrolled.
constexpr std::string_view page_style =
  "*{box-sizing:border-box}"
  "html{-webkit-text-size-adjust:100%}"
  "body{margin:0;background:#f6f7f9;color:#1a1a1a;font:16px/1.45 "
  "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
  "main{max-width:28rem;margin:0 auto;padding:1.25rem 1rem 2rem}"
  ".merchant{margin:0;font-weight:600;color:#4a4f57;overflow-wrap:anywhere}"
  "h1{font-size:1.6rem;line-height:1.2;margin:.3rem 0 1rem;"
  "overflow-wrap:anywhere}"
  ".summary{background:#fff;border:1px solid #e1e4e8;border-radius:8px;"
  "padding:.5rem 1rem;margin:0 0 1rem}"
  ".line{display:flex;justify-content:space-between;gap:1rem;"
  "padding:.4rem 0}"
  ".line .name{min-width:0;overflow-wrap:anywhere}"
  ".line .quantity{display:block;color:#5f6670;font-size:.875rem}"
  ".line .price{white-space:nowrap;font-variant-numeric:tabular-nums}"
  ".total{border-top:1px solid #e1e4e8;margin-top:.3rem;padding-top:.6rem;"
  "font-weight:700}"
  "label{display:block;margin-top:.9rem;font-weight:500}"
  "input{display:block;width:100%;min-height:44px;margin-top:.3rem;"
  "padding:.55rem .75rem;font-size:16px;border:1px solid #b9bec6;"
  "border-radius:6px;background:#fff}"
  ".pair{display:flex;gap:.75rem}.pair>div{flex:1;min-width:0}"
  "button{display:block;width:100%;min-height:48px;margin-top:1.2rem;"
  "padding:.6rem 1rem;font-size:1.05rem;font-weight:600;border:0;"
  "border-radius:6px;background:#1a56db;color:#fff;cursor:pointer}"
  "button.secondary{background:#fff;color:#a3001b;border:1px solid #a3001b}"
  ".leave{display:inline-block;min-height:44px;padding:.6rem 0;"
  "color:#1a56db}"
  "#error{color:#a3001b;min-height:1.45rem;margin:.5rem 0 0;"
  "overflow-wrap:anywhere}";

std::string page(std::string_view title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\"><title>"
         + html_escape(title) + "</title><style>" + std::string(page_style)
         + "</style></head><body><main>\n" + body + "</main></body></html>\n";
}

// "visa" as a buyer knows it.
std::string_view brand_name(std::string_view brand) {
  if (brand == "visa") return "Visa";
  if (brand == "mastercard") return "Mastercard";
  if (brand == "amex") return "American Express";
  return "the card";
}

std::string total_text(const checkout_session& session) {
  return html_escape(display_amount(session.amount_minor, session.currency));
}

std::string merchant_line(std::string_view merchant_name) {
  return "<p class=\"merchant\" id=\"merchant-name\">"
         + html_escape(merchant_name) + "</p>\n";
}

// Each line with its amount (and "2 × $6.17" under the name when more
// than one), then the total.
std::string summary_html(const checkout_session& session) {
  std::string out =
    "<section class=\"summary\" id=\"line-items\" aria-label=\"Order "
    "summary\">\n";
  for (const line_item& line : session.line_items) {
    out += "<div class=\"line line-item\"><span class=\"name\">"
           + html_escape(line.name);
    if (line.quantity > 1) {
      out += "<span class=\"quantity\">" + std::to_string(line.quantity)
             + " \xC3\x97 "  // ×
             + html_escape(
               display_amount(line.unit_amount_minor, session.currency))
             + "</span>";
    }
    out += "</span><span class=\"price\">"
           + html_escape(display_amount(line.unit_amount_minor * line.quantity,
                                        session.currency))
           + "</span></div>\n";
  }
  out +=
    "<div class=\"line total\"><span>Total</span><span class=\"price\" "
    "id=\"total\">"
    + total_text(session) + "</span></div>\n</section>\n";
  return out;
}

// Complete and Fail buttons posting result=complete|fail to `action`.
std::string challenge_body(std::string_view merchant_name,
                           const std::string& action,
                           const std::string& amount) {
  return merchant_line(merchant_name)
         + "<h1>Confirm your payment</h1>\n<p>Your bank asks you to confirm "
           "the payment of <strong id=\"amount-total\">" + amount
         + "</strong> to " + html_escape(merchant_name) + ".</p>\n"
           "<form method=\"post\" action=\"" + action + "\">"
           "<input type=\"hidden\" name=\"result\" value=\"complete\">"
           "<button id=\"challenge-complete\" type=\"submit\">Complete"
           "</button></form>\n"
           "<form method=\"post\" action=\"" + action + "\">"
           "<input type=\"hidden\" name=\"result\" value=\"fail\">"
           "<button id=\"challenge-fail\" class=\"secondary\" "
           "type=\"submit\">Fail</button></form>\n";
}

// The same rule as the server's luhn_valid, so the buyer hears at once;
// the server checks again.
constexpr std::string_view luhn_script = R"(<script>
function luhnValid(digits){var sum=0,dbl=false;
for(var i=digits.length-1;i>=0;i--){var d=digits.charCodeAt(i)-48;
if(d<0||d>9)return false;if(dbl){d*=2;if(d>9)d-=9;}sum+=d;dbl=!dbl;}
return digits.length>0&&sum%10===0;}
document.getElementById('pay-form').addEventListener('submit',function(e){
var digits=document.getElementById('card-number').value.replace(/ /g,'');
if(digits.length<13||digits.length>19||!luhnValid(digits)){e.preventDefault();
document.getElementById('error').textContent='Your card number is invalid.';}});
</script>
)";

}  // namespace

std::string payment_form_html(const checkout_session& session,
                              std::string_view merchant_name,
                              std::string_view error,
                              std::string_view kept_expiry,
                              std::string_view kept_name) {
  const std::string action = "/pay/" + html_escape(session.id);
  const std::string total = total_text(session);
  std::string body =
    merchant_line(merchant_name)
    + "<h1 id=\"amount-total\">Pay " + total + "</h1>\n" + summary_html(session)
    + "<p id=\"error\" role=\"alert\">" + html_escape(error) + "</p>\n"
      "<form id=\"pay-form\" method=\"post\" action=\"" + action + "\" "
      "autocomplete=\"off\">\n"
      "<label for=\"card-number\">Card number</label>"
      "<input id=\"card-number\" name=\"card_number\" inputmode=\"numeric\" "
      "maxlength=\"23\" placeholder=\"1234 1234 1234 1234\" required>\n"
      "<div class=\"pair\"><div>"
      "<label for=\"card-expiry\">Expiry (MM/YY)</label>"
      "<input id=\"card-expiry\" name=\"card_expiry\" inputmode=\"numeric\" "
      "maxlength=\"7\" placeholder=\"MM/YY\" required value=\""
    + html_escape(kept_expiry) + "\"></div><div>"
      "<label for=\"card-cvc\">CVC</label>"
      "<input id=\"card-cvc\" name=\"card_cvc\" inputmode=\"numeric\" "
      "maxlength=\"4\" placeholder=\"123\" required></div></div>\n"
      "<label for=\"card-name\">Name on card</label>"
      "<input id=\"card-name\" name=\"card_name\" maxlength=\"100\" required "
      "value=\"" + html_escape(kept_name) + "\">\n"
      "<button id=\"pay-button\" type=\"submit\">Pay " + total
    + "</button>\n</form>\n"
      "<p><a id=\"cancel-link\" class=\"leave\" href=\""
    + html_escape(session.cancel_url) + "\">Cancel and return to "
    + html_escape(merchant_name) + "</a></p>\n";
  body += luhn_script;
  return page("Pay " + std::string(merchant_name), body);
}

std::string challenge_html(const checkout_session& session,
                           std::string_view merchant_name) {
  const std::string action = "/pay/" + html_escape(session.id) + "/challenge";
  return page("3-D Secure",
              challenge_body(merchant_name, action, total_text(session)));
}

std::string intent_challenge_html(const payment_intent& intent,
                                  std::string_view merchant_name) {
  const std::string action = "/authenticate/" + html_escape(intent.id);
  return page("3-D Secure",
              challenge_body(merchant_name, action,
                             html_escape(display_amount(intent.amount_minor,
                                                        intent.currency))));
}

std::string result_html(const checkout_session& session,
                        std::string_view merchant_name) {
  const std::string card = session.card_last4.empty()
                             ? std::string{}
                             : " with "
                                 + html_escape(brand_name(session.card_brand))
                                 + " ending in "
                                 + html_escape(session.card_last4);
  const std::string outcome = "Payment succeeded";
  const std::string body = merchant_line(merchant_name) + "<h1 id=\"result\">"
                           + outcome + "</h1>\n<p><strong id=\"amount-total\">"
                           + total_text(session) + "</strong> paid to "
                           + html_escape(merchant_name) + card + ".</p>\n"
                           + summary_html(session)
                           + "<p><a id=\"return-link\" class=\"leave\" href=\""
                           + html_escape(success_redirect_url(session))
                           + "\">Return to " + html_escape(merchant_name)
                           + "</a></p>\n";
  return page(outcome, body);
}

std::string expired_html(const checkout_session& session,
                         std::string_view merchant_name) {
  const std::string body =
    merchant_line(merchant_name)
    + "<h1 id=\"result\">This payment page has expired</h1>\n"
      "<p id=\"error\">Nothing was charged.</p>\n<p>The payment of "
      "<strong id=\"amount-total\">" + total_text(session) + "</strong> to "
    + html_escape(merchant_name)
    + " can no longer be made here.</p>\n<p><a id=\"cancel-link\" "
      "class=\"leave\" href=\""
    + html_escape(session.cancel_url) + "\">Return to "
    + html_escape(merchant_name) + "</a></p>\n";
  return page("Payment page expired", body);
}

std::string message_html(std::string_view title, std::string_view message) {
  return page(title, "<h1>" + html_escape(title) + "</h1>\n<p id=\"error\">"
                       + html_escape(message) + "</p>\n");
}

}  // namespace pay::pspsim
