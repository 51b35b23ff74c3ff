#include "gateway/refund/refund_render.hpp"

#include <boost/json.hpp>

#include "gateway/common/admin_listing.hpp"
#include "gateway/common/render.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

json::object refund_json(const refund_view& r,
                         const domain::account_scope& scope) {
  return json::object{
    {"id", r.refund_id.value},
    {"object", "refund"},
    {"payment_order_id", scope.out(r.payment_order_id)},
    {"seller_account", scope.out(r.seller_account)},
    {"amount", decimal_amount(r.amount_minor, r.currency)},
    {"currency", r.currency},
    {"reason", r.reason},
    {"status", domain::to_db_string(r.status)},
    {"psp_reference", null_if_empty(r.psp_reference)},
    {"failure_code", null_if_empty(r.failure_code)},
    {"failure_message", null_if_empty(r.failure_message)},
    {"created_at", r.created_at},
    {"updated_at", r.updated_at},
  };
}

json::object dead_letter_json(const refund_dead_letter_view& d) {
  return json::object{
    {"object", "refund_dead_letter"},
    {"refund_id", d.refund_id.value},
    {"payment_order_id", d.payment_order_id},
    {"amount", decimal_amount(d.amount_minor, d.currency)},
    {"currency", d.currency},
    {"reason", d.reason},
    {"last_error", null_if_empty(d.last_error)},
    {"attempts", d.attempts},
    {"status", d.status},
    {"resolution", null_if_empty(d.resolution)},
    {"refund_status", domain::to_db_string(d.refund_status)},
    {"maybe_refunded", d.maybe_refunded},
    {"first_seen_at", d.first_seen_at},
    {"last_seen_at", d.last_seen_at},
  };
}

}  // namespace

std::string render_refund(const refund_view& refund,
                          const domain::account_scope& scope) {
  return json::serialize(refund_json(refund, scope));
}

std::string render_refund_list(const std::string& payment_order_id,
                               const refund_list& list,
                               const domain::account_scope& scope) {
  json::array data;
  for (const auto& r : list.refunds) data.push_back(refund_json(r, scope));
  return json::serialize(json::object{
    {"object", "list"},
    {"payment_order_id", payment_order_id},
    {"data", std::move(data)},
  });
}

std::string render_refund_page(const refund_page& page,
                               const std::string& next_cursor) {
  json::array data;
  for (const auto& r : page.refunds) data.push_back(refund_json(r, {}));
  return render_page("data", std::move(data), page.has_more, next_cursor);
}

std::string render_refund_dead_letter(const refund_dead_letter_view& entry) {
  return json::serialize(dead_letter_json(entry));
}

std::string render_refund_dead_letters(const refund_dead_letter_page& page,
                                       const std::string& next_cursor) {
  json::array data;
  for (const auto& d : page.entries) data.push_back(dead_letter_json(d));
  return render_page("data", std::move(data), page.has_more, next_cursor);
}

}  // namespace pay::gateway
