// A checkout is charged once, however often and however concurrently it is
// sent; a reused id with another meaning is refused without side effects.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;

checkout_spec two_order_checkout(const std::string& checkout_id,
                                 const std::string& order_prefix,
                                 const std::string& seller) {
  return checkout_spec{checkout_id,
                       "pm_card_visa",
                       {{order_prefix + "_1", seller, "10.00", "USD"},
                        {order_prefix + "_2", seller, "2500", "JPY"}}};
}

// The parts of a checkout view that must not change between answers.
json::object stable_view(json::object checkout) {
  for (auto& o : checkout["payment_orders"].as_array()) {
    o.as_object().erase("updated_at");
  }
  return checkout;
}

TEST_F(integration, duplicate_checkout_with_same_body_does_not_charge_again) {
  const auto spec = two_order_checkout(unique("co_dup"), unique("ord_dup"),
                                       unique("seller_dup"));
  const auto first = post_payment_and_wait(api(), checkout_body(spec));
  ASSERT_EQ(first.res.result_int(), 201u) << first.res.body();
  ASSERT_EQ(string_at(json_of(first), {"status"}), "succeeded");
  const auto charges_before = sim_charges(sim()).size();
  const auto wallet_before = api().get("/v1/wallets/" + unique("seller_dup"));
  ASSERT_EQ(wallet_before.res.result_int(), 200u);

  const std::vector<std::pair<std::string, std::string>> replays{
    {"byte-identical body", checkout_body(spec)},
    {"keys reordered, whitespace changed", checkout_body_reordered(spec)},
  };
  for (const auto& [name, body] : replays) {
    SCOPED_TRACE(name);
    for (const bool wait : {false, true}) {
      const auto again = wait ? post_payment_and_wait(api(), body)
                              : post_payment(api(), body);
      ASSERT_TRUE(again.ok) << again.error;
      EXPECT_EQ(again.res.result_int(), 200u) << again.res.body();
      EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "true");
      const auto view = json_of(again);
      ASSERT_TRUE(view.is_object()) << again.res.body();
      EXPECT_EQ(stable_view(view.as_object()),
                stable_view(json_of(first).as_object()));
    }
  }
  EXPECT_EQ(sim_charges(sim()).size(), charges_before);
  const auto wallet_after = api().get("/v1/wallets/" + unique("seller_dup"));
  EXPECT_EQ(wallet_after.res.body(), wallet_before.res.body());
}

TEST_F(integration, reused_checkout_id_with_different_body_is_a_conflict) {
  const auto spec = two_order_checkout(unique("co_reuse"), unique("ord_reuse"),
                                       unique("seller_reuse"));
  ASSERT_EQ(post_payment_and_wait(api(), checkout_body(spec)).res.result_int(),
            201u);
  const auto before = count_rows(database_url(), sim());
  const auto original = api().get("/v1/checkouts/" + spec.checkout_id);

  auto other_amount = spec;
  other_amount.orders[0].amount = "10.01";
  auto other_token = spec;
  other_token.psp_token = "pm_card_mastercard";
  auto fewer_orders = spec;
  fewer_orders.orders.pop_back();
  auto new_order_ids = spec;  // same id, wholly different orders
  new_order_ids.orders[0].payment_order_id = unique("ord_reuse_other_1");
  new_order_ids.orders[1].payment_order_id = unique("ord_reuse_other_2");
  for (const auto* changed :
       {&other_amount, &other_token, &fewer_orders, &new_order_ids}) {
    const auto r = post_payment_and_wait(api(), checkout_body(*changed));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.res.result_int(), 409u) << r.res.body();
    EXPECT_EQ(string_at(json_of(r), {"error", "code"}), "checkout_id_conflict");
    EXPECT_EQ(string_at(json_of(r), {"error", "param"}), "checkout_id");
    EXPECT_EQ(header_of(r, "Idempotent-Replayed"), "");
  }
  EXPECT_EQ(count_rows(database_url(), sim()), before);
  EXPECT_EQ(api().get("/v1/checkouts/" + spec.checkout_id).res.body(),
            original.res.body());
  EXPECT_EQ(
    api().get("/v1/payments/" + unique("ord_reuse_other_1")).res.result_int(),
    404u);
}

