// What an operator sees: one order's live actor, row and history; listings
// to find stuck orders; the live actor counts; and the Prometheus metrics,
// checked with promtool.

#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

class operator_view : public integration {
 protected:
  checkout_spec one_order(const std::string& name,
                          const std::string& token = "pm_card_visa") {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.psp_token = token;
    spec.orders.push_back(
      {unique("po_" + name), unique("seller_" + name), "10.00", "USD"});
    return spec;
  }

  boost::json::object admin_get(const std::string& target,
                                unsigned want_status = 200) {
    auto r = api().get(target, admin_auth);
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.res.result_int(), want_status)
      << target << ": " << r.res.body();
    auto body = json_of(r);
    return body.is_object() ? body.as_object() : boost::json::object{};
  }
};

TEST_F(operator_view,
       finished_order_shows_its_row_and_every_transition_with_the_request_id) {
  auto spec = one_order("inspect_done");
  const auto& id = spec.orders[0].payment_order_id;
  auto created = api().post(
    "/v1/payments", checkout_body(spec), "application/json",
    {{"Prefer", "wait=10"}, {"X-Request-Id", unique("req_inspect")}});
  ASSERT_EQ(created.res.result_int(), 201u) << created.res.body();
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);

  auto found = admin_get("/admin/orders/" + id);
  EXPECT_EQ(string_at(found, {"object"}), "order_inspection");
  EXPECT_EQ(string_at(found, {"order", "status"}), "SUCCESS");
  EXPECT_TRUE(found.at("live").is_null());  // finished: no actor any more
  const auto& history = found.at("history").as_array();
  ASSERT_EQ(history.size(), 2u) << boost::json::serialize(found);
  EXPECT_EQ(string_at(history[0].as_object(), {"to_status"}), "EXECUTING");
  EXPECT_EQ(string_at(history[1].as_object(), {"to_status"}), "SUCCESS");
  for (const auto& h : history)
    EXPECT_EQ(string_at(h.as_object(), {"correlation_id"}),
              "cli_" + unique("req_inspect"));
}

