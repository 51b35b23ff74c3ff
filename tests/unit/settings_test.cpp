#include <gtest/gtest.h>

#include <map>

#include "config/settings.hpp"

namespace {

pay::env_lookup env_of(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(vars);
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

TEST(settings_test, file_values_apply_and_environment_wins) {
  auto r = pay::parse_settings(
    "http.port = 9000 # comment\ndatabase.url = postgresql://x/y\n",
    pay::settings{}, env_of({{"PAYMENTD_HTTP_PORT", "9100"}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.value.http_port, 9100);
  EXPECT_EQ(r.value.database_url, "postgresql://x/y");
}

TEST(settings_test, unknown_key_is_an_error_naming_the_line) {
  auto r = pay::parse_settings("http.prot = 1\n", pay::settings{},
                               env_of({{"DATABASE_URL", "x"}}));
  EXPECT_NE(r.error.find("line 1"), std::string::npos);
  EXPECT_NE(r.error.find("http.prot"), std::string::npos);
}

TEST(settings_test, out_of_range_and_non_numbers_are_errors) {
  EXPECT_NE(pay::parse_settings("http.port = 70000\n", pay::settings{},
                                env_of({{"DATABASE_URL", "x"}}))
              .error,
            "");
  EXPECT_NE(pay::parse_settings("", pay::settings{},
                                env_of({{"DATABASE_URL", "x"},
                                        {"PAYMENTD_HTTP_PORT", "80a"}}))
              .error,
            "");
}

TEST(settings_test, database_url_is_required) {
  auto r = pay::parse_settings("", pay::settings{}, env_of({}));
  EXPECT_NE(r.error.find("DATABASE_URL"), std::string::npos);
}

TEST(settings_test, shipped_config_file_parses) {
  auto r = pay::load_settings(PAY_SOURCE_DIR "/config/paymentd.conf",
                              env_of({{"DATABASE_URL", "x"}}));
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.value.orders_per_checkout_max, 100u);
}

TEST(settings_test, a_count_left_at_zero_follows_the_cores) {
  EXPECT_EQ(pay::count_for_cores(0, 2, 2), 1u);
  EXPECT_EQ(pay::count_for_cores(0, 8, 2), 4u);
  EXPECT_EQ(pay::count_for_cores(0, 1, 2), 1u);
  EXPECT_EQ(pay::count_for_cores(0, 0, 2), 1u);  // cores unknown
  EXPECT_EQ(pay::count_for_cores(0, 6, 1), 6u);
  EXPECT_EQ(pay::count_for_cores(3, 8, 2), 3u);  // configured wins
}

TEST(settings_test, retry_policy_keys_reach_the_backoff_policy) {
  auto r = pay::parse_settings(
    "psp.retry_base_ms = 7\npsp.retry_attempts_max = 3\n", pay::settings{},
    env_of({{"DATABASE_URL", "x"}}));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.value.psp_retry.base_ms, 7u);
  EXPECT_EQ(r.value.psp_retry.attempts_max, 3u);
}

}  // namespace

namespace {

TEST(settings_test, cluster_node_id_must_be_a_plain_name) {
  auto r = pay::parse_settings("cluster.node_id = node 1\n", pay::settings{},
                               env_of({{"DATABASE_URL", "x"}}));
  EXPECT_NE(r.error.find("cluster.node_id"), std::string::npos);
  EXPECT_EQ(pay::parse_settings("cluster.node_id = node-1.a_b\n",
                                pay::settings{},
                                env_of({{"DATABASE_URL", "x"}}))
              .error,
            "");
}

TEST(settings_test, cluster_lease_must_outlast_two_renewals) {
  auto r = pay::parse_settings(
    "cluster.lease_ms = 1000\ncluster.renew_ms = 600\n", pay::settings{},
    env_of({{"DATABASE_URL", "x"}}));
  EXPECT_NE(r.error.find("cluster.renew_ms"), std::string::npos);
}

}  // namespace
