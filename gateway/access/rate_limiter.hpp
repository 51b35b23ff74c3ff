#pragma once
// Token buckets: `burst` requests at once, refilled at `per_s` a second.
// One limiter per route class, one bucket per "who" in it: a key id, or a
// client address for open routes and for failed authentications. Tokens are counted in
// thousandths so refills need no floating point.

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pay::gateway {

struct bucket_rule {
  std::uint32_t per_s = 0;  // 0: unlimited
  std::uint32_t burst = 1;
};

struct bucket_state {
  std::int64_t milli_tokens = -1;  // -1: new, full
  std::int64_t updated_ms = 0;
};

struct rate_decision {
  bool allowed = true;
  std::uint32_t limit = 0;          // RateLimit-Limit: the burst
  std::uint32_t remaining = 0;      // RateLimit-Remaining, after this request
  std::uint32_t reset_s = 0;        // RateLimit-Reset: until the bucket is full
  std::uint32_t retry_after_s = 0;  // when refused: until one token is back
};

// Refills to `now_ms`, then takes one token when `take` and one is there.
// With take == false only says whether a token is there (a peek).
rate_decision draw(bucket_state& state, const bucket_rule& rule,
                   std::int64_t now_ms, bool take = true);

class rate_limiter {
 public:
  // Beyond this many tracked buckets, full (idle) ones are forgotten: a
  // forgotten bucket is a full one, so nothing is lost by it.
  explicit rate_limiter(std::size_t buckets_max = 200'000)
      : shard_buckets_max_(buckets_max / shard_count + 1) {}

  rate_decision take(std::string_view who, const bucket_rule& rule,
                     std::int64_t now_ms);
  // True when `who` has no token left (nothing taken).
  bool exhausted(std::string_view who, const bucket_rule& rule,
                 std::int64_t now_ms);

 private:
  static constexpr std::size_t shard_count = 16;
  struct shard {
    std::mutex mutex;
    std::unordered_map<std::string, bucket_state> buckets;
  };
  rate_decision visit(std::string_view who, const bucket_rule& rule,
                      std::int64_t now_ms, bool take);
  void forget_full(shard& s, const bucket_rule& rule,
                   std::int64_t now_ms) const;

  const std::size_t shard_buckets_max_;
  std::array<shard, shard_count> shards_;
};

}  // namespace pay::gateway
