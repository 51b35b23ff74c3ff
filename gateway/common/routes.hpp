#pragma once
// The route handlers behind gateway.cpp's dispatch. Each parses what it
// needs, asks the payment service, and answers through the exchange.

#include <string>
#include <string_view>

#include "gateway/common/exchange.hpp"

namespace pay::gateway {

// /v1 payments API
void create_payment_route(const context& ctx, const exchange_ptr& ex);
void get_order_route(const context& ctx, const exchange_ptr& ex,
                     const std::string& id);
void get_checkout_route(const context& ctx, const exchange_ptr& ex,
                        const std::string& id);
void readyz_route(const context& ctx, const exchange_ptr& ex);
// The buyer's status page: HTML, or JSON with ?format=json / Accept.
void status_page_route(const context& ctx, const exchange_ptr& ex,
                       const std::string& id);
void psp_webhook_route(const context& ctx, const exchange_ptr& ex);

// /admin (the admin key checked by the gatekeeper)
void actor_summary_route(const context& ctx, const exchange_ptr& ex);
// Nodes, epochs, leases, owned checkouts and job holders (GET /admin/cluster).
void cluster_route(const context& ctx, const exchange_ptr& ex);
void list_reviews_route(const context& ctx, const exchange_ptr& ex);
void decide_review_route(const context& ctx, const exchange_ptr& ex,
                         const std::string& id, bool approve);
void list_orders_route(const context& ctx, const exchange_ptr& ex);
void inspect_order_route(const context& ctx, const exchange_ptr& ex,
                         const std::string& id);
void list_dead_letters_route(const context& ctx, const exchange_ptr& ex);
void requeue_dead_letter_route(const context& ctx, const exchange_ptr& ex,
                               const std::string& id);
void resolve_dead_letter_route(const context& ctx, const exchange_ptr& ex,
                               const std::string& id);

// gateway/payin/fulfilment_routes.cpp: /v1/payment_orders/{id}/fulfill
// (capture an authorized order, or mark a captured one fulfilled) and
// /v1/payment_orders/{id}/cancel (void an authorized order).
bool dispatch_fulfilment_routes(const context& ctx, const exchange_ptr& ex,
                                std::string_view path);
// gateway/payout/payout_routes.cpp: a captured order's fulfilment, the
// pay-out release condition.
void mark_fulfilled_route(const context& ctx, const exchange_ptr& ex,
                          const std::string& id);

// After pay-in. Each answers true when `path` is one of its routes (having
// answered it, 405 included), false to let the caller go on.
// gateway/refund/refund_routes.cpp: /v1/refunds, /v1/refunds/{id}
bool dispatch_refund_routes(const context& ctx, const exchange_ptr& ex,
                            std::string_view path);
// gateway/payout/payout_routes.cpp: /v1/wallets/{seller},
// /v1/sellers/{seller}/connected_account
bool dispatch_payout_routes(const context& ctx, const exchange_ptr& ex,
                            std::string_view path);
// gateway/payout/payout_routes.cpp: /admin/payouts...
bool dispatch_payout_admin_routes(const context& ctx, const exchange_ptr& ex,
                                  std::string_view path);
// gateway/reconcile/reconciliation_routes.cpp: /admin/reconciliation/...
bool dispatch_reconciliation_admin_routes(const context& ctx,
                                          const exchange_ptr& ex,
                                          std::string_view path);

// gateway/access/key_routes.cpp: /admin/keys, /admin/keys/{id}/revoke
bool dispatch_key_admin_routes(const context& ctx, const exchange_ptr& ex,
                               std::string_view path);

}  // namespace pay::gateway
