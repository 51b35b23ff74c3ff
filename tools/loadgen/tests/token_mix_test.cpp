#include "tools/loadgen/token_mix.hpp"

#include <gtest/gtest.h>

namespace pay::loadgen {
namespace {

TEST(TokenMix, WeightsAreSummedInTheOrderGiven) {
  auto parsed = parse_token_mix(
    "pm_card_visa=90,pm_card_chargeDeclined=5,"
    "pm_card_processing=5");
  ASSERT_EQ(parsed.error, "");
  ASSERT_EQ(parsed.mix.tokens.size(), 3u);
  EXPECT_EQ(parsed.mix.tokens[1].token, "pm_card_chargeDeclined");
  EXPECT_EQ(parsed.mix.weight_total, 100u);
}

TEST(TokenMix, BareTokenWeighsOne) {
  auto parsed = parse_token_mix("pm_card_threeDSecureRequired");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.mix.weight_total, 1u);
}

TEST(TokenMix, PickFollowsTheWeightBoundaries) {
  auto mix = parse_token_mix("a=2,b=0,c=3").mix;
  EXPECT_EQ(pick_token(mix, 0), "a");
  EXPECT_EQ(pick_token(mix, 1), "a");
  EXPECT_EQ(pick_token(mix, 2), "c");  // b has weight 0: never picked
  EXPECT_EQ(pick_token(mix, 4), "c");
}

TEST(TokenMix, RefusesWhatCannotBeAMix) {
  EXPECT_NE(parse_token_mix("").error, "");
  EXPECT_NE(parse_token_mix("a=0,b=0").error, "");
  EXPECT_NE(parse_token_mix("a=1,a=2").error, "");
  EXPECT_NE(parse_token_mix("a=x").error, "");
  EXPECT_NE(parse_token_mix("a=-1").error, "");
  EXPECT_NE(parse_token_mix("a=1000001").error, "");
  EXPECT_NE(parse_token_mix("a/b=1").error, "");
  EXPECT_NE(parse_token_mix("a=1,,b=1").error, "");
}

}  // namespace
}  // namespace pay::loadgen
