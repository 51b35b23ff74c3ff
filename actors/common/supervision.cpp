#include "actors/common/supervision.hpp"

#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

down_verdict judge_down(domain::restart_budget& budget, std::string_view kind,
                        const std::string& id, const caf::error& reason,
                        std::string_view correlation_id) {
  if (!reason) {
    budget.forget(id);
    return down_verdict::ended;
  }
  auto verdict = budget.on_crash(id);
  obs::metrics::get().actor_crash(kind, domain::to_string(verdict));
  if (verdict == domain::crash_verdict::escalate) {
    log::error(correlation_id,
               "{} {} crashed more than {} times ({}): escalated", kind, id,
               budget.restarts_max(), caf::to_string(reason));
    return down_verdict::escalate;
  }
  log::warn(correlation_id, "{} {} crashed ({}): restarting from its row", kind,
            id, caf::to_string(reason));
  return down_verdict::restart;
}

}  // namespace pay
