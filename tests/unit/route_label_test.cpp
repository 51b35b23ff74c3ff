#include "gateway/common/route_label.hpp"

#include <gtest/gtest.h>

namespace pay::gateway {
namespace {

TEST(route_label, ids_become_placeholders_so_series_stay_bounded) {
  EXPECT_EQ(route_label("/v1/payments/po_123"), "/v1/payments/{id}");
  EXPECT_EQ(route_label("/v1/checkouts/chk_9?x=1"), "/v1/checkouts/{id}");
  EXPECT_EQ(route_label("/admin/dlq/po_1/requeue"), "/admin/dlq/{id}/requeue");
  EXPECT_EQ(route_label("/admin/dlq/po_1/resolve"), "/admin/dlq/{id}/resolve");
  EXPECT_EQ(route_label("/admin/orders/po_1"), "/admin/orders/{id}");
}

TEST(route_label, fixed_routes_keep_their_path_without_the_query) {
  EXPECT_EQ(route_label("/v1/payments"), "/v1/payments");
  EXPECT_EQ(route_label("/admin/orders?status=EXECUTING"), "/admin/orders");
  EXPECT_EQ(route_label("/metrics"), "/metrics");
}

TEST(route_label, anything_unknown_is_one_label) {
  EXPECT_EQ(route_label("/wp-admin.php"), "other");
  EXPECT_EQ(route_label("/v1/payments/a/b"), "other");
  EXPECT_EQ(route_label("/admin/dlq/po_1/explode"), "other");
  EXPECT_EQ(route_label(""), "other");
}

}  // namespace
}  // namespace pay::gateway
