#pragma once
// The refunds' admin routes: every refund (GET /admin/refunds) and the
// refunds' dead-letter queue (GET /admin/dlq/refunds, POST
// /admin/dlq/refunds/{id}/requeue and /resolve).

#include <string_view>

#include "gateway/common/exchange.hpp"

namespace pay::gateway {

// True when `path` is one of these routes (answered, 405 included), false
// to let the caller go on.
bool dispatch_refund_admin_routes(const context& ctx, const exchange_ptr& ex,
                                  std::string_view path);

}  // namespace pay::gateway
