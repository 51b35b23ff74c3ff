#include "gateway/access/rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace pay::gateway {

namespace {

constexpr std::int64_t milli = 1000;

std::uint32_t ceil_seconds(std::int64_t ms) {
  return static_cast<std::uint32_t>(
    std::max<std::int64_t>(0, (ms + 999) / 1000));
}

}  // namespace

rate_decision draw(bucket_state& state, const bucket_rule& rule,
                   std::int64_t now_ms, bool take) {
  rate_decision d;
  d.limit = rule.burst;
  if (rule.per_s == 0) {
    d.remaining = rule.burst;
    return d;
  }
  const std::int64_t capacity = std::int64_t{rule.burst} * milli;
  if (state.milli_tokens < 0) {
    state.milli_tokens = capacity;
  } else if (now_ms > state.updated_ms) {
    // A token per 1000 / per_s ms: per_s thousandths of a token per ms.
    auto refill = (now_ms - state.updated_ms) * std::int64_t{rule.per_s};
    state.milli_tokens = std::min(capacity, state.milli_tokens + refill);
  }
  state.updated_ms = std::max(state.updated_ms, now_ms);
  d.allowed = state.milli_tokens >= milli;
  if (d.allowed && take) state.milli_tokens -= milli;
  d.remaining = static_cast<std::uint32_t>(state.milli_tokens / milli);
  d.reset_s = ceil_seconds((capacity - state.milli_tokens) / rule.per_s);
  if (!d.allowed)
    d.retry_after_s = std::max<std::uint32_t>(
      1, ceil_seconds((milli - state.milli_tokens) / rule.per_s));
  return d;
}

rate_decision rate_limiter::take(std::string_view who, const bucket_rule& rule,
                                 std::int64_t now_ms) {
  return visit(who, rule, now_ms, true);
}

bool rate_limiter::exhausted(std::string_view who, const bucket_rule& rule,
                             std::int64_t now_ms) {
  return !visit(who, rule, now_ms, false).allowed;
}

rate_decision rate_limiter::visit(std::string_view who, const bucket_rule& rule,
                                  std::int64_t now_ms, bool take) {
  if (rule.per_s == 0) {
    bucket_state unused;
    return draw(unused, rule, now_ms, take);
  }
  auto& s = shards_[std::hash<std::string_view>{}(who) % shard_count];
  std::lock_guard lock(s.mutex);
  auto it = s.buckets.find(std::string{who});
  if (it == s.buckets.end()) {
    if (!take) {
      bucket_state fresh;
      return draw(fresh, rule, now_ms, false);
    }
    if (s.buckets.size() >= shard_buckets_max_) forget_full(s, rule, now_ms);
    it = s.buckets.emplace(std::string{who}, bucket_state{}).first;
  }
  return draw(it->second, rule, now_ms, take);
}

void rate_limiter::forget_full(shard& s, const bucket_rule& rule,
                               std::int64_t now_ms) const {
  const std::int64_t capacity = std::int64_t{rule.burst} * milli;
  for (auto it = s.buckets.begin(); it != s.buckets.end();) {
    bucket_state probe = it->second;
    draw(probe, rule, now_ms, false);
    it = probe.milli_tokens >= capacity ? s.buckets.erase(it) : std::next(it);
  }
  // Every bucket busy (a flood from many addresses): start over rather
  // than grow without bound; the cost is a burst's worth of extra requests.
  if (s.buckets.size() >= shard_buckets_max_) s.buckets.clear();
}

}  // namespace pay::gateway
