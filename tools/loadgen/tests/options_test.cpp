#include "tools/loadgen/options.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace pay::loadgen {
namespace {

// Well-formed (sk_test_ + 43 base62); the parser never sends it.
const std::string env_key = "sk_test_" + std::string(43, 'a');

parse_result parse(std::vector<const char*> args,
                   const std::string& db_env = "",
                   const std::string& key_env = env_key) {
  args.insert(args.begin(), "loadgen");
  return parse_options(static_cast<int>(args.size()), args.data(), db_env,
                       key_env);
}

TEST(LoadgenOptions, DefaultsAreAClosedLoopWithTheDefaultMix) {
  auto r = parse({}, "postgresql://x@h/db");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.rate_per_s, 0u);
  EXPECT_EQ(r.options.connections, r.options.concurrency);
  EXPECT_EQ(r.options.tokens.tokens.size(), 3u);
  EXPECT_EQ(r.options.tokens.weight_total, 100u);
  EXPECT_EQ(r.options.database_url, "postgresql://x@h/db");
  EXPECT_EQ(r.options.run_id.size(), 8u);
}

TEST(LoadgenOptions, CheckoutsAloneMeanNoTimeLimit) {
  auto r = parse({"--checkouts", "500"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.duration_s, 0u);
  EXPECT_EQ(r.options.checkouts, 500u);
}

TEST(LoadgenOptions, ARunThatCannotEndIsRefused) {
  EXPECT_NE(parse({"--duration-s", "0"}).error, "");
}

TEST(LoadgenOptions, OpenLoopGetsItsOwnConnectionDefault) {
  auto r = parse({"--rate=2000", "--currencies", "EUR,JPY"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.rate_per_s, 2000u);
  EXPECT_EQ(r.options.connections, 1024u);
  EXPECT_EQ(r.options.currencies.size(), 2u);
}

TEST(LoadgenOptions, BadValuesNameTheOption) {
  EXPECT_NE(parse({"--currencies", "USD,usd"}).error.find("--currencies"),
            std::string::npos);
  EXPECT_NE(parse({"--concurrency", "0"}).error, "");
  EXPECT_NE(parse({"--orders-per-checkout", "101"}).error, "");
  EXPECT_NE(parse({"--url", "https://x"}).error, "");
  EXPECT_NE(parse({"--completion", "sometimes"}).error, "");
  EXPECT_NE(parse({"--run-id", "a_b"}).error, "");
  EXPECT_NE(parse({"--no-wait=1"}).error, "");
  EXPECT_NE(parse({"--bogus"}).error, "");
  EXPECT_NE(parse({"--seed"}).error, "");
}

TEST(LoadgenOptions, ExplicitFlagsAreKept) {
  auto r = parse({"--no-wait", "--completion", "poll", "--seed", "9",
                  "--run-id", "bench-1", "--tokens", "pm_card_processing"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.options.no_wait);
  EXPECT_EQ(r.options.completion, completion_mode::poll);
  EXPECT_EQ(r.options.seed, 9u);
  EXPECT_EQ(r.options.run_id, "bench-1");
  EXPECT_EQ(r.options.tokens.tokens.at(0).token, "pm_card_processing");
}

TEST(LoadgenOptions, TheKeyComesFromTheEnvironmentOrTheFlag) {
  EXPECT_EQ(parse({}).options.api_key, env_key);
  const std::string flag_key = "sk_test_" + std::string(43, 'B');
  auto r = parse({"--api-key", flag_key.c_str()});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.api_key, flag_key);
}

TEST(LoadgenOptions, NoKeyOrAMalformedOneIsRefused) {
  EXPECT_NE(parse({}, "", "").error.find("--api-key"), std::string::npos);
  EXPECT_NE(parse({"--api-key", "adm_token"}).error.find("--api-key"),
            std::string::npos);
  // One character short of a key.
  const std::string short_key = "sk_test_" + std::string(42, 'a');
  EXPECT_NE(parse({"--api-key", short_key.c_str()}).error, "");
}

}  // namespace
}  // namespace pay::loadgen
