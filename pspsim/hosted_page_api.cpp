#include "pspsim/hosted_page_api.hpp"

#include <algorithm>
#include <ctime>

#include <boost/beast/http/field.hpp>

#include "http/form.hpp"
#include "pspsim/hosted_card.hpp"
#include "pspsim/hosted_page_html.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view pay_prefix = "/pay/";
constexpr std::string_view challenge_suffix = "/challenge";

http::response html(const http::request& req, unsigned status,
                    std::string body) {
  http::response res{static_cast<bhttp::status>(status), req.version()};
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::response see_other(const http::request& req,
                         const std::string& location) {
  http::response res{bhttp::status::see_other, req.version()};
  res.set(bhttp::field::location, location);
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

http::response not_found(const http::request& req) {
  return html(req, 404,
              message_html("Payment not found",
                           "This payment page does not exist."));
}

// Where a session that is no longer open for a card sends the buyer.
std::optional<http::response> settled_answer(const http::request& req,
                                             const checkout_session& session) {
  if (session.status == session_status::complete) {
    return see_other(req, result_redirect_url(session));
  }
  if (session.awaiting_challenge) {
    return see_other(req, "/pay/" + session.id + std::string(challenge_suffix));
  }
  return std::nullopt;
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
  params.metadata = session.metadata;
  params.metadata.erase(std::remove_if(params.metadata.begin(),
                                       params.metadata.end(),
                                       [](const auto& kv) {
                                         return kv.first == "payment_order_id";
                                       }),
                        params.metadata.end());
  params.metadata.emplace_back("payment_order_id", session.client_reference_id);
  std::sort(params.metadata.begin(), params.metadata.end());
  params.checkout_session = session.id;
  params.buyer_completes_action = true;
  return params;
}

http::response pay(const http::request& req, const checkout_session& session,
                   checkout_session_store& sessions, intent_store& store,
                   const sim_time& now) {
  if (auto answer = settled_answer(req, session)) return std::move(*answer);
  const auto fields = http::form_decode(req.body());
  if (!fields) {
    return html(req, 400,
                payment_form_html(session, "The form could not be read.", "",
                                  ""));
  }
  const auto value = [&](std::string_view name) {
    return http::form_value(*fields, name).value_or("");
  };
  const card_form form{value("card_number"), value("card_expiry"),
                       value("card_cvc"), value("card_name")};
  const auto [year, month] = year_month_utc(now.unix_s);
  const card_check checked = check_card(form, year, month);
  if (!checked.card) {
    return html(req, 400,
                payment_form_html(session, checked.error,
                                  form.expiry.substr(0, 7),
                                  form.name.substr(0, 100)));
  }
  sessions.note_card(session.id, checked.card->brand, checked.card->last4);
  const auto created = store.create(intent_params(session, *checked.card),
                                    session.client_reference_id,
                                    "checkout_session:" + session.id, now);
  if (created.status == create_status::intents_exhausted) {
    return html(req, 503,
                message_html("Try again later",
                             "The payment service is full."));
  }
  if (created.status == create_status::key_reused_with_other_params) {
    return html(req, 409,
                message_html("Payment refused",
                             "This order was already charged another way."));
  }
  // The intent's events have updated the session by now.
  const auto after = sessions.find(session.id);
  if (!after) return not_found(req);
  if (auto answer = settled_answer(req, *after)) return std::move(*answer);
  return html(req, 200,
              message_html("Payment processing",
                           "Your payment is being processed."));
}

http::response challenge(const http::request& req,
                         const checkout_session& session,
                         checkout_session_store& sessions, intent_store& store,
                         const sim_time& now) {
  if (!session.awaiting_challenge) {
    if (auto answer = settled_answer(req, session)) return std::move(*answer);
    return see_other(req, "/pay/" + session.id);
  }
  if (req.method() == bhttp::verb::get)
    return html(req, 200, challenge_html(session));
  const auto fields = http::form_decode(req.body());
  const auto result = fields ? http::form_value(*fields, "result")
                             : std::nullopt;
  if (!result || (*result != "complete" && *result != "fail")) {
    return html(req, 400, challenge_html(session));
  }
  store.complete_action(session.payment_intent, *result == "complete", now);
  const auto after = sessions.find(session.id);
  if (!after) return not_found(req);
  if (auto answer = settled_answer(req, *after)) return std::move(*answer);
  return see_other(req, "/pay/" + session.id);
}

}  // namespace

http::response handle_pay_page(const http::request& req,
                               checkout_session_store& sessions,
                               intent_store& store, const sim_time& now) {
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
    return html(req, 405,
                message_html("Method not allowed", "Use GET or POST."));
  }
  const auto session = sessions.find(rest);
  if (!session) return not_found(req);
  if (is_challenge) return challenge(req, *session, sessions, store, now);
  if (post) return pay(req, *session, sessions, store, now);
  if (session->status == session_status::complete) {
    return html(req, 200, result_html(*session));
  }
  if (session->awaiting_challenge) {
    return see_other(req,
                     "/pay/" + session->id + std::string(challenge_suffix));
  }
  return html(req, 200, payment_form_html(*session, "", "", ""));
}

}  // namespace pay::pspsim
