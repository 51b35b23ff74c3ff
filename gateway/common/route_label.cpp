#include "gateway/common/route_label.hpp"

namespace pay::gateway {

namespace {

struct route {
  std::string_view prefix;  // for "{id}" routes: everything before the id
  std::string_view label;
  bool has_id;
  std::string_view suffix = {};
};

// Longest prefixes first where one route's prefix extends another's.
constexpr route routes[] = {
  {"/healthz", "/healthz", false},
  {"/readyz", "/readyz", false},
  {"/metrics", "/metrics", false},
  {"/v1/payments", "/v1/payments", false},
  {"/v1/webhooks/psp", "/v1/webhooks/psp", false},
  {"/v1/payments/", "/v1/payments/{id}", true},
  {"/v1/checkouts/", "/v1/checkouts/{id}", true},
  {"/v1/wallets/", "/v1/wallets/{id}", true},
  {"/v1/refunds", "/v1/refunds", false},
  {"/v1/refunds/", "/v1/refunds/{id}", true},
  {"/v1/payment_orders/", "/v1/payment_orders/{id}/fulfill", true, "/fulfill"},
  {"/v1/payment_orders/", "/v1/payment_orders/{id}/cancel", true, "/cancel"},
  {"/pay/status/", "/pay/status/{id}", true},
  {"/admin/actors", "/admin/actors", false},
  {"/admin/orders", "/admin/orders", false},
  {"/admin/orders/", "/admin/orders/{id}", true},
  {"/admin/reviews", "/admin/reviews", false},
  {"/admin/reviews/", "/admin/reviews/{id}/approve", true, "/approve"},
  {"/admin/reviews/", "/admin/reviews/{id}/reject", true, "/reject"},
  {"/admin/keys", "/admin/keys", false},
  {"/admin/keys/", "/admin/keys/{id}/revoke", true, "/revoke"},
  {"/admin/payouts/run", "/admin/payouts/run", false},
  {"/admin/payouts", "/admin/payouts", false},
  {"/admin/payouts/", "/admin/payouts/{id}", true},
  {"/admin/refunds", "/admin/refunds", false},
  {"/admin/reconciliation/run", "/admin/reconciliation/run", false},
  {"/admin/reconciliation/runs", "/admin/reconciliation/runs", false},
  {"/admin/reconciliation/exceptions", "/admin/reconciliation/exceptions",
   false},
  {"/admin/reconciliation/exceptions/",
   "/admin/reconciliation/exceptions/{id}/resolve", true, "/resolve"},
  {"/admin/reconciliation/exceptions/", "/admin/reconciliation/exceptions/{id}",
   true},
  {"/admin/ledger/trial_balance", "/admin/ledger/trial_balance", false},
  {"/admin/dlq/refunds", "/admin/dlq/refunds", false},
  {"/admin/dlq/refunds/", "/admin/dlq/refunds/{id}/requeue", true, "/requeue"},
  {"/admin/dlq/refunds/", "/admin/dlq/refunds/{id}/resolve", true, "/resolve"},
  {"/admin/dlq/payouts", "/admin/dlq/payouts", false},
  {"/admin/dlq/payouts/", "/admin/dlq/payouts/{id}/requeue", true, "/requeue"},
  {"/admin/dlq/payouts/", "/admin/dlq/payouts/{id}/resolve", true, "/resolve"},
  {"/admin/dlq", "/admin/dlq", false},
  {"/admin/dlq/", "/admin/dlq/{id}/requeue", true, "/requeue"},
  {"/admin/dlq/", "/admin/dlq/{id}/resolve", true, "/resolve"},
  {"/admin/ui", "/admin/ui", false},
  {"/admin/ui/", "/admin/ui/{asset}", true},
};

bool matches(const route& r, std::string_view path) {
  if (!r.has_id) return path == r.prefix;
  if (path.size() <= r.prefix.size() + r.suffix.size()
      || path.substr(0, r.prefix.size()) != r.prefix
      || path.substr(path.size() - r.suffix.size()) != r.suffix)
    return false;
  auto id = path.substr(r.prefix.size(),
                        path.size() - r.prefix.size() - r.suffix.size());
  return id.find('/') == std::string_view::npos;
}

}  // namespace

std::string_view route_label(std::string_view path) {
  path = path.substr(0, path.find('?'));
  for (const auto& r : routes)
    if (matches(r, path)) return r.label;
  return "other";
}

}  // namespace pay::gateway
