#include "pspsim/hosted_page_html.hpp"

#include "http/html.hpp"

namespace pay::pspsim {

using http::html_escape;

namespace {

std::string page(std::string_view title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width\">"
         "<title>" + html_escape(title) + "</title><style>"
         "body{font-family:sans-serif;max-width:26rem;margin:2rem auto;"
         "padding:0 1rem}label{display:block;margin-top:.8rem}"
         "input{width:100%;padding:.4rem;box-sizing:border-box}"
         "button{margin-top:1rem;padding:.5rem 1rem}"
         "#error{color:#b00020;min-height:1.2rem}</style></head><body>\n" +
         body + "</body></html>\n";
}

std::string amount_text(std::int64_t amount_minor, std::string_view currency) {
  // Display only: whole minor units, the currency code beside them.
  return std::to_string(amount_minor) + " (minor units) "
         + html_escape(currency);
}

std::string amount_text(const checkout_session& session) {
  return amount_text(session.amount_minor, session.currency);
}

// Complete and Fail buttons posting result=complete|fail to `action`.
std::string challenge_body(const std::string& action,
                           const std::string& amount) {
  return "<h1>3-D Secure</h1>\n<p>Your bank asks you to confirm the payment "
         "of " + amount + ".</p>\n"
         "<form method=\"post\" action=\"" + action + "\">"
         "<input type=\"hidden\" name=\"result\" value=\"complete\">"
         "<button id=\"challenge-complete\" type=\"submit\">Complete</button>"
         "</form>\n"
         "<form method=\"post\" action=\"" + action + "\">"
         "<input type=\"hidden\" name=\"result\" value=\"fail\">"
         "<button id=\"challenge-fail\" type=\"submit\">Fail</button>"
         "</form>\n";
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
                              std::string_view error,
                              std::string_view kept_expiry,
                              std::string_view kept_name) {
  const std::string action = "/pay/" + html_escape(session.id);
  std::string body =
      "<h1>Pay " + amount_text(session) + "</h1>\n"
      "<p id=\"error\" role=\"alert\">" + html_escape(error) + "</p>\n"
      "<form id=\"pay-form\" method=\"post\" action=\"" + action + "\" "
      "autocomplete=\"off\">\n"
      "<label for=\"card-number\">Card number</label>"
      "<input id=\"card-number\" name=\"card_number\" inputmode=\"numeric\" "
      "maxlength=\"23\" required>\n"
      "<label for=\"card-expiry\">Expiry (MM/YY)</label>"
      "<input id=\"card-expiry\" name=\"card_expiry\" maxlength=\"7\" "
      "placeholder=\"MM/YY\" required value=\"" + html_escape(kept_expiry) + "\">\n"
      "<label for=\"card-cvc\">CVC</label>"
      "<input id=\"card-cvc\" name=\"card_cvc\" inputmode=\"numeric\" "
      "maxlength=\"4\" required>\n"
      "<label for=\"card-name\">Name on card</label>"
      "<input id=\"card-name\" name=\"card_name\" maxlength=\"100\" required "
      "value=\"" + html_escape(kept_name) + "\">\n"
      "<button id=\"pay-button\" type=\"submit\">Pay</button>\n</form>\n"
      "<p><a id=\"cancel-link\" href=\"" + html_escape(session.cancel_url) +
      "\">Cancel and return to the merchant</a></p>\n";
  body += luhn_script;
  return page("Pay", body);
}

std::string challenge_html(const checkout_session& session) {
  const std::string action = "/pay/" + html_escape(session.id) + "/challenge";
  return page("3-D Secure", challenge_body(action, amount_text(session)));
}

std::string intent_challenge_html(const payment_intent& intent) {
  const std::string action = "/authenticate/" + html_escape(intent.id);
  return page("3-D Secure",
              challenge_body(action, amount_text(intent.amount_minor,
                                                 intent.currency)));
}

std::string result_html(const checkout_session& session) {
  const std::string card = session.card_last4.empty()
                             ? std::string{}
                             : " with " + html_escape(session.card_brand)
                                 + " ending in "
                                 + html_escape(session.card_last4);
  const std::string outcome = "Payment succeeded";
  const std::string body = "<h1 id=\"result\">" + outcome + "</h1>\n<p>"
                           + amount_text(session) + card
                           + ".</p>\n<p><a id=\"return-link\" href=\""
                           + html_escape(success_redirect_url(session))
                           + "\">Return to the merchant</a></p>\n";
  return page(outcome, body);
}

std::string expired_html(const checkout_session& session) {
  const std::string body =
    "<h1 id=\"result\">This payment page has expired</h1>\n"
    "<p id=\"error\">Nothing was charged.</p>\n<p><a id=\"cancel-link\" "
    "href=\""
    + html_escape(session.cancel_url) + "\">Return to the merchant</a></p>\n";
  return page("Payment page expired", body);
}

std::string message_html(std::string_view title, std::string_view message) {
  return page(title, "<h1>" + html_escape(title) + "</h1>\n<p id=\"error\">"
                       + html_escape(message) + "</p>\n");
}

}  // namespace pay::pspsim
