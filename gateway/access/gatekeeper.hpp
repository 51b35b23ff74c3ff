#pragma once
// The first thing every request meets: the route's class, the caller's key
// (401 when missing, unknown or revoked; 403 when its role does not allow the
// route) and the rate limits (429), in that order. Keys are checked in
// memory, so a flood of bad keys costs a hash and a map lookup per request;
// failed authentications are limited per client address (429 past the limit)
// and never touch another client's budget.

#include <atomic>
#include <cstdint>

#include "gateway/access/rate_limiter.hpp"
#include "gateway/common/exchange.hpp"

namespace pay::gateway {

struct edge_state {
  rate_limiter read, write, admin, open, auth_failures;
  // Prefer: wait requests parked now, in all (per key: wait_slots).
  std::atomic<std::uint32_t> waits{0};
  std::mutex waits_mutex;
  std::unordered_map<std::string, std::uint32_t> waits_by_key;
};

// True when the request may go on: `ex.who` is set and its responder adds
// the RateLimit-* headers. False when it was answered here.
bool admit(const context& ctx, exchange& ex);

// Counts a failed authentication (a bad key, a webhook whose signature does
// not verify) against the client's address. True when that address is past
// its limit: the request was then answered 429 here.
bool flooding_after_failure(const context& ctx, const exchange& ex);

// A parked Prefer: wait, released when destroyed. Empty (no wait allowed)
// when the caller or the server has too many parked already.
class wait_slot {
 public:
  static wait_slot acquire(const context& ctx, const caller& who);
  wait_slot() = default;
  wait_slot(wait_slot&& other) noexcept;
  wait_slot& operator=(wait_slot&&) = delete;
  ~wait_slot();
  explicit operator bool() const { return edge_ != nullptr; }

 private:
  std::shared_ptr<edge_state> edge_;
  std::string key_id_;
};

// The request's `Prefer: wait`, bounded: its milliseconds (0: answer at
// once) and the slot that parks it, to be held until the answer. Past the
// bounds the wait is 0, as RFC 7240 lets a server ignore a preference.
struct preferred_wait {
  std::uint32_t wait_ms = 0;
  std::shared_ptr<wait_slot> slot;
};
preferred_wait park_preferred_wait(const context& ctx, const exchange& ex);

}  // namespace pay::gateway
