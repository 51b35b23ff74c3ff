#include "gateway/common/render.hpp"

#include <boost/json.hpp>

#include "domain/common/money.hpp"
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

json::object order_json(const order_view& o,
                        const domain::account_scope& scope) {
  return json::object{
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
  };
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
  return json::serialize(
    json::object{{"object", "list"}, {"data", std::move(data)}});
}

std::string checkout_status(const checkout_view& checkout) {
  bool all_final = true;
  bool any_failed = false;
  for (const auto& o : checkout.orders) {
    all_final = all_final && domain::is_final(o.status);
    any_failed = any_failed || o.status == domain::order_status::failed;
  }
  if (!all_final) {
    for (const auto& o : checkout.orders)
      if (o.status == domain::order_status::review) return "in_review";
    return "processing";
  }
  return any_failed ? "failed" : "succeeded";
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
    {"risk", risk_json(checkout)},
    {"payment_orders", std::move(orders)},
  });
}

std::string render_reviews(const reviews& found) {
  json::array data;
  for (const auto& c : found.checkouts)
    data.push_back(json::parse(render_checkout(c)));
  return json::serialize(
    json::object{{"object", "list"}, {"data", std::move(data)}});
}

std::string render_error(const api_error& error) {
  return http::error_body(error.type, error.code, error.message, error.param);
}

}  // namespace pay::gateway
