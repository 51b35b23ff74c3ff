// API keys, roles, tenancy and rate limits, tried as an attacker and as two
// merchants would: every /v1 route needs a key, a readonly key only reads, a
// merchant never sees (nor squats) another merchant's ids, and a burst past
// the limit gets 429 with the RateLimit headers.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/beast/core/detail/base64.hpp>

#include "domain/access/api_key.hpp"
#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

struct made_key {
  std::string secret;
  std::string id;
  std::string account;
};

class api_keys : public integration {
 protected:
  // Checkouts stored under `id`, in any account's namespace or none.
  std::int64_t checkouts_named(const std::string& id) {
    return query_int(database_url(),
                     "SELECT count(*) FROM payment_event WHERE checkout_id = $1"
                     " OR checkout_id LIKE '%:' || $1",
                     id);
  }
  std::int64_t checkouts_with_id(const std::string& stored_id) {
    return query_int(
      database_url(),
      "SELECT count(*) FROM payment_event WHERE checkout_id = $1", stored_id);
  }

  made_key make_key(const std::string& role, const std::string& account = "") {
    boost::json::object body{{"name", unique("k_" + role)}, {"role", role}};
    if (!account.empty()) body["account"] = account;
    auto r = api().post("/admin/keys", boost::json::serialize(body),
                        "application/json");
    EXPECT_EQ(r.res.result_int(), 201u) << r.res.body();
    auto j = json_of(r);
    return {string_at(j, {"secret"}), string_at(j, {"id"}),
            string_at(j, {"account"})};
  }

  // The buyer passes 3-D Secure for the checkout's one order, which then
  // settles.
  void complete_three_ds(http::sync_client& client, const checkout_spec& spec) {
    std::string intent;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (intent.empty() && std::chrono::steady_clock::now() < deadline) {
      auto order = json_of(
        client.get("/v1/payments/" + spec.orders[0].payment_order_id));
      if (order.is_object() && string_at(order, {"status"}) == "PENDING")
        intent = string_at(order, {"psp_reference"});
      else
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    ASSERT_FALSE(intent.empty()) << spec.checkout_id << " never PENDING";
    ASSERT_EQ(sim()
                .post("/sim/payment_intents/" + intent
                        + "/complete_action?result=succeed",
                      "", "application/x-www-form-urlencoded")
                .res.result_int(),
              200u);
    ASSERT_TRUE(wait_until_settled(client, spec.checkout_id).settled);
  }

  checkout_spec one_order(const std::string& checkout_id,
                          const std::string& order_id,
                          const std::string& seller) {
    checkout_spec spec;
    spec.checkout_id = checkout_id;
    spec.orders.push_back({order_id, seller, "10.00", "USD"});
    return spec;
  }
};

TEST_F(api_keys,
       every_v1_route_refuses_a_request_without_a_key_and_changes_nothing) {
  auto spec = one_order(unique("co_anon"), unique("po_anon"), "seller_anon");
  struct call {
    std::string method, target;
  };
  for (const auto& c : std::vector<call>{
         {"POST", "/v1/payments"},
         {"GET", "/v1/payments/" + spec.orders[0].payment_order_id},
         {"GET", "/v1/checkouts/" + spec.checkout_id},
         {"POST", "/v1/refunds"},
         {"GET", "/v1/refunds?payment_order_id=x"},
         {"POST", "/v1/payment_orders/po_x/fulfill"},
         {"GET", "/v1/wallets/seller_anon"},
         {"GET", "/v1/nothing-here"}}) {
    auto r = c.method == "GET"
               ? anonymous().get(c.target)
               : anonymous().post(c.target, checkout_body(spec),
                                  "application/json",
                                  {{"Idempotency-Key", unique("ik_anon")}});
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.res.result_int(), 401u) << c.method << " " << c.target;
    EXPECT_EQ(string_at(json_of(r), {"error", "type"}), "authentication_error");
    EXPECT_EQ(string_at(json_of(r), {"error", "code"}), "api_key_missing");
    EXPECT_EQ(header_of(r, "WWW-Authenticate"), "Bearer realm=\"paymentd\"");
  }
  EXPECT_EQ(checkouts_named(spec.checkout_id), 0);
}

