#include "pspsim/intent_action_page.hpp"

#include <boost/beast/http/verb.hpp>

#include "http/form.hpp"
#include "pspsim/hosted_page_html.hpp"
#include "pspsim/html_response.hpp"
#include "pspsim/web_url.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

std::string_view redirect_status_of(intent_status status) {
  switch (status) {
    // Stripe reports an authorization waiting for its capture as succeeded
    // too: the buyer's part is done.
    case intent_status::succeeded:
    case intent_status::requires_capture:
      return "succeeded";
    case intent_status::requires_payment_method:
    case intent_status::canceled:
      return "failed";
    case intent_status::processing:
    case intent_status::requires_action:
      break;
  }
  return "processing";
}

http::response not_found(const http::request& req) {
  return html_page(req, 404,
                   message_html("Payment not found",
                                "This authentication page does not exist."));
}

// Final, or never meant for a page: the buyer goes back to the merchant.
http::response leave(const http::request& req, const payment_intent& intent) {
  if (intent.return_url.empty()) return not_found(req);
  return see_other(req, intent_return_url(intent));
}

}  // namespace

std::string intent_return_url(const payment_intent& intent) {
  return with_query(intent.return_url,
                    {{"payment_intent", intent.id},
                     {"payment_intent_client_secret", intent.client_secret},
                     {"redirect_status",
                      std::string(redirect_status_of(intent.status))}});
}

http::response handle_intent_action_page(const http::request& req,
                                         intent_store& store,
                                         std::string_view merchant_name,
                                         const sim_time& now) {
  const std::string_view id =
    http::target_path(req.target()).substr(authenticate_prefix.size());
  if (id.empty() || id.find('/') != std::string_view::npos) {
    return not_found(req);
  }
  if (req.method() == bhttp::verb::get) {
    const auto intent = store.hold_for_buyer(id, now);
    if (!intent || intent->action_url.empty()) return not_found(req);
    if (intent->status != intent_status::requires_action) {
      return leave(req, *intent);
    }
    return html_page(req, 200, intent_challenge_html(*intent, merchant_name));
  }
  if (req.method() != bhttp::verb::post) {
    return html_page(req, 405,
                     message_html("Method not allowed", "Use GET or POST."));
  }
  const auto before = store.find(id, now);
  if (!before || before->action_url.empty()) return not_found(req);
  const auto fields = http::form_decode(req.body());
  const auto result = fields ? http::form_value(*fields, "result")
                             : std::nullopt;
  if (!result || (*result != "complete" && *result != "fail")) {
    if (before->status != intent_status::requires_action) {
      return leave(req, *before);
    }
    return html_page(req, 400, intent_challenge_html(*before, merchant_name));
  }
  store.complete_action(id, *result == "complete", now);
  const auto after = store.find(id, now);
  return leave(req, after ? *after : *before);
}

}  // namespace pay::pspsim
