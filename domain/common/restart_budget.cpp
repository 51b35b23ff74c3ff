#include "domain/common/restart_budget.hpp"

#include "domain/common/assert.hpp"

namespace pay::domain {

std::string_view to_string(crash_verdict verdict) {
  switch (verdict) {
    case crash_verdict::restart:
      return "restarted";
    case crash_verdict::escalate:
      return "escalated";
  }
  return "unknown";
}

crash_verdict restart_budget::on_crash(const std::string& id) {
  PAY_ASSERT(!id.empty());
  auto& crashes = crashes_[id];
  ++crashes;
  if (crashes <= restarts_max_) return crash_verdict::restart;
  crashes_.erase(id);
  return crash_verdict::escalate;
}

std::uint32_t restart_budget::crashes(const std::string& id) const {
  auto it = crashes_.find(id);
  return it == crashes_.end() ? 0 : it->second;
}

}  // namespace pay::domain