TEST_F(api_keys, open_routes_stay_open) {
  for (const char* target : {"/healthz", "/readyz", "/metrics"})
    EXPECT_EQ(anonymous().get(target).res.result_int(), 200u) << target;
  // The edge's own figures are scraped with the rest; this request's
  // connection is one of those open.
  auto metrics = anonymous().get("/metrics").res.body();
  EXPECT_EQ(metrics.find("paymentd_http_connections 0\n"), std::string::npos);
  EXPECT_NE(metrics.find(
              "paymentd_http_edge_events{kind=\"connections_refused\"}"),
            std::string::npos);
  // A webhook with a bad signature is refused for its signature, not a key.
  auto hook = anonymous().post("/v1/webhooks/psp", "{}", "application/json");
  EXPECT_EQ(hook.res.result_int(), 400u);
}

TEST_F(api_keys, a_key_works_as_bearer_in_any_case_and_as_basic_user_name) {
  auto merchant = make_key("merchant");
  auto client = client_with_key("");
  const std::string target = "/v1/checkouts/co_none_" + unique("x");
  for (const auto& header :
       {"Bearer " + merchant.secret, "bearer " + merchant.secret}) {
    auto r = client->get(target, {{"Authorization", header}});
    EXPECT_EQ(r.res.result_int(), 404u) << header << r.res.body();
  }
  // curl -u sk_test_...: sends Basic base64("sk_test_...:").
  auto encoded = [](const std::string& text) {
    namespace b64 = boost::beast::detail::base64;
    std::string out(b64::encoded_size(text.size()), '\0');
    out.resize(b64::encode(out.data(), text.data(), text.size()));
    return out;
  };
  auto basic = client->get(
    target, {{"Authorization", "Basic " + encoded(merchant.secret + ":")}});
  EXPECT_EQ(basic.res.result_int(), 404u) << basic.res.body();
}

TEST_F(api_keys, a_revoked_or_unknown_key_is_401_and_a_wrong_role_is_403) {
  auto merchant = make_key("merchant");
  auto readonly = make_key("readonly");
  auto spec = one_order(unique("co_roles"), unique("po_roles"), "seller_roles");

  auto as_readonly = client_with_key(readonly.secret);
  EXPECT_EQ(
    as_readonly->get("/v1/checkouts/" + spec.checkout_id).res.result_int(),
    404u);
  auto refused = post_payment(*as_readonly, checkout_body(spec));
  EXPECT_EQ(refused.res.result_int(), 403u) << refused.res.body();
  EXPECT_EQ(string_at(json_of(refused), {"error", "type"}), "permission_error");

  auto as_merchant = client_with_key(merchant.secret);
  EXPECT_EQ(as_merchant->get("/admin/orders").res.result_int(), 403u);
  EXPECT_EQ(as_readonly->get("/admin/dlq").res.result_int(), 403u);

  auto unknown = client_with_key(
    domain::generate_api_key(domain::key_mode::test));
  auto r = unknown->get("/v1/checkouts/x");
  EXPECT_EQ(r.res.result_int(), 401u);
  EXPECT_EQ(string_at(json_of(r), {"error", "code"}), "api_key_invalid");

  auto revoked = api().post("/admin/keys/" + merchant.id + "/revoke", "",
                            "application/json");
  ASSERT_EQ(revoked.res.result_int(), 200u) << revoked.res.body();
  EXPECT_NE(string_at(json_of(revoked), {"revoked"}), "<null>");
  auto after = post_payment(*as_merchant, checkout_body(spec));
  EXPECT_EQ(after.res.result_int(), 401u);
  EXPECT_EQ(string_at(json_of(after), {"error", "code"}), "api_key_revoked");
  EXPECT_EQ(checkouts_named(spec.checkout_id), 0);
}

