#include "tools/chaos/after_payin_plan.hpp"

#include <random>

namespace pay::chaos {

namespace {

// Shares in percent of the booked SUCCESS orders; the rest get no refund.
constexpr std::uint32_t fulfil_percent = 60;
struct story_share {
  refund_story story;
  std::uint32_t percent;
};
constexpr story_share story_shares[] = {
  {refund_story::full, 8},
  {refund_story::partial, 10},
  {refund_story::concurrent_over, 6},
  {refund_story::same_key_twice, 5},
  {refund_story::key_reused_other_reason, 5},
};

// FNV-1a: stable across compilers and runs, unlike std::hash.
std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

const char* to_string(refund_story story) {
  switch (story) {
    case refund_story::none:
      return "none";
    case refund_story::full:
      return "full";
    case refund_story::partial:
      return "partial";
    case refund_story::concurrent_over:
      return "concurrent_over";
    case refund_story::same_key_twice:
      return "same_key_twice";
    case refund_story::key_reused_other_reason:
      return "key_reused_other_reason";
  }
  return "unknown";
}

after_payin_step plan_after_payin(const std::string& payment_order_id,
                                  std::uint64_t seed) {
  std::mt19937_64 draw{stable_hash(payment_order_id) ^ seed};
  after_payin_step out;
  out.fulfil = draw() % 100 < fulfil_percent;
  auto roll = static_cast<std::uint32_t>(draw() % 100);
  for (const auto& share : story_shares) {
    if (roll < share.percent) {
      out.refund = share.story;
      break;
    }
    roll -= share.percent;
  }
  return out;
}

std::int64_t partial_refund_minor(std::int64_t order_minor,
                                  std::int64_t step_minor) {
  const auto third = order_minor / 3;
  const auto stepped = third - third % step_minor;
  return stepped > 0 ? stepped : step_minor;
}

std::int64_t over_half_refund_minor(std::int64_t order_minor,
                                    std::int64_t step_minor) {
  const auto over = order_minor - order_minor * 2 / 5;  // 60%, rounded up
  return (over + step_minor - 1) / step_minor * step_minor;
}

const char* to_string(settle_story story) {
  switch (story) {
    case settle_story::fulfil_all:
      return "fulfil_all";
    case settle_story::fulfil_part:
      return "fulfil_part";
    case settle_story::cancel:
      return "cancel";
    case settle_story::leave:
      return "leave";
  }
  return "unknown";
}

settle_story plan_authorized(const std::string& payment_order_id,
                             std::uint64_t seed) {
  // Its own stream: the after-pay-in draws of an order stay as they were.
  std::mt19937_64 draw{stable_hash("authorized:" + payment_order_id) ^ seed};
  const auto roll = draw() % 100;
  if (roll < 40) return settle_story::fulfil_all;
  if (roll < 65) return settle_story::fulfil_part;
  if (roll < 85) return settle_story::cancel;
  return settle_story::leave;
}

std::int64_t partial_capture_minor(std::int64_t authorized_minor,
                                   std::int64_t step_minor) {
  const auto half = authorized_minor / 2 / step_minor * step_minor;
  return half < step_minor ? step_minor : half;
}

}  // namespace pay::chaos
