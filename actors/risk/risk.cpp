#include "actors/risk/risk.hpp"

// Facts from the database (the buyer, their recent checkouts), the pure
// rules (domain/risk/risk_rules.hpp), then the decision persisted once: a second
// assessment of the same checkout (after a crash) finds it already decided
// and changes nothing.

#include "domain/risk/risk_facts.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

using risk_self = risk_actor::pointer;

std::vector<domain::risk_order> orders_of(const checkout_view& checkout) {
  std::vector<domain::risk_order> out;
  for (const auto& o : checkout.orders)
    out.push_back(domain::risk_order{o.currency, o.amount_minor});
  return out;
}

using lookup_promise = caf::typed_response_promise<checkout_lookup>;

// Persists the decision (once per checkout) and answers the checkout as it
// is afterwards.
void record(risk_self self, const store_actor& store,
            std::chrono::milliseconds timeout, const assess_risk& req,
            const domain::risk_decision& decision, lookup_promise rp) {
  auto verdict = std::string{domain::to_string(decision.verdict)};
  if (decision.verdict != domain::risk_verdict::allow)
    log::warn(req.correlation_id, "risk: checkout {} -> {} ({} rules)",
              req.checkout.id.value, verdict, decision.rules.size());
  self
    ->request(store, timeout,
              record_risk_decision{req.checkout.id, verdict,
                                   domain::risk_decision_json(decision),
                                   req.correlation_id})
    .then(
      [=](checkout_lookup& after) mutable {
        // The store moved these orders; count them as the order actors
        // count theirs.
        for (const auto& o : after.view.orders)
          if (o.status == domain::order_status::review
              || (o.status == domain::order_status::failed
                  && o.failure_code == "risk_blocked"))
            obs::metrics::get().order_transition(
              domain::order_status::not_started, o.status);
        rp.deliver(std::move(after));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

risk_actor::behavior_type risk_behavior(risk_self self, store_pool stores,
                                        risk_options options) {
  return {
    [=](const assess_risk& req) -> caf::result<checkout_lookup> {
      auto rp = self->make_response_promise<checkout_lookup>();
      const auto& store = stores.for_key(req.checkout.id.value);
      // With no rule configured every checkout is allowed: the buyer
      // and the velocity count need not be read at all. (paymentd stores
      // that decision with the checkout; this is for older rows.)
      if (!domain::has_any_rule(options.rules)) {
        record(self, store, options.store_timeout, req, domain::risk_decision{},
               rp);
        return rp;
      }
      self
        ->request(
          store, options.store_timeout,
          load_risk_inputs{req.checkout.id, options.rules.velocity_window_s,
                           std::max(options.rules.velocity_review_count,
                                    options.rules.velocity_block_count)})
        .then(
          [=](const risk_inputs& inputs) mutable {
            if (!inputs.found) {
              rp.deliver(checkout_lookup{});
              return;
            }
            auto facts = domain::facts_from_buyer_info(inputs.buyer_info_json,
                                                       orders_of(req.checkout),
                                                       inputs.recent_checkouts);
            record(self, store, options.store_timeout, req,
                   domain::evaluate_risk(options.rules, facts), rp);
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

}  // namespace

risk_actor spawn_risk(caf::actor_system& sys, store_pool stores,
                      risk_options options) {
  return sys.spawn(risk_behavior, std::move(stores), std::move(options));
}

}  // namespace pay
