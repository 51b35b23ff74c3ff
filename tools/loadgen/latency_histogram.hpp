// Latencies of one kind (accept, completion) in bounded memory: log-linear
// buckets, 1/64 relative precision from 1 µs up to 2^38 µs (about 76 hours),
// so a run of millions of checkouts costs 17 KiB and percentiles are exact to
// about 1.6 %.
#pragma once

#include <array>
#include <cstdint>

namespace pay::loadgen {

class latency_histogram {
 public:
  // Values above the top bucket are clamped into it (and into max_us).
  void record_us(std::uint64_t latency_us);

  std::uint64_t count() const { return count_; }
  std::uint64_t max_us() const { return max_us_; }
  // The smallest recorded bucket's upper bound below which at least
  // `percent` of the values lie; 0 when empty. percent in (0, 100].
  std::uint64_t percentile_us(double percent) const;

  void merge(const latency_histogram& other);

 private:
  static constexpr unsigned sub_bits = 6;  // 64 linear steps per power of 2
  // Powers of two above the linear range: the top bucket ends at 2^38 µs.
  static constexpr unsigned magnitudes = 32;
  static constexpr std::size_t buckets = std::size_t{magnitudes + 1}
                                         << sub_bits;

  static std::size_t bucket_of(std::uint64_t value_us);
  static std::uint64_t upper_bound_of(std::size_t bucket);

  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

}  // namespace pay::loadgen
