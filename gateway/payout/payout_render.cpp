#include "gateway/payout/payout_render.hpp"

#include <boost/json.hpp>

#include "gateway/common/admin_listing.hpp"
#include "gateway/common/render.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

json::object payout_json(const payout_view& p) {
  return json::object{
    {"object", "payout"},
    {"id", p.payout_id.value},
    {"seller_account", p.seller_account},
    {"stripe_account", null_if_empty(p.stripe_account)},
    {"amount", decimal_amount(p.amount_minor, p.currency)},
    {"currency", p.currency},
    {"status", domain::to_db_string(p.status)},
    {"psp_reference", null_if_empty(p.psp_reference)},
    {"transfer_reference", null_if_empty(p.transfer_reference)},
    {"failure_code", null_if_empty(p.failure_code)},
    {"failure_message", null_if_empty(p.failure_message)},
    {"attempts", p.attempts},
    {"maybe_paid_out", p.maybe_paid_out},
    {"dead_lettered", p.parked},
    {"created_at", p.created_at},
    {"updated_at", p.updated_at},
  };
}

json::object dead_letter_json(const payout_dead_letter_view& d) {
  return json::object{
    {"object", "payout_dead_letter"},
    {"payout_id", d.payout_id.value},
    {"seller_account", d.seller_account},
    {"amount", decimal_amount(d.amount_minor, d.currency)},
    {"currency", d.currency},
    {"reason", d.reason},
    {"last_error", null_if_empty(d.last_error)},
    {"attempts", d.attempts},
    {"status", d.status},
    {"resolution", null_if_empty(d.resolution)},
    {"payout_status", domain::to_db_string(d.payout_status)},
    {"maybe_paid_out", d.maybe_paid_out},
    {"first_seen_at", d.first_seen_at},
    {"last_seen_at", d.last_seen_at},
  };
}

json::array payouts_json(const std::vector<payout_view>& payouts) {
  json::array out;
  for (const auto& p : payouts) out.push_back(payout_json(p));
  return out;
}

}  // namespace

std::string render_payout(const payout_lookup& found) {
  auto obj = payout_json(found.payout);
  json::array history;
  for (const auto& h : found.history)
    history.push_back(json::object{
      {"seq", h.seq},
      {"at", h.at},
      {"from_status", null_if_empty(h.from_status)},
      {"to_status", h.to_status},
      {"event", h.event},
      {"attempt", h.attempt},
      {"outcome", null_if_empty(h.outcome)},
      {"error", null_if_empty(h.error)},
      {"correlation_id", null_if_empty(h.correlation_id)},
    });
  obj["history"] = std::move(history);
  return json::serialize(obj);
}

std::string render_payouts(const payout_list& list,
                           const std::string& next_cursor) {
  return render_page("data", payouts_json(list.payouts), list.has_more,
                     next_cursor);
}

std::string render_payout_dead_letter(const payout_dead_letter_view& entry) {
  return json::serialize(dead_letter_json(entry));
}

std::string render_payout_dead_letters(const payout_dead_letter_page& page,
                                       const std::string& next_cursor) {
  json::array data;
  for (const auto& d : page.entries) data.push_back(dead_letter_json(d));
  return render_page("data", std::move(data), page.has_more, next_cursor);
}

std::string render_payout_run(const payout_run_reply& run) {
  return json::serialize(json::object{
    {"credits_released", run.credits_released},
    {"payouts", payouts_json(run.created)},
    {"awaiting_connected_account", run.awaiting_connected_account},
  });
}

std::string render_wallet_split(const std::string& seller,
                                const wallet_balances& wallet) {
  json::array balances;
  for (const auto& b : wallet.balances)
    balances.push_back(json::object{
      {"currency", b.currency},
      // What we owe the seller and have not sent yet.
      {"amount",
       decimal_amount(b.pending_minor + b.available_minor, b.currency)},
      {"pending", decimal_amount(b.pending_minor, b.currency)},
      {"available", decimal_amount(b.available_minor, b.currency)},
      {"in_transit", decimal_amount(b.in_transit_minor, b.currency)},
      {"paid_out", decimal_amount(b.paid_out_minor, b.currency)},
    });
  return json::serialize(json::object{{"object", "wallet"},
                                      {"seller_account", seller},
                                      {"balances", std::move(balances)}});
}

std::string render_fulfilled(const std::string& payment_order_id,
                             const fulfill_reply& reply) {
  return json::serialize(json::object{{"payment_order_id", payment_order_id},
                                      {"fulfilled_at", reply.fulfilled_at}});
}

std::string render_connected_account(const std::string& seller,
                                     const connected_account_view& account) {
  return json::serialize(
    json::object{{"object", "connected_account"},
                 {"seller_account", seller},
                 {"stripe_account", account.stripe_account},
                 {"created_at", account.created_at}});
}

}  // namespace pay::gateway
