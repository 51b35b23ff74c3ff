#include "gateway/refund/refund_render.hpp"

#include <boost/json.hpp>

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

}  // namespace pay::gateway
