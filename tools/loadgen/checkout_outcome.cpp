#include "tools/loadgen/checkout_outcome.hpp"

#include <boost/json.hpp>

namespace pay::loadgen {

namespace {

bool flag(const boost::json::object& o, const char* name) {
  auto* v = o.if_contains(name);
  return v && v->is_bool() && v->get_bool();
}

}  // namespace

checkout_outcome read_checkout_outcome(std::string_view body) {
  checkout_outcome out;
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return out;
  auto* orders = value.get_object().if_contains("payment_orders");
  if (!orders || !orders->is_array() || orders->get_array().empty()) return out;
  for (const auto& item : orders->get_array()) {
    if (!item.is_object()) return out;
    const auto& order = item.get_object();
    auto* status = order.if_contains("status");
    if (!status || !status->is_string()) return out;
    ++out.orders;
    if (*status == "FAILED")
      ++out.orders_failed;
    else if (*status == "SUCCESS" && flag(order, "wallet_updated")
             && flag(order, "ledger_updated"))
      ++out.orders_succeeded;
    if (flag(order, "dead_lettered")) ++out.orders_dead_lettered;
  }
  out.parsed = true;
  out.settled = out.orders_succeeded + out.orders_failed == out.orders;
  return out;
}

}  // namespace pay::loadgen
