#pragma once
// JSON bodies of the operator endpoints (GET /admin/actors, /admin/orders).

#include <string>

#include "messages/payin/payment_service_protocol.hpp"

namespace pay::gateway {

// From the live gauges the actors keep (observability/metrics.hpp).
std::string render_actor_summary(std::size_t store_instances);
std::string render_order_inspection(const order_inspection& found);
// next_cursor empty: last page.
std::string render_order_page(const order_page& page,
                              const std::string& next_cursor);

}  // namespace pay::gateway
