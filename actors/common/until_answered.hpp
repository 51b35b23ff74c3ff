#pragma once
// How long an actor waits for our own stores and the executor: until they
// answer. They answer every request they take: a database failure is an
// error reply, and the executor's PSP calls are bounded by the PSP pool's
// own connect and request timeouts, which always call back. A timeout on
// such a request bought nothing but a timer: an entry in CAF's one actor
// clock, set and cancelled under its lock and waking the clock's thread,
// twice per request; about a tenth of paymentd's CPU at full load.
//
// Whoever must give up on time keeps a timeout of its own: the gateway's ask
// (an HTTP client is waiting), a waiter's Prefer: wait. An order that stops
// moving for any other reason is the watchdog's to resume or dead-letter.

#include <caf/duration.hpp>
#include <caf/timespan.hpp>

namespace pay {

inline constexpr caf::infinite_t until_answered = caf::infinite;

}  // namespace pay