TEST_F(api_keys,
       keys_are_listed_without_their_secret_and_stored_only_as_a_hash) {
  auto merchant = make_key("merchant");
  auto listed = api().get("/admin/keys");
  ASSERT_EQ(listed.res.result_int(), 200u);
  EXPECT_EQ(listed.res.body().find(merchant.secret), std::string::npos);
  EXPECT_NE(listed.res.body().find(merchant.id), std::string::npos);
  EXPECT_NE(listed.res.body().find(merchant.secret.substr(0, 12)),
            std::string::npos);
  EXPECT_EQ(query_int(database_url(),
                      "SELECT count(*) FROM api_key WHERE position($1 in"
                      " key_id || name || prefix"
                      " || encode(secret_hash, 'escape')) > 0",
                      merchant.secret),
            0);
  EXPECT_EQ(query_int(database_url(),
                      "SELECT count(*) FROM api_key"
                      " WHERE secret_hash = sha256(convert_to($1, 'UTF8'))",
                      merchant.secret),
            1);
}

TEST_F(api_keys,
       a_merchant_sees_only_its_own_objects_and_cannot_squat_anothers_ids) {
  auto alice = make_key("merchant");
  auto bob = make_key("merchant");
  auto as_alice = client_with_key(alice.secret);
  auto as_bob = client_with_key(bob.secret);
  // Both merchants choose the very same ids and the same Idempotency-Key.
  auto spec = one_order(unique("co_shared"), unique("po_shared"),
                        "seller_shared");
  const std::string key = unique("ik_shared");
  auto a = post_payment_and_wait(*as_alice, checkout_body(spec));
  ASSERT_EQ(a.res.result_int(), 201u) << a.res.body();
  EXPECT_EQ(string_at(json_of(a), {"checkout_id"}), spec.checkout_id);
  EXPECT_EQ(as_bob->get("/v1/checkouts/" + spec.checkout_id).res.result_int(),
            404u);
  EXPECT_EQ(as_bob->get("/v1/payments/" + spec.orders[0].payment_order_id)
              .res.result_int(),
            404u);
  EXPECT_EQ(as_bob->get("/v1/wallets/seller_shared").res.result_int(), 404u);
  auto refund = as_bob->post("/v1/refunds",
                             R"({"payment_order_id":")"
                               + spec.orders[0].payment_order_id + R"("})",
                             "application/json", {{"Idempotency-Key", key}});
  EXPECT_EQ(refund.res.result_int(), 404u) << refund.res.body();
  auto fulfil = as_bob->post("/v1/payment_orders/"
                               + spec.orders[0].payment_order_id + "/fulfill",
                             "", "application/json");
  EXPECT_EQ(fulfil.res.result_int(), 404u) << fulfil.res.body();

  auto b = as_bob->post("/v1/payments", checkout_body(spec), "application/json",
                        {{"Idempotency-Key", key}, {"Prefer", "wait=10"}});
  ASSERT_EQ(b.res.result_int(), 201u) << b.res.body();
  EXPECT_EQ(string_at(json_of(b), {"checkout_id"}), spec.checkout_id);
  auto a_again = as_alice->get("/v1/checkouts/" + spec.checkout_id);
  ASSERT_EQ(a_again.res.result_int(), 200u);
  EXPECT_EQ(string_at(json_of(a_again).at("payment_orders").at(0),
                      {"payment_order_id"}),
            spec.orders[0].payment_order_id);
  ASSERT_TRUE(wait_until_settled(*as_alice, spec.checkout_id).settled);
  ASSERT_TRUE(wait_until_settled(*as_bob, spec.checkout_id).settled);
  // Two charges at the PSP, one per merchant, each under its own order.
  EXPECT_EQ(checkouts_with_id(alice.account + ":" + spec.checkout_id), 1);
  EXPECT_EQ(checkouts_with_id(bob.account + ":" + spec.checkout_id), 1);
  EXPECT_EQ(as_alice->get("/v1/wallets/seller_shared").res.result_int(), 200u);
}

