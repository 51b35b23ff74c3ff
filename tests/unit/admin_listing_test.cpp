// What the finance admin routes take before anything is asked: a listing's
// limit and cursor (as GET /admin/orders), an operator's reason, and the
// body of an exception's resolution; every refusal names its field.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/common/admin_listing.hpp"
#include "gateway/common/route_label.hpp"
#include "gateway/reconcile/resolve_request.hpp"

namespace pay::gateway {
namespace {

std::optional<api_error> read(std::string_view target, page_request& page,
                              std::string* status = nullptr) {
  return read_page_query(target, {"status"}, 1000, page,
                         [&](const std::string&, const std::string& value)
                           -> std::optional<api_error> {
                           if (status) *status = value;
                           return std::nullopt;
                         });
}

TEST(finance_admin, limit_and_cursor_fill_the_page) {
  page_request page{50, -1, {}};
  std::string status;
  auto cursor = next_cursor(true, 1796177833668221, "rf_abc");
  EXPECT_FALSE(read("/admin/refunds?limit=7&status=FAILED&cursor=" + cursor,
                    page, &status));
  EXPECT_EQ(page.limit, 7u);
  EXPECT_EQ(page.after_us, 1796177833668221);
  EXPECT_EQ(page.after_id, "rf_abc");
  EXPECT_EQ(status, "FAILED");
}

TEST(finance_admin, a_bad_limit_or_cursor_names_its_field) {
  for (auto target : {"/x?limit=0", "/x?limit=1001", "/x?limit=abc",
                      "/x?limit=", "/x?limit=99999999999"}) {
    page_request page{50, -1, {}};
    auto err = read(target, page);
    ASSERT_TRUE(err) << target;
    EXPECT_EQ(err->param, "limit") << target;
    EXPECT_EQ(err->http_status, 400u);
  }
  for (auto target : {"/x?cursor=nodot", "/x?cursor=.id", "/x?cursor=12.a/b",
                      "/x?cursor=x1.id"}) {
    page_request page{50, -1, {}};
    auto err = read(target, page);
    ASSERT_TRUE(err) << target;
    EXPECT_EQ(err->param, "cursor") << target;
  }
}

TEST(finance_admin, unknown_parameters_and_bad_escapes_are_refused) {
  page_request page{50, -1, {}};
  auto err = read("/x?colour=red", page);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, "parameter_unknown");
  EXPECT_EQ(err->param, "colour");
  err = read("/x?status=%zz", page);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->code, "invalid_query");
}

TEST(finance_admin, the_last_page_has_no_next_cursor) {
  EXPECT_EQ(next_cursor(false, 5, "id"), "");
  auto body = boost::json::parse(
    render_page("exceptions", boost::json::array{1, 2}, false, ""));
  EXPECT_EQ(body.at("object").as_string(), "list");
  EXPECT_EQ(body.at("exceptions").as_array().size(), 2u);
  EXPECT_FALSE(body.at("has_more").as_bool());
  EXPECT_TRUE(body.at("next_cursor").is_null());
}

TEST(finance_admin, numeric_cursor_ids_are_ours_only) {
  EXPECT_EQ(numeric_cursor_id("42"), 42);
  EXPECT_FALSE(numeric_cursor_id(""));
  EXPECT_FALSE(numeric_cursor_id("4x2"));
  EXPECT_FALSE(numeric_cursor_id("1234567890123456789"));
}

TEST(finance_admin, an_operator_gives_a_reason_and_nothing_else) {
  EXPECT_EQ(std::get<std::string>(
              operator_reason(R"({"reason":"PSP said no"})")),
            "PSP said no");
  for (auto body :
       {"", "[]", "{}", R"({"reason":""})", R"({"reason":5})", "not json"}) {
    auto out = operator_reason(body);
    ASSERT_TRUE(std::holds_alternative<api_error>(out)) << body;
    EXPECT_EQ(std::get<api_error>(out).param, "reason") << body;
  }
  auto too_long = operator_reason(R"({"reason":")" + std::string(1001, 'x')
                                  + R"("})");
  EXPECT_TRUE(std::holds_alternative<api_error>(too_long));
  auto extra = operator_reason(R"({"reason":"x","force":true})");
  ASSERT_TRUE(std::holds_alternative<api_error>(extra));
  EXPECT_EQ(std::get<api_error>(extra).code, "parameter_unknown");
  EXPECT_EQ(std::get<api_error>(extra).param, "force");
}

TEST(finance_admin, a_resolution_takes_a_reason_and_optionally_an_account) {
  auto both = parse_resolve_request(
    R"({"reason":"a fee","account":"psp_fees"})");
  ASSERT_TRUE(std::holds_alternative<resolve_request>(both));
  EXPECT_EQ(std::get<resolve_request>(both).reason, "a fee");
  EXPECT_EQ(std::get<resolve_request>(both).account, "psp_fees");
  auto reason_only = parse_resolve_request(
    R"({"reason":"in tomorrow's file"})");
  ASSERT_TRUE(std::holds_alternative<resolve_request>(reason_only));
  EXPECT_EQ(std::get<resolve_request>(reason_only).account, "");
}

TEST(finance_admin, a_bad_resolution_body_names_its_field) {
  auto param_of = [](std::string_view body) {
    auto out = parse_resolve_request(body);
    return std::holds_alternative<api_error>(out)
             ? std::get<api_error>(out).param
             : std::string{"<accepted>"};
  };
  EXPECT_EQ(param_of("{}"), "reason");
  EXPECT_EQ(param_of(R"({"reason":""})"), "reason");
  EXPECT_EQ(param_of(R"({"reason":"x","account":""})"), "account");
  EXPECT_EQ(param_of(R"({"reason":"x","account":7})"), "account");
  EXPECT_EQ(param_of(R"({"reason":"x","amount":"1.00"})"), "amount");
}

TEST(finance_admin, finance_routes_have_labels_of_their_own) {
  EXPECT_EQ(route_label("/admin/refunds?status=FAILED"), "/admin/refunds");
  EXPECT_EQ(route_label("/admin/ledger/trial_balance?format=csv"),
            "/admin/ledger/trial_balance");
  EXPECT_EQ(route_label("/admin/dlq/refunds"), "/admin/dlq/refunds");
  EXPECT_EQ(route_label("/admin/dlq/refunds/rf_1/requeue"),
            "/admin/dlq/refunds/{id}/requeue");
  EXPECT_EQ(route_label("/admin/dlq/payouts/pyo_1/resolve"),
            "/admin/dlq/payouts/{id}/resolve");
  EXPECT_EQ(route_label("/admin/reconciliation/exceptions/17"),
            "/admin/reconciliation/exceptions/{id}");
  EXPECT_EQ(route_label("/admin/reconciliation/exceptions/17/resolve"),
            "/admin/reconciliation/exceptions/{id}/resolve");
  // The orders' queue keeps its own.
  EXPECT_EQ(route_label("/admin/dlq/po_1/requeue"), "/admin/dlq/{id}/requeue");
}

}  // namespace
}  // namespace pay::gateway
