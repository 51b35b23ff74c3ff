#include "pspsim/hosted_page_api.hpp"

#include <ctime>

#include <boost/beast/http/verb.hpp>

#include "http/form.hpp"
#include "pspsim/hosted_card.hpp"
#include "pspsim/hosted_page_html.hpp"
#include "pspsim/html_response.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view pay_prefix = "/pay/";
constexpr std::string_view challenge_suffix = "/challenge";

http::response not_found(const http::request& req) {
  return html_page(req, 404,
                   message_html("Payment not found",
                                "This payment page does not exist."));
}

std::string challenge_path(const checkout_session& session) {
  return "/pay/" + session.id + std::string(challenge_suffix);
}

// Where a session that takes no card now sends the buyer.
std::optional<http::response> settled_answer(const http::request& req,
                                             const checkout_session& session,
                                             std::string_view merchant) {
  switch (session.status) {
    case session_status::complete:
      return see_other(req, success_redirect_url(session));
    case session_status::expired:
      return html_page(req, 410, expired_html(session, merchant));
    case session_status::open:
      break;
  }
  if (session.awaiting_challenge) {
    return see_other(req, challenge_path(session));
  }
  return std::nullopt;
}

// The last failed attempt's reason, for the form's #error.
std::string failure_text(const checkout_session& session) {
  if (session.failed_attempts == 0) return {};
  return "The payment failed (" + session.failure_code + "). Try another card.";
}

std::pair<int, int> year_month_utc(std::int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm utc{};
  gmtime_r(&t, &utc);
  return {utc.tm_year + 1900, utc.tm_mon + 1};
}

create_params intent_params(const checkout_session& session,
                            const accepted_card& card) {
  create_params params;
  params.amount_minor = session.amount_minor;
  params.currency = session.currency;
  params.payment_method = random_id("pm_");
  params.outcome = card.outcome;
  params.refunds = card.refunds;
  params.card = card_profile{card.brand, card.last4, card.checks, card.risk};
  params.metadata = session.intent_metadata;
  params.description = session.intent_description;
  params.checkout_session = session.id;
  params.buyer_completes_action = true;
  params.recorded_key = session.client_reference_id.value_or("");
  return params;
}

http::response pay(const http::request& req, const checkout_session& session,
                   checkout_session_store& sessions, intent_store& store,
                   std::string_view merchant, const sim_time& now) {
  if (auto answer = settled_answer(req, session, merchant)) {
    return std::move(*answer);
  }
  const auto fields = http::form_decode(req.body());
  if (!fields) {
    return html_page(req, 400,
                     payment_form_html(session, merchant,
                                       "The form could not be read.", "", ""));
  }
  const auto value = [&](std::string_view name) {
    return http::form_value(*fields, name).value_or("");
  };
  const card_form form{value("card_number"), value("card_expiry"),
                       value("card_cvc"), value("card_name")};
  const auto [year, month] = year_month_utc(now.unix_s);
  const card_check checked = check_card(form, year, month);
  if (!checked.card) {
    return html_page(req, 400,
                     payment_form_html(session, merchant, checked.error,
                                       form.expiry.substr(0, 7),
                                       form.name.substr(0, 100)));
  }
  sessions.note_card(session.id, checked.card->brand, checked.card->last4);
  const std::string attempt_key = "checkout_session:" + session.id + "#"
                                  + std::to_string(session.failed_attempts);
  const auto created = store.create(intent_params(session, *checked.card),
                                    attempt_key,
                                    "checkout_session:" + session.id, now);
  if (created.status == create_status::intents_exhausted) {
    return html_page(req, 503,
                     message_html("Try again later",
                                  "The payment service is full."));
  }
  // The intent's events have updated the session by now.
  const auto after = sessions.find(session.id, now.unix_s);
  if (!after) return not_found(req);
  if (auto answer = settled_answer(req, *after, merchant)) {
    return std::move(*answer);
  }
  if (after->failed_attempts > 0) {
    return html_page(req, 402,
                     payment_form_html(*after, merchant, failure_text(*after),
                                       "", ""));
  }
  return html_page(req, 200,
                   message_html("Payment processing",
                                "Your payment is being processed."));
}

http::response challenge(const http::request& req,
                         const checkout_session& session, intent_store& store,
                         checkout_session_store& sessions,
                         std::string_view merchant, const sim_time& now) {
  if (!session.awaiting_challenge) {
    if (auto answer = settled_answer(req, session, merchant)) {
      return std::move(*answer);
    }
    return see_other(req, "/pay/" + session.id);
  }
  if (req.method() == bhttp::verb::get) {
    return html_page(req, 200, challenge_html(session, merchant));
  }
  const auto fields = http::form_decode(req.body());
  const auto result = fields ? http::form_value(*fields, "result")
                             : std::nullopt;
  if (!result || (*result != "complete" && *result != "fail")) {
    return html_page(req, 400, challenge_html(session, merchant));
  }
  store.complete_action(session.payment_intent, *result == "complete", now);
  const auto after = sessions.find(session.id, now.unix_s);
  if (!after) return not_found(req);
  if (auto answer = settled_answer(req, *after, merchant)) {
    return std::move(*answer);
  }
  return see_other(req, "/pay/" + session.id);
}

}  // namespace

http::response handle_pay_page(const http::request& req,
                               checkout_session_store& sessions,
                               intent_store& store,
                               std::string_view merchant_name,
                               const sim_time& now) {
  std::string_view rest =
    http::target_path(req.target()).substr(pay_prefix.size());
  bool is_challenge = false;
  if (rest.size() > challenge_suffix.size()
      && rest.substr(rest.size() - challenge_suffix.size())
           == challenge_suffix) {
    rest.remove_suffix(challenge_suffix.size());
    is_challenge = true;
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos)
    return not_found(req);
  const bool get = req.method() == bhttp::verb::get;
  const bool post = req.method() == bhttp::verb::post;
  if (!get && !post) {
    return html_page(req, 405,
                     message_html("Method not allowed", "Use GET or POST."));
  }
  const auto session = sessions.find(rest, now.unix_s);
  if (!session) return not_found(req);
  if (is_challenge) {
    return challenge(req, *session, store, sessions, merchant_name, now);
  }
  if (post) return pay(req, *session, sessions, store, merchant_name, now);
  switch (session->status) {
    case session_status::complete:
      return html_page(req, 200, result_html(*session, merchant_name));
    case session_status::expired:
      return html_page(req, 410, expired_html(*session, merchant_name));
    case session_status::open:
      break;
  }
  if (session->awaiting_challenge) {
    return see_other(req, challenge_path(*session));
  }
  return html_page(req, 200,
                   payment_form_html(*session, merchant_name,
                                     failure_text(*session), "", ""));
}

}  // namespace pay::pspsim