TEST_F(api_keys,
       a_burst_past_the_limit_gets_429_with_retry_after_and_ratelimit_headers) {
  ASSERT_EQ(stack().restart_paymentd_with({{"PAYMENTD_RATE_READ_PER_S", "1"},
                                           {"PAYMENTD_RATE_READ_BURST", "3"}}),
            "");
  struct restore_defaults {
    ~restore_defaults() { EXPECT_EQ(stack().restart_paymentd_with({}), ""); }
  } restore;
  reconnect_api();
  auto merchant = make_key("merchant");
  auto client = client_with_key(merchant.secret);
  std::vector<unsigned> statuses;
  http::sync_result last;
  for (int i = 0; i < 5; ++i) {
    last = client->get("/v1/checkouts/co_none");
    statuses.push_back(last.res.result_int());
    if (statuses.back() == 404u) {
      EXPECT_EQ(header_of(last, "RateLimit-Limit"), "3");
    }
  }
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 404u), 3);
  EXPECT_EQ(statuses.back(), 429u);
  EXPECT_EQ(string_at(json_of(last), {"error", "code"}), "rate_limited");
  EXPECT_EQ(header_of(last, "Retry-After"), "1");
  EXPECT_EQ(header_of(last, "RateLimit-Remaining"), "0");
  EXPECT_FALSE(header_of(last, "RateLimit-Reset").empty());
  // Another key has a budget of its own.
  auto other = client_with_key(make_key("merchant").secret);
  EXPECT_EQ(other->get("/v1/checkouts/co_none").res.result_int(), 404u);
  auto metrics = anonymous().get("/metrics").res.body();
  EXPECT_NE(metrics.find("paymentd_rate_limited_total{class=\"read\"}"),
            std::string::npos);
}

