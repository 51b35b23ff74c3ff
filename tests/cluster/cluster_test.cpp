// Three paymentd nodes behind HAProxy on one database: what a node's death,
// a node's pause and a request to the wrong node do to payments.

#include <signal.h>

#include <chrono>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "domain/cluster/ownership.hpp"
#include "testkit/api.hpp"
#include "testkit/db.hpp"
#include "testkit/invariants.hpp"
#include "tests/cluster/cluster_stack.hpp"

namespace pay::it {
namespace {

using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

template <class Predicate>
bool eventually(Predicate holds, milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    if (holds()) return true;
    std::this_thread::sleep_for(milliseconds{50});
  }
  return holds();
}

std::string sql_list(const std::vector<std::string>& ids) {
  std::string out = "ARRAY[";
  for (std::size_t i = 0; i < ids.size(); ++i)
    out += (i ? ",'" : "'") + ids[i] + "'";
  return out + "]::text[]";
}

std::int64_t owned_by(const std::vector<std::string>& checkouts,
                      const std::string& node) {
  return query_int(cluster().database_url(),
                   "SELECT count(*) FROM payment_event WHERE checkout_id = ANY("
                     + sql_list(checkouts) + ") AND owner_node = $1",
                   node);
}

std::int64_t current_epoch(const std::string& node) {
  return query_int(cluster().database_url(),
                   "SELECT max(epoch) FROM cluster_node WHERE node_id = $1",
                   node);
}

checkout_spec one_order_checkout(const std::string& token) {
  auto id = random_hex(12);
  return {"chk_" + id, token, {{"po_" + id, "seller_cluster", "10.00", "USD"}}};
}

// Checkouts stored through node `i`, which owns them from then on.
std::vector<std::string> create_on(std::size_t i, std::size_t count,
                                   const std::string& token) {
  auto client = cluster().node_client(i);
  std::vector<std::string> ids;
  for (std::size_t n = 0; n < count; ++n) {
    auto spec = one_order_checkout(token);
    auto res = post_payment(*client, checkout_body(spec));
    EXPECT_EQ(res.res.result_int(), 201u) << res.res.body();
    ids.push_back(spec.checkout_id);
  }
  return ids;
}

void expect_all_succeed(const std::vector<std::string>& checkouts) {
  auto client = cluster().public_client();
  for (const auto& id : checkouts) {
    auto settled = wait_until_settled(*client, id, 30'000);
    ASSERT_TRUE(settled.settled) << id << ": " << settled.checkout;
    EXPECT_EQ(settled.checkout.at("status"), "succeeded") << settled.checkout;
  }
}

void expect_invariants_hold() {
  auto sim = cluster().sim_client();
  auto violations = find_violations(cluster().database_url(), *sim, 30'000);
  EXPECT_TRUE(violations.empty()) << violations.front();
}

TEST(cluster, admin_cluster_lists_every_live_node) {
  auto res = cluster().public_client()->get("/admin/cluster");
  ASSERT_TRUE(res.ok) << res.error;
  ASSERT_EQ(res.res.result_int(), 200u) << res.res.body();
  auto view = boost::json::parse(res.res.body()).as_object();
  EXPECT_EQ(view.at("mode"), "cluster");
  std::size_t live = 0;
  for (const auto& n : view.at("nodes").as_array())
    if (n.at("status") == "live") ++live;
  EXPECT_EQ(live, cluster_nodes) << res.res.body();
}

TEST(cluster, every_table_but_the_clusters_own_is_fenced) {
  EXPECT_EQ(query_int(cluster().database_url(),
                      "SELECT count(*) FROM pg_class c"
                      " JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                      "   AND c.relname NOT IN ('cluster_node', 'cluster_job',"
                      "                         'schema_migrations', $1)"
                      "   AND NOT EXISTS (SELECT 1 FROM pg_trigger t"
                      "                    WHERE t.tgrelid = c.oid"
                      "                      AND t.tgname = 'pay_fence')",
                      ""),
            0);
}

TEST(cluster, duplicates_sent_to_other_nodes_get_the_owners_answer) {
  // Held at pspsim for review: the checkout stays live on its owner.
  auto spec = one_order_checkout("pm_card_review");
  auto body = checkout_body(spec);
  auto owner = cluster().node_client(0);
  ASSERT_EQ(post_payment(*owner, body).res.result_int(), 201u);
  auto on_owner = post_payment(*owner, body, {{"Prefer", "wait=1"}});
  ASSERT_EQ(on_owner.res.result_int(), 200u) << on_owner.res.body();
  for (std::size_t other : {1, 2}) {
    auto elsewhere = post_payment(*cluster().node_client(other), body,
                                  {{"Prefer", "wait=1"}});
    EXPECT_EQ(elsewhere.res.result_int(), on_owner.res.result_int())
      << elsewhere.res.body();
    EXPECT_EQ(boost::json::parse(elsewhere.res.body()),
              boost::json::parse(on_owner.res.body()));
    // The operator on another node sees the owner's live actor.
    auto look = cluster().node_client(other)->get(
      "/admin/orders/" + spec.orders[0].payment_order_id);
    ASSERT_EQ(look.res.result_int(), 200u) << look.res.body();
    EXPECT_TRUE(boost::json::parse(look.res.body()).at("live").is_object())
      << look.res.body();
  }
  auto pi = boost::json::parse(on_owner.res.body())
              .at("payment_orders")
              .at(0)
              .at("psp_reference")
              .as_string();
  // Approved: pspsim's webhook reaches whichever node HAProxy picks, which
  // hands it to the owner; a duplicate at a third node waits for the end.
  ASSERT_EQ(cluster()
              .sim_client()
              ->post("/sim/payment_intents/" + std::string{pi}
                       + "/review?result=approve",
                     "", "application/x-www-form-urlencoded")
              .res.result_int(),
            200);
  auto final = post_payment(*cluster().node_client(2), body,
                            {{"Prefer", "wait=10"}});
  ASSERT_EQ(final.res.result_int(), 200u) << final.res.body();
  EXPECT_EQ(boost::json::parse(final.res.body()).at("status"), "succeeded")
    << final.res.body();
  expect_invariants_hold();
}

TEST(cluster, checkouts_of_a_killed_node_finish_on_the_others) {
  constexpr std::size_t victim = 1;
  auto node = cluster_stack::node_id(victim);
  auto checkouts = create_on(victim, 20, "pm_card_processing");
  ASSERT_EQ(owned_by(checkouts, node), 20);
  cluster().node(victim).kill_hard();
  auto killed_at = clock_type::now();
  ASSERT_TRUE(eventually([&] { return owned_by(checkouts, node) == 0; },
                         milliseconds{15'000}));
  std::cout << "[ figures  ] takeover after kill -9: "
            << std::chrono::duration_cast<milliseconds>(clock_type::now()
                                                        - killed_at)
                 .count()
            << " ms (lease " << cluster_lease_ms << " ms)\n";
  expect_all_succeed(checkouts);
  ASSERT_EQ(cluster().restart_node(victim), "");
  ASSERT_TRUE(cluster().wait_ready(victim, 20'000));
  expect_invariants_hold();
}

TEST(cluster, a_paused_node_gets_no_write_in_after_its_lease_and_rejoins) {
  constexpr std::size_t victim = 2;
  auto node = cluster_stack::node_id(victim);
  auto epoch = current_epoch(node);
  auto checkouts = create_on(victim, 20, "pm_card_processing");
  ASSERT_EQ(owned_by(checkouts, node), 20);
  // The node may be paused between a write and its commit. That write's
  // transaction holds the lock a takeover waits for, so one is held open
  // here, as the node's incarnation, with the node's connection settings:
  // the database must end it, or the takeover waits for the node to wake.
  pqxx::connection as_the_node{domain::with_node_settings(
    cluster().database_url(), {node, static_cast<std::uint64_t>(epoch)},
    cluster_lease_ms)};
  pqxx::work left_open{as_the_node};
  left_open.exec0("UPDATE payment_order SET attempts = attempts WHERE false");
  auto pid = cluster().node(victim).pid();
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  // Its lease runs out; the others take its checkouts over.
  bool taken = eventually([&] { return owned_by(checkouts, node) == 0; },
                          milliseconds{15'000});
  EXPECT_ANY_THROW(left_open.commit());
  auto taken_at = query_int(cluster().database_url(),
                            "SELECT (extract(epoch FROM clock_timestamp())"
                            " * 1000000)::bigint + 0 * length($1)",
                            "");
  // Its order actors wake up with timers due and writes to make.
  ASSERT_EQ(::kill(pid, SIGCONT), 0);
  ASSERT_TRUE(taken);
  ASSERT_TRUE(eventually([&] { return current_epoch(node) > epoch; },
                         milliseconds{15'000}))
    << "the paused node never joined again";
  ASSERT_TRUE(cluster().wait_ready(victim, 20'000));
  expect_all_succeed(checkouts);
  auto writer = node + ":" + std::to_string(epoch);
  auto since = std::to_string(taken_at);
  EXPECT_EQ(query_int(cluster().database_url(),
                      "SELECT count(*) FROM payment_order_history"
                      " WHERE written_by = $1 AND at >= timestamptz 'epoch'"
                      " + "
                        + since + " * interval '1 microsecond'",
                      writer),
            0);
  EXPECT_EQ(query_int(cluster().database_url(),
                      "SELECT count(*) FROM ledger_transaction"
                      " WHERE written_by = $1 AND created_at >="
                      " timestamptz 'epoch' + "
                        + since + " * interval '1 microsecond'",
                      writer),
            0);
  expect_invariants_hold();
}

TEST(cluster, a_cluster_job_is_held_by_one_live_node_at_a_time) {
  pqxx::connection conn{cluster().database_url()};
  auto holds = [&](std::size_t i) {
    pqxx::work txn{conn};
    auto held = txn
                  .exec_params1(
                    "SELECT coalesce(pay_hold_job('test_job', $1,"
                    " (SELECT max(epoch) FROM cluster_node"
                    "   WHERE node_id = $1)), false)",
                    cluster_stack::node_id(i))[0]
                  .as<bool>();
    txn.commit();
    return held;
  };
  EXPECT_TRUE(holds(0));
  EXPECT_TRUE(holds(0));  // still its own
  EXPECT_FALSE(holds(1));
  EXPECT_FALSE(holds(2));
}

TEST(cluster, the_database_refuses_every_write_of_a_dead_incarnation) {
  // An incarnation without a current lease, as a paused node's is when it
  // wakes up: every statement that writes is refused, whatever it touches.
  pqxx::connection conn{domain::with_node_settings(
    cluster().database_url(), {"node1", 999}, cluster_lease_ms)};
  for (const char* write :
       {"UPDATE payment_order SET attempts = attempts WHERE false",
        "INSERT INTO webhook_event (event_id, type) VALUES ('evt_x', 't')",
        "DELETE FROM idempotency_key WHERE false"}) {
    pqxx::work txn{conn};
    try {
      txn.exec0(write);
      ADD_FAILURE() << "accepted: " << write;
    } catch (const pqxx::sql_error& e) {
      EXPECT_EQ(e.sqlstate(), "PF001") << write << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace pay::it