TEST_F(operator_view,
       pending_order_shows_its_live_actor_waiting_on_the_poll_timer) {
  auto spec = one_order("inspect_live", "pm_card_processing");
  const auto& id = spec.orders[0].payment_order_id;
  ASSERT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
  // pspsim keeps it processing for a second; paymentd polls it meanwhile.
  bool seen_waiting = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (!seen_waiting && std::chrono::steady_clock::now() < deadline) {
    auto found = admin_get("/admin/orders/" + id);
    if (found.contains("live") && found.at("live").is_object()) {
      const auto& live = found.at("live").as_object();
      if (string_at(live, {"waiting_on"}) == "poll_timer") {
        EXPECT_EQ(string_at(live, {"state"}), "PENDING");
        EXPECT_TRUE(live.at("next_retry_at").is_string());
        seen_waiting = true;
        auto actors = admin_get("/admin/actors");
        EXPECT_GE(actors.at("orders_live").to_number<std::int64_t>(), 1);
        EXPECT_GE(
          actors.at("orders_by_status").at("PENDING").to_number<std::int64_t>(),
          1);
        EXPECT_GE(actors.at("checkouts_live").to_number<std::int64_t>(), 1);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  EXPECT_TRUE(seen_waiting);
  ASSERT_TRUE(wait_until_settled(api(), spec.checkout_id).settled);
  EXPECT_TRUE(admin_get("/admin/orders/" + id).at("live").is_null());
}

TEST_F(operator_view,
       long_pending_order_leaves_memory_but_looks_resident_and_settles) {
  // Polls at least 300 ms away wait in the database; the waker looks every
  // 50 ms. pspsim keeps the intent processing for a second, so the order is
  // passivated and woken at least once before it succeeds.
  ASSERT_EQ(stack().restart_paymentd_with(
              {{"PAYMENTD_PSP_PROCESSING_POLL_MS", "300"},
               {"PAYMENTD_ORDERS_PASSIVATE_AFTER_MS", "300"},
               {"PAYMENTD_ORDERS_WAKE_INTERVAL_MS", "50"}}),
            "");
  struct restore_defaults {
    ~restore_defaults() { EXPECT_EQ(stack().restart_paymentd_with({}), ""); }
  } restore;
  auto spec = one_order("passivated", "pm_card_processing");
  const auto& id = spec.orders[0].payment_order_id;
  ASSERT_EQ(post_payment(api(), checkout_body(spec)).res.result_int(), 201u);
  bool seen_passivated = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (!seen_passivated && std::chrono::steady_clock::now() < deadline) {
    auto found = admin_get("/admin/orders/" + id);
    if (found.contains("live") && found.at("live").is_object()) {
      const auto& live = found.at("live").as_object();
      if (!live.at("resident").as_bool()) {
        // What an operator sees is what a resident actor would show.
        EXPECT_EQ(string_at(live, {"state"}), "PENDING");
        EXPECT_EQ(string_at(live, {"waiting_on"}), "poll_timer");
        EXPECT_TRUE(live.at("next_retry_at").is_string());
        seen_passivated = true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_TRUE(seen_passivated);
  auto settled = wait_until_settled(api(), spec.checkout_id);
  ASSERT_TRUE(settled.settled);
  auto found = admin_get("/admin/orders/" + id);
  EXPECT_EQ(string_at(found, {"order", "status"}), "SUCCESS");
  EXPECT_TRUE(found.at("live").is_null());
  auto metrics = api().get("/metrics").res.body();
  EXPECT_EQ(metrics.find("paymentd_orders_passivated_total 0\n"),
            std::string::npos);
  EXPECT_EQ(metrics.find("paymentd_orders_woken_total 0\n"), std::string::npos);
}

TEST_F(operator_view, unknown_order_is_404_and_admin_routes_need_a_key) {
  auto missing = admin_get("/admin/orders/po_never_seen_here", 404);
  EXPECT_EQ(string_at(missing, {"error", "param"}), "payment_order_id");
  for (const auto& target :
       {"/admin/orders", "/admin/orders/po_x", "/admin/actors"}) {
    auto r = anonymous().get(target);
    EXPECT_EQ(r.res.result_int(), 401u) << target;
  }
}

TEST_F(operator_view, listing_pages_through_every_order_once_oldest_first) {
  std::set<std::string> ours;
  for (int i = 0; i < 3; ++i) {
    auto spec = one_order("list_" + std::to_string(i));
    ours.insert(spec.orders[0].payment_order_id);
    ASSERT_EQ(
      post_payment_and_wait(api(), checkout_body(spec)).res.result_int(), 201u);
  }
  std::set<std::string> seen;
  std::string cursor, last_updated;
  int pages = 0;
  for (; pages < 5000; ++pages) {
    // A small page, so the cursor is used many times.
    auto target = std::string{"/admin/orders?status=SUCCESS&limit=2"}
                  + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto listed = admin_get(target);
    for (const auto& o : listed.at("data").as_array()) {
      auto id = string_at(o.as_object(), {"payment_order_id"});
      EXPECT_TRUE(seen.insert(id).second) << "listed twice: " << id;
      EXPECT_EQ(string_at(o.as_object(), {"status"}), "SUCCESS");
      auto updated = string_at(o.as_object(), {"updated_at"});
      EXPECT_LE(last_updated, updated);
      last_updated = updated;
    }
    if (!listed.at("has_more").as_bool()) {
      EXPECT_TRUE(listed.at("next_cursor").is_null());
      break;
    }
    cursor = string_at(listed, {"next_cursor"});
  }
  for (const auto& id : ours)
    EXPECT_TRUE(seen.count(id)) << id << " never listed";
  EXPECT_GE(pages, 1) << "one page only: the cursor was never used";
}

TEST_F(operator_view, listing_finds_only_orders_older_than_asked) {
  auto spec = one_order("list_young");
  ASSERT_EQ(post_payment_and_wait(api(), checkout_body(spec)).res.result_int(),
            201u);
  auto listed = admin_get("/admin/orders?older_than_s=3600&limit=500");
  for (const auto& o : listed.at("data").as_array())
    EXPECT_NE(string_at(o.as_object(), {"payment_order_id"}),
              spec.orders[0].payment_order_id);
}

TEST_F(operator_view, listing_rejects_each_bad_parameter_by_name) {
  const std::pair<const char*, const char*> cases[] = {
    {"status=PAID", "status"},
    {"limit=0", "limit"},
    {"limit=1001", "limit"},
    {"limit=x", "limit"},
    {"older_than_s=-1", "older_than_s"},
    {"cursor=nonsense", "cursor"},
    {"colour=red", "colour"},
  };
  for (const auto& [query, param] : cases) {
    auto r = admin_get(std::string{"/admin/orders?"} + query, 400);
    EXPECT_EQ(string_at(r, {"error", "param"}), param) << query;
  }
}

TEST_F(operator_view, metrics_pass_promtool_and_count_what_happened) {
  auto spec = one_order("metrics");
  ASSERT_EQ(post_payment_and_wait(api(), checkout_body(spec)).res.result_int(),
            201u);
  auto r = api().get("/metrics");
  ASSERT_EQ(r.res.result_int(), 200u);
  EXPECT_NE(std::string{r.res[boost::beast::http::field::content_type]}.find(
              "text/plain"),
            std::string::npos);
  const auto& text = r.res.body();
  for (const char* name :
       {"paymentd_http_requests_total",
        "paymentd_http_request_duration_seconds",
        "paymentd_order_transitions_total", "paymentd_orders_live",
        "paymentd_live_actors", "paymentd_psp_requests_total",
        "paymentd_psp_request_duration_seconds", "paymentd_dlq_open",
        "paymentd_store_batch_commands",
        "paymentd_store_commit_duration_seconds", "paymentd_actor_backlog"})
    EXPECT_NE(text.find(name), std::string::npos) << name;
  EXPECT_NE(
    text.find(
      R"(paymentd_order_transitions_total{from="EXECUTING",to="SUCCESS"})"),
    std::string::npos);

  auto path = ::testing::TempDir() + "/paymentd_metrics_" + unique("m")
              + ".txt";
  std::ofstream{path} << text;
  auto command = "promtool check metrics < " + path + " 2>&1";
  auto* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[256];
  while (fgets(buf, sizeof buf, pipe)) output += buf;
  EXPECT_EQ(pclose(pipe), 0) << output;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pay::it