TEST_F(api_keys,
       an_account_at_its_open_checkout_cap_gets_429_until_one_finishes) {
  ASSERT_EQ(stack().restart_paymentd_with(
              {{"PAYMENTD_API_OPEN_CHECKOUTS_PER_ACCOUNT_MAX", "2"},
               {"PAYMENTD_API_OPEN_CHECKOUTS_REFRESH_MS", "100"}}),
            "");
  struct restore_defaults {
    ~restore_defaults() { EXPECT_EQ(stack().restart_paymentd_with({}), ""); }
  } restore;
  reconnect_api();
  auto alice = make_key("merchant");
  auto as_alice = client_with_key(alice.secret);
  // 3-D Secure checkouts with a return_url stay PENDING until the buyer
  // acts: open. (Without one they would be declined at once.)
  auto three_ds = [&](const std::string& name) {
    auto spec = one_order(unique("co_" + name), unique("po_" + name),
                          "seller_cap");
    spec.psp_token = "pm_card_threeDSecureRequired";
    spec.return_url = status_page_url(alice.account + ":" + spec.checkout_id);
    return spec;
  };
  auto first = three_ds("cap1");
  auto second = three_ds("cap2");
  for (const auto& spec : {first, second}) {
    auto r = as_alice->post("/v1/payments", checkout_body(spec),
                            "application/json");
    ASSERT_EQ(r.res.result_int(), 201u) << r.res.body();
  }
  auto third = three_ds("cap3");
  auto refused = as_alice->post("/v1/payments", checkout_body(third),
                                "application/json");
  ASSERT_EQ(refused.res.result_int(), 429u) << refused.res.body();
  EXPECT_EQ(string_at(json_of(refused), {"error", "code"}),
            "open_checkouts_limit");
  EXPECT_EQ(header_of(refused, "Retry-After"), "1");
  EXPECT_EQ(checkouts_with_id(alice.account + ":" + third.checkout_id), 0);
  // Another merchant has a cap of its own.
  auto as_bob = client_with_key(make_key("merchant").secret);
  EXPECT_EQ(as_bob
              ->post("/v1/payments", checkout_body(third), "application/json")
              .res.result_int(),
            201u);
  // The buyer completes the first one: once it is final, the next count
  // frees its place.
  complete_three_ds(*as_alice, first);
  unsigned status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  while (status != 201u && std::chrono::steady_clock::now() < deadline) {
    status = as_alice
               ->post("/v1/payments", checkout_body(third), "application/json")
               .res.result_int();
    if (status != 201u)
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  EXPECT_EQ(status, 201u);
  auto metrics = anonymous().get("/metrics").res.body();
  EXPECT_EQ(metrics.find("paymentd_checkouts_open_limited_total 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("paymentd_checkouts_open_limited_total"),
            std::string::npos);
  // Nothing is left open for the next test.
  complete_three_ds(*as_alice, second);
  complete_three_ds(*as_alice, third);
  complete_three_ds(*as_bob, third);
}

TEST_F(api_keys,
       a_flood_of_bad_keys_is_limited_per_address_and_good_keys_still_pass) {
  ASSERT_EQ(stack().restart_paymentd_with(
              {{"PAYMENTD_RATE_AUTH_FAILURES_PER_S", "5"},
               {"PAYMENTD_RATE_AUTH_FAILURES_BURST", "20"}}),
            "");
  struct restore_defaults {
    ~restore_defaults() { EXPECT_EQ(stack().restart_paymentd_with({}), ""); }
  } restore;
  reconnect_api();
  auto good = client_with_key(make_key("merchant").secret);
  auto bad = client_with_key(domain::generate_api_key(domain::key_mode::test));
  // The good client's latency: alone for a second, then beside the flood.
  auto timed_reads = [&](std::chrono::milliseconds for_ms) {
    std::vector<double> ms;
    auto until = std::chrono::steady_clock::now() + for_ms;
    while (std::chrono::steady_clock::now() < until) {
      auto started = std::chrono::steady_clock::now();
      auto r = good->get("/v1/checkouts/co_none");
      ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - started)
                     .count());
      EXPECT_EQ(r.res.result_int(), 404u);
    }
    std::sort(ms.begin(), ms.end());
    return ms;
  };
  auto pct = [](const std::vector<double>& ms, double q) {
    return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))];
  };
  auto alone_ms = timed_reads(std::chrono::seconds{1});
  // Four threads of bad keys for two seconds, while a good client reads.
  std::atomic<bool> stop{false};
  std::atomic<long> bad_sent{0}, bad_429{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t)
    flood.emplace_back([&] {
      auto c = client_with_key(
        domain::generate_api_key(domain::key_mode::test));
      while (!stop) {
        auto r = c->get("/v1/checkouts/x");
        ++bad_sent;
        if (r.res.result_int() == 429u) ++bad_429;
      }
    });
  auto flooded_ms = timed_reads(std::chrono::seconds{2});
  stop = true;
  for (auto& t : flood) t.join();
  // Printed, never asserted: a measurement, not a timing test.
  std::cout << "[ measure  ] good client alone: p50 " << pct(alone_ms, 0.5)
            << " ms, p99 " << pct(alone_ms, 0.99) << " ms; beside a bad-key "
            << "flood (" << bad_sent << " sent in 2 s, " << bad_429
            << " answered 429): p50 " << pct(flooded_ms, 0.5) << " ms, p99 "
            << pct(flooded_ms, 0.99) << " ms\n";
  EXPECT_GT(bad_429.load(), 0);
  auto refused = bad->get("/v1/checkouts/x");
  EXPECT_EQ(refused.res.result_int(), 429u);
  EXPECT_FALSE(header_of(refused, "Retry-After").empty());
}

}  // namespace
}  // namespace pay::it
