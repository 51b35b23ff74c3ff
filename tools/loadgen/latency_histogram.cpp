#include "tools/loadgen/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

#include "domain/common/assert.hpp"

namespace pay::loadgen {

// Values below 2^sub_bits get one bucket each; above, each power of two is
// split into 2^sub_bits equal steps.
std::size_t latency_histogram::bucket_of(std::uint64_t value_us) {
  constexpr std::uint64_t linear_top = std::uint64_t{1} << sub_bits;
  if (value_us < linear_top) return static_cast<std::size_t>(value_us);
  unsigned magnitude = 63u - static_cast<unsigned>(__builtin_clzll(value_us));
  unsigned shift = magnitude - sub_bits;
  std::size_t step = static_cast<std::size_t>((value_us >> shift) - linear_top);
  std::size_t bucket = (std::size_t{shift + 1} << sub_bits) + step;
  return std::min(bucket, buckets - 1);
}

std::uint64_t latency_histogram::upper_bound_of(std::size_t bucket) {
  constexpr std::size_t linear_top = std::size_t{1} << sub_bits;
  if (bucket < linear_top) return bucket;
  std::size_t shift = (bucket >> sub_bits) - 1;
  std::uint64_t step = bucket & (linear_top - 1);
  return ((linear_top + step + 1) << shift) - 1;
}

void latency_histogram::record_us(std::uint64_t latency_us) {
  ++counts_[bucket_of(latency_us)];
  ++count_;
  max_us_ = std::max(max_us_, latency_us);
}

std::uint64_t latency_histogram::percentile_us(double percent) const {
  PAY_ASSERT(percent > 0.0 && percent <= 100.0);
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(
    std::ceil(percent / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    seen += counts_[b];
    // A bucket's bound can exceed the largest value actually seen.
    if (seen >= rank) return std::min(upper_bound_of(b), max_us_);
  }
  PAY_ASSERT(false);  // the counts sum to count_
  return max_us_;
}

void latency_histogram::merge(const latency_histogram& other) {
  for (std::size_t b = 0; b < buckets; ++b) counts_[b] += other.counts_[b];
  count_ += other.count_;
  max_us_ = std::max(max_us_, other.max_us_);
}

}  // namespace pay::loadgen
