#pragma once
// The one supervision policy of every service that runs an actor per entity
// (a checkout's payment orders, the checkouts, refunds, pay-outs): an actor
// that crashed is started again from its persisted row, at most
// `restarts_max` times per entity. The row, not the dead actor's memory, is
// the truth, so a restart repeats no money movement: every PSP call is keyed
// by the entity's id and every write is a compare-and-set on its version.
// One crash more means the entity itself is poison (a row the code cannot
// handle), and restarting it again would only crash again: it is escalated
// instead (a payment order to the dead-letter queue; see each service).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pay::domain {

enum class crash_verdict : std::uint8_t { restart = 0, escalate = 1 };

std::string_view to_string(crash_verdict verdict);

class restart_budget {
 public:
  explicit restart_budget(std::uint32_t restarts_max)
      : restarts_max_(restarts_max) {}

  // One more crash of `id`'s actor: restart it while the budget lasts.
  // Escalating forgets the entity: a requeued one starts with a full budget.
  crash_verdict on_crash(const std::string& id);

  // Crashes of `id` counted so far (0 once escalated or forgotten).
  std::uint32_t crashes(const std::string& id) const;

  // `id` ended normally: its budget is not needed any more.
  void forget(const std::string& id) { crashes_.erase(id); }

  std::uint32_t restarts_max() const { return restarts_max_; }

 private:
  std::uint32_t restarts_max_;
  std::unordered_map<std::string, std::uint32_t> crashes_;
};

}  // namespace pay::domain