TEST_F(integration, reused_payment_order_id_in_another_checkout_is_a_conflict) {
  const auto seller = unique("seller_poid");
  const auto spec = two_order_checkout(unique("co_poid"), unique("ord_poid"),
                                       seller);
  ASSERT_EQ(post_payment_and_wait(api(), checkout_body(spec)).res.result_int(),
            201u);
  const auto before = count_rows(database_url(), sim());

  // The taken id sits at index 2 of the new checkout.
  checkout_spec thief{unique("co_poid_new"),
                      "pm_card_visa",
                      {{unique("ord_poid_new_a"), seller, "1.00", "USD"},
                       {unique("ord_poid_new_b"), seller, "2.00", "USD"},
                       spec.orders[1]}};
  const auto r = post_payment_and_wait(api(), checkout_body(thief));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 409u) << r.res.body();
  EXPECT_EQ(string_at(json_of(r), {"error", "code"}),
            "payment_order_id_conflict");
  EXPECT_EQ(string_at(json_of(r), {"error", "param"}),
            "payment_orders[2].payment_order_id");

  // The same order id with another amount conflicts just the same.
  thief.orders[2].amount = "99.00";
  thief.orders[2].currency = "USD";
  const auto other = post_payment_and_wait(api(), checkout_body(thief));
  EXPECT_EQ(other.res.result_int(), 409u) << other.res.body();
  EXPECT_EQ(string_at(json_of(other), {"error", "param"}),
            "payment_orders[2].payment_order_id");

  EXPECT_EQ(count_rows(database_url(), sim()), before);
  EXPECT_EQ(api().get("/v1/checkouts/" + thief.checkout_id).res.result_int(),
            404u);
  EXPECT_EQ(
    api().get("/v1/payments/" + unique("ord_poid_new_a")).res.result_int(),
    404u);
}

TEST_F(integration, concurrent_identical_requests_charge_once) {
  constexpr int requests = 20;
  const auto spec = two_order_checkout(unique("co_race"), unique("ord_race"),
                                       unique("seller_race"));
  const auto body = checkout_body(spec);
  const auto port = stack().paymentd_port();
  std::vector<http::sync_result> results(requests);
  std::mutex mutex;
  std::condition_variable go;
  bool started = false;
  int connected = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < requests; ++i) {
    threads.emplace_back([&, i] {
      http::sync_client client("127.0.0.1", port);
      client.set_default_headers(admin_auth);
      // Connect before the start signal so the requests really overlap.
      client.get("/healthz");
      std::unique_lock lock(mutex);
      ++connected;
      go.notify_all();
      go.wait(lock, [&] { return started; });
      lock.unlock();
      results[i] = post_payment(client, body);
    });
  }
  {
    std::unique_lock lock(mutex);
    go.wait(lock, [&] { return connected == requests; });
    started = true;
  }
  go.notify_all();
  for (auto& t : threads) t.join();

  int created = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok) << r.error;
    const auto status = r.res.result_int();
    ASSERT_TRUE(status == 201u || status == 200u) << status << r.res.body();
    if (status == 201u) {
      ++created;
      EXPECT_EQ(header_of(r, "Idempotent-Replayed"), "");
    } else {
      EXPECT_EQ(header_of(r, "Idempotent-Replayed"), "true");
    }
    EXPECT_EQ(string_at(json_of(r), {"checkout_id"}), spec.checkout_id);
  }
  EXPECT_EQ(created, 1) << "exactly one request creates the checkout";

  const auto settled = wait_until_settled(api(), spec.checkout_id);
  ASSERT_TRUE(settled.settled) << json::serialize(settled.checkout);
  EXPECT_EQ(string_at(settled.checkout, {"status"}), "succeeded");
  EXPECT_EQ(
    query_int(database_url(),
              "SELECT count(*) FROM payment_order WHERE checkout_id = $1",
              spec.checkout_id),
    2);
  const auto charges = sim_charges(sim());
  for (const auto& o : spec.orders)
    EXPECT_EQ(sim_charges_for(charges, o.payment_order_id).size(), 1u)
      << o.payment_order_id;
}

}  // namespace
}  // namespace pay::it
