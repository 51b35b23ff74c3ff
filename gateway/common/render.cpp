#include "gateway/common/render.hpp"

#include <boost/json.hpp>

#include "domain/common/money.hpp"
#include "gateway/common/admin_listing.hpp"
#include "http/server.hpp"

namespace pay::gateway {

namespace json = boost::json;

json::value null_if_empty(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

std::string decimal_amount(std::int64_t amount_minor,
                           const std::string& currency) {
  auto info = domain::find_currency(currency);
  // Stored currencies were validated on the way in; a miss is our bug.
  return info ? domain::format_minor(amount_minor, *info)
              : std::to_string(amount_minor);
}

namespace {

// The card's checks, the PSP's risk score and what our card rules decided
// (stored as one JSON object with the order): spread over the order's
// fields; all null when the PSP reported nothing.
void add_card_assessment(json::object& out, const order_view& o) {
  out["card_checks"] = nullptr;
  out["risk_level"] = nullptr;
  out["risk_score"] = nullptr;
  out["card_decision"] = nullptr;
  if (o.card_assessment_json.empty()) return;
  boost::system::error_code ec;
  auto stored = json::parse(o.card_assessment_json, ec);
  if (ec || !stored.is_object()) return;
  const auto& a = stored.get_object();
  if (const auto* v = a.if_contains("checks")) out["card_checks"] = *v;
  if (const auto* v = a.if_contains("risk_level")) out["risk_level"] = *v;
  if (const auto* v = a.if_contains("risk_score")) out["risk_score"] = *v;
  if (const auto* v = a.if_contains("decision")) out["card_decision"] = *v;
}

}  // namespace

json::object order_json(const order_view& o,
                        const domain::account_scope& scope) {
  auto out = json::object{
    {"object", "payment_order"},
    {"payment_order_id", scope.out(o.id.value)},
    {"checkout_id", scope.out(o.checkout.value)},
    {"seller_account", scope.out(o.seller.value)},
    {"amount", decimal_amount(o.amount_minor, o.currency)},
    {"currency", o.currency},
    {"status", domain::to_string(o.status)},
    {"psp_reference", null_if_empty(o.psp_reference)},
    {"failure_code", null_if_empty(o.failure_code)},
    {"failure_message", null_if_empty(o.failure_message)},
    {"attempts", o.attempts},
    {"psp_attempts", o.psp_attempts},
    {"dead_lettered", o.parked},
    {"maybe_charged", o.maybe_charged},
    {"wallet_updated", o.wallet_updated},
    {"ledger_updated", o.ledger_updated},
    {"created_at", o.created_at},
    {"updated_at", o.updated_at},
    {"psp_session_id", null_if_empty(o.psp_session_id)},
    {"redirect_url", null_if_empty(o.redirect_url)},
    {"authorized_amount", o.authorized_minor > 0 ? json::value(
                            decimal_amount(o.authorized_minor, o.currency))
                                                 : json::value{}},
    {"authorization_expires_at", null_if_empty(o.authorization_expires_at)},
  };
  // What was captured is the order's amount once it succeeded after an
  // authorization (a partial capture charged less than authorized).
  out["captured_amount"] = o.status == domain::order_status::success
                             ? json::value(
                               decimal_amount(o.amount_minor, o.currency))
                             : json::value{};
  add_card_assessment(out, o);
  return out;
}

namespace {

json::object dead_letter_json(const dead_letter_view& d) {
  return json::object{
    {"object", "dead_letter"},
    {"payment_order_id", d.id.value},
    {"checkout_id", d.checkout.value},
    {"reason", d.reason},
    {"last_error", null_if_empty(d.last_error)},
    {"attempts", d.attempts},
    {"status", d.status},
    {"resolution", null_if_empty(d.resolution)},
    {"order_status", domain::to_string(d.order_status)},
    {"maybe_charged", d.maybe_charged},
    {"first_seen_at", d.first_seen_at},
    {"last_seen_at", d.last_seen_at},
  };
}

}  // namespace

std::string render_dead_letter(const dead_letter_view& entry) {
  return json::serialize(dead_letter_json(entry));
}

std::string render_dead_letters(const dead_letters& page) {
  json::array data;
  for (const auto& d : page.entries) data.push_back(dead_letter_json(d));
  return render_page("data", std::move(data), page.has_more,
                     page.entries.empty()
                       ? std::string{}
                       : next_cursor(page.has_more, page.last_seen_us,
                                     page.entries.back().id.value));
}

std::string checkout_status(const checkout_view& checkout) {
  bool all_final = true;
  bool any_failed = false;
  bool all_voided = true;
  bool waiting_for_fulfilment = true;  // every unfinished order AUTHORIZED
  for (const auto& o : checkout.orders) {
    all_final = all_final && domain::is_final(o.status);
    any_failed = any_failed || o.status == domain::order_status::failed;
    all_voided = all_voided && o.status == domain::order_status::voided;
    if (!domain::is_final(o.status))
      waiting_for_fulfilment = waiting_for_fulfilment
                               && o.status == domain::order_status::authorized;
  }
  if (!all_final) {
    for (const auto& o : checkout.orders)
      if (o.status == domain::order_status::review) return "in_review";
    return waiting_for_fulfilment ? "authorized" : "processing";
  }
  if (any_failed) return "failed";
  return all_voided ? "voided" : "succeeded";
}

std::string render_order(const order_view& order,
                         const domain::account_scope& scope) {
  return json::serialize(order_json(order, scope));
}

namespace {

json::value payment_method_json(const checkout_view& checkout) {
  json::object out{{"type", checkout.hosted ? "hosted" : "psp_token"}};
  if (!checkout.return_url.empty()) out["return_url"] = checkout.return_url;
  return out;
}

// Our risk check's decision; null until it ran.
json::value risk_json(const checkout_view& checkout) {
  if (checkout.risk_verdict.empty()) return nullptr;
  boost::system::error_code ec;
  auto rules = json::parse(checkout.risk_rules_json, ec);
  json::value fired = json::array{};
  if (!ec && rules.is_object() && rules.get_object().contains("rules"))
    fired = rules.get_object().at("rules");
  return json::object{{"verdict", checkout.risk_verdict},
                      {"rules", std::move(fired)},
                      {"review_status", null_if_empty(checkout.review_status)}};
}

}  // namespace

std::string render_checkout(const checkout_view& checkout,
                            const domain::account_scope& scope) {
  json::array orders;
  for (const auto& o : checkout.orders) orders.push_back(order_json(o, scope));
  return json::serialize(json::object{
    {"object", "checkout"},
    {"checkout_id", scope.out(checkout.id.value)},
    {"status", checkout_status(checkout)},
    {"is_payment_done", checkout.is_payment_done},
    {"created_at", checkout.created_at},
    {"payment_method", payment_method_json(checkout)},
    {"capture", checkout.capture_method},
    {"risk", risk_json(checkout)},
    {"payment_orders", std::move(orders)},
  });
}

std::string render_reviews(const reviews& found) {
  json::array data;
  for (const auto& c : found.checkouts) {
    // Held by the card rules after the PSP authorized them (the money is
    // held, not charged): one entry per such order. Held by our checks
    // before any PSP call: the checkout, whose orders all wait.
    bool any_held_order = false;
    for (const auto& o : c.orders) {
      if (o.status != domain::order_status::review || o.authorized_minor <= 0)
        continue;
      auto entry = order_json(o);
      entry["held_after_authorization"] = true;
      data.push_back(std::move(entry));
      any_held_order = true;
    }
    if (any_held_order) continue;
    auto entry = json::parse(render_checkout(c)).as_object();
    entry["held_after_authorization"] = false;
    data.push_back(std::move(entry));
  }
  return render_page("data", std::move(data), found.has_more,
                     found.checkouts.empty()
                       ? std::string{}
                       : next_cursor(found.has_more, found.last_created_us,
                                     found.checkouts.back().id.value));
}

std::string render_error(const api_error& error) {
  return http::error_body(error.type, error.code, error.message, error.param);
}

}  // namespace pay::gateway
