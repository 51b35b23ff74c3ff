#include "tools/loadgen/latency_histogram.hpp"

#include <gtest/gtest.h>

namespace pay::loadgen {
namespace {

TEST(LatencyHistogram, EmptyHistogramReportsZero) {
  latency_histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile_us(99), 0u);
  EXPECT_EQ(h.max_us(), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 50; ++v) h.record_us(v);
  EXPECT_EQ(h.percentile_us(50), 25u);
  EXPECT_EQ(h.percentile_us(100), 50u);
}

TEST(LatencyHistogram, PercentilesStayWithinTwoPercentOverManyMagnitudes) {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 100'000; ++v) h.record_us(v * 37);
  for (double p : {50.0, 95.0, 99.0, 99.9}) {
    const double exact = p / 100.0 * 100'000 * 37;
    const double got = static_cast<double>(h.percentile_us(p));
    EXPECT_NEAR(got, exact, exact * 0.02) << "p" << p;
    EXPECT_GE(got, exact * 0.999) << "a percentile never understates";
  }
  EXPECT_EQ(h.max_us(), 3'700'000u);
  EXPECT_EQ(h.percentile_us(100), 3'700'000u);
}

TEST(LatencyHistogram, HugeValuesAreClampedButMaxIsKept) {
  latency_histogram h;
  h.record_us(std::uint64_t{1} << 50);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.max_us(), std::uint64_t{1} << 50);
  EXPECT_GE(h.percentile_us(50), std::uint64_t{1} << 37);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsTheLargerMax) {
  latency_histogram a, b;
  a.record_us(10);
  b.record_us(1000);
  b.record_us(2000);
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.max_us(), 2000u);
  EXPECT_EQ(a.percentile_us(1), 10u);
}

}  // namespace
}  // namespace pay::loadgen
