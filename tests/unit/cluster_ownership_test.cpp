#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/cluster/ownership.hpp"
#include "gateway/ops/cluster_render.hpp"

namespace {

using pay::domain::judge_owner;
using pay::domain::node_identity;
using pay::domain::owner_info;
using pay::domain::owner_verdict;
using pay::domain::with_node_settings;

const node_identity me{"node1", 4};

TEST(cluster_ownership, alone_every_checkout_is_mine_whoever_is_recorded) {
  EXPECT_EQ(judge_owner({"node2", 1, true, "http://b"}, node_identity{}),
            owner_verdict::mine);
  EXPECT_EQ(judge_owner({}, node_identity{}), owner_verdict::mine);
}

TEST(cluster_ownership, my_own_incarnation_is_mine) {
  EXPECT_EQ(judge_owner({"node1", 4, true, "http://a"}, me),
            owner_verdict::mine);
}

TEST(cluster_ownership, a_live_node_elsewhere_keeps_its_checkout) {
  EXPECT_EQ(judge_owner({"node2", 9, true, "http://b"}, me),
            owner_verdict::elsewhere);
}

TEST(cluster_ownership, a_dead_owner_or_none_is_taken_over) {
  EXPECT_EQ(judge_owner({"node2", 9, false, "http://b"}, me),
            owner_verdict::orphaned);
  EXPECT_EQ(judge_owner({}, me), owner_verdict::orphaned);
}

TEST(cluster_ownership, my_own_earlier_epoch_is_as_dead_as_another_node) {
  EXPECT_EQ(judge_owner({"node1", 3, false, "http://a"}, me),
            owner_verdict::orphaned);
}

TEST(cluster_ownership, node_settings_ride_in_a_uri_as_encoded_options) {
  EXPECT_EQ(with_node_settings("postgresql://u@h:5432/db", me, 5'000),
            "postgresql://u@h:5432/db?options=-c%20pay.node_id%3Dnode1%20-c%20"
            "pay.node_epoch%3D4%20-c%20idle_in_transaction_session_timeout%3D"
            "5000");
  EXPECT_EQ(with_node_settings("postgres://u@h/db?sslmode=disable", me, 2'000),
            "postgres://u@h/db?sslmode=disable&options=-c%20pay.node_id%3D"
            "node1%20-c%20pay.node_epoch%3D4%20-c%20"
            "idle_in_transaction_session_timeout%3D2000");
}

TEST(cluster_ownership, node_settings_ride_in_a_keyword_string_as_options) {
  EXPECT_EQ(with_node_settings("host=h dbname=db", me, 5'000),
            "host=h dbname=db options='-c pay.node_id=node1 -c "
            "pay.node_epoch=4 -c idle_in_transaction_session_timeout=5000'");
}

TEST(cluster_ownership, alone_the_database_url_is_left_as_it_is) {
  EXPECT_EQ(with_node_settings("postgresql://u@h/db", node_identity{}, 5'000),
            "postgresql://u@h/db");
}

TEST(cluster_render, alone_the_view_says_single_with_no_node) {
  auto json = boost::json::parse(
    pay::gateway::render_cluster(node_identity{}, pay::cluster_view{}));
  EXPECT_EQ(json.at("mode"), "single");
  EXPECT_TRUE(json.at("this_node").is_null());
  EXPECT_TRUE(json.at("nodes").as_array().empty());
}

TEST(cluster_render, nodes_show_live_dead_and_gone) {
  pay::cluster_view view;
  view.nodes.push_back(
    {"node1", 4, "http://a", "t", 10, 4000, true, false, 2, "t2", 5});
  view.nodes.push_back(
    {"node2", 1, "http://b", "t", 9000, -4000, false, false, 0, "", 3});
  view.nodes.push_back(
    {"node3", 2, "http://c", "t", 9000, -9000, false, true, 0, "", 0});
  view.jobs.push_back({"payout_run", "node1", 4, "t"});
  auto json = boost::json::parse(pay::gateway::render_cluster(me, view));
  EXPECT_EQ(json.at("mode"), "cluster");
  EXPECT_EQ(json.at("this_node").at("epoch"), 4);
  const auto& nodes = json.at("nodes").as_array();
  EXPECT_EQ(nodes[0].at("status"), "live");
  EXPECT_EQ(nodes[1].at("status"), "dead");
  EXPECT_EQ(nodes[2].at("status"), "gone");
  EXPECT_TRUE(nodes[1].at("last_takeover_at").is_null());
  EXPECT_EQ(nodes[1].at("checkouts_owned"), 3);
  EXPECT_EQ(json.at("jobs").at(0).at("job"), "payout_run");
}

}  // namespace
