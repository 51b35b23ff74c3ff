#pragma once
// The one supervision policy (domain/common/restart_budget.hpp) as every
// supervising actor applies it to a down message: a normal end forgets the
// entity, a crash is counted, logged and told apart into restart (from the
// persisted row) or escalate. What restarting and escalating mean is the
// supervisor's own (see docs/architecture.md, "Supervision and shutdown").

#include <string>
#include <string_view>

#include <caf/all.hpp>

#include "domain/common/restart_budget.hpp"

namespace pay {

enum class down_verdict { ended, restart, escalate };

// `kind` names the entity in logs and in paymentd_actor_crashes_total
// (payment_order, checkout, refund, payout).
down_verdict judge_down(domain::restart_budget& budget, std::string_view kind,
                        const std::string& id, const caf::error& reason,
                        std::string_view correlation_id);

}  // namespace pay
