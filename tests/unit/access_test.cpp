#include <gtest/gtest.h>

#include "gateway/access/access.hpp"

using namespace pay::gateway;
using pay::domain::key_role;
namespace bhttp = boost::beast::http;

namespace {

pay::http::request with_authorization(std::string value) {
  pay::http::request req{bhttp::verb::get, "/v1/payments/x", 11};
  req.set(bhttp::field::authorization, value);
  return req;
}

}  // namespace

TEST(access, routes_fall_into_open_read_write_and_admin) {
  EXPECT_EQ(classify(bhttp::verb::get, "/healthz", true), route_class::open);
  EXPECT_EQ(classify(bhttp::verb::get, "/pay/status/chk", true),
            route_class::open);
  EXPECT_EQ(classify(bhttp::verb::post, "/v1/webhooks/psp", true),
            route_class::open);
  EXPECT_EQ(classify(bhttp::verb::get, "/admin/ui/app.js", true),
            route_class::open);
  EXPECT_EQ(classify(bhttp::verb::get, "/v1/payments/x", true),
            route_class::read);
  EXPECT_EQ(classify(bhttp::verb::post, "/v1/refunds", true),
            route_class::write);
  EXPECT_EQ(classify(bhttp::verb::delete_, "/v1/unknown", true),
            route_class::write);
  EXPECT_EQ(classify(bhttp::verb::get, "/admin/orders", true),
            route_class::admin);
  EXPECT_EQ(classify(bhttp::verb::get, "/metrics", true), route_class::open);
  EXPECT_EQ(classify(bhttp::verb::get, "/metrics", false), route_class::admin);
}

TEST(access, roles_allow_what_they_are_named_for) {
  EXPECT_TRUE(role_allows(key_role::readonly, route_class::read));
  EXPECT_FALSE(role_allows(key_role::readonly, route_class::write));
  EXPECT_FALSE(role_allows(key_role::readonly, route_class::admin));
  EXPECT_TRUE(role_allows(key_role::merchant, route_class::write));
  EXPECT_FALSE(role_allows(key_role::merchant, route_class::admin));
  EXPECT_TRUE(role_allows(key_role::admin, route_class::admin));
  EXPECT_TRUE(role_allows(key_role::admin, route_class::write));
}

TEST(access, a_key_comes_as_bearer_or_as_basic_user_in_any_case) {
  EXPECT_EQ(presented_key(with_authorization("Bearer sk_test_x")), "sk_test_x");
  EXPECT_EQ(presented_key(with_authorization("bearer  sk_test_x ")),
            "sk_test_x");
  // base64("sk_test_x:") as curl -u sk_test_x: sends it.
  EXPECT_EQ(presented_key(with_authorization("Basic c2tfdGVzdF94Og==")),
            "sk_test_x");
  EXPECT_EQ(presented_key(with_authorization("BASIC c2tfdGVzdF94Og==")),
            "sk_test_x");
}

TEST(access, a_malformed_authorization_presents_no_key) {
  EXPECT_FALSE(presented_key(with_authorization("Bearer")));
  EXPECT_FALSE(presented_key(with_authorization("Bearersk_test_x")));
  EXPECT_FALSE(presented_key(with_authorization("Token sk_test_x")));
  EXPECT_FALSE(presented_key(with_authorization("Basic !!!")));
  pay::http::request none{bhttp::verb::get, "/v1/payments/x", 11};
  EXPECT_FALSE(presented_key(none));
}
