#include "fakes.hpp"

namespace pay::test {

store_actor::behavior_type fake_store(store_actor::pointer, world_ptr w) {
  return {
    [=](const insert_checkout&) { return insert_checkout_reply{}; },
    [=](const transition_order& cmd) {
      auto& row = w->rows.at(cmd.id.value);
      transition_reply reply;
      if (row.status == cmd.from && row.version == cmd.expected_version) {
        row.status = cmd.to;
        row.version += 1;
        row.attempts += cmd.count_attempt ? 1 : 0;
        if (!cmd.psp_reference.empty()) row.psp_reference = cmd.psp_reference;
        if (!cmd.psp_session_id.empty())
          row.psp_session_id = cmd.psp_session_id;
        if (!cmd.redirect_url.empty()) row.redirect_url = cmd.redirect_url;
        row.failure_code = cmd.failure_code;
        reply.applied = true;
        std::string booked;
        if (!cmd.payin_postings.empty()) {
          row.wallet_updated = row.ledger_updated = true;
          booked = " booked " + std::to_string(cmd.payin_postings.size())
                   + " postings";
        }
        w->log.push_back("store: " + domain::to_string(cmd.from) + "->"
                         + domain::to_string(cmd.to) + booked);
        if (w->moves_mark_done && cmd.to == domain::order_status::success) {
          bool all_success = true;
          for (const auto& [id, other] : w->rows)
            all_success = all_success
                          && other.status == domain::order_status::success;
          reply.checkout_done = all_success;
        }
      } else {
        w->log.push_back("store: stale " + domain::to_string(cmd.from) + "->"
                         + domain::to_string(cmd.to));
      }
      reply.current = row;
      return reply;
    },
    [=](const record_attempt& cmd) {
      auto& row = w->rows.at(cmd.id.value);
      row.psp_attempts += 1;
      row.maybe_charged = row.maybe_charged || cmd.maybe_charged;
      if (row.first_attempt_age_ms < 0) row.first_attempt_age_ms = 0;
      w->log.push_back("store: attempt " + cmd.outcome);
      return step_reply{true};
    },
    [=](const passivate_order& cmd) {
      auto& row = w->rows.at(cmd.id.value);
      row.pending_polls = cmd.pending_polls;
      row.next_poll_at = "in " + std::to_string(cmd.wake_in_ms) + " ms";
      w->log.push_back("store: passivate in " + std::to_string(cmd.wake_in_ms)
                       + " ms");
      return step_reply{true};
    },
    [=](const claim_due_polls&) { return due_polls{}; },
    [=](const escalate_order&) { return step_reply{true}; },
    [=](const list_dead_letters&) { return dead_letters{}; },
    [=](const requeue_dead_letter&) { return operator_reply{}; },
    [=](const resolve_dead_letter&) { return operator_reply{}; },
    [=](const find_stuck_orders&) { return stuck_orders{}; },
    [=](const claim_idempotency_key&) { return idempotency_claim{}; },
    [=](const save_idempotent_response&) { return step_reply{true}; },
    [=](const credit_wallet_cmd&) { return step_reply{true}; },
    [=](const write_ledger_cmd&) { return step_reply{true}; },
    [=](const mark_checkout_done&) {
      w->checkout_marked_done = true;
      w->log.push_back("store: checkout done");
      return step_reply{true};
    },
    [=](const load_checkout& q) {
      checkout_lookup out;
      out.found = true;
      out.view.id = q.id;
      out.view.is_payment_done = w->checkout_marked_done;
      for (const auto& [id, row] : w->rows) out.view.orders.push_back(row);
      return out;
    },
    [=](const load_order& q) {
      return order_lookup{true, w->rows.at(q.id.value)};
    },
    [=](const load_unfinished_checkouts&) { return unfinished_checkouts{}; },
    [=](const check_ready&) {
      return ready_reply{true, "ok"};
    },
    [=](const load_order_record&) { return order_record{}; },
    [=](const load_owner&) { return owner_lookup{}; },
    [=](const claim_checkout&) { return checkout_claim{}; },
    [=](const load_cluster&) { return cluster_view{}; },
    [=](const list_orders&) { return order_page{}; },
    [=](const count_open_dead_letters&) { return std::int64_t{0}; },
    [=](const count_open_checkouts&) { return open_checkouts{}; },
    [=](const record_webhook_event&) { return true; },
    [=](const load_risk_inputs&) { return risk_inputs{}; },
    [=](const record_risk_decision&) { return checkout_lookup{}; },
    [=](const list_reviews&) { return reviews{}; },
    [=](const decide_review&) { return review_reply{}; },
    [=](const request_capture& c) {
      auto& row = w->rows.at(c.id.value);
      if (row.status != domain::order_status::authorized)
        return settle_reply{settle_outcome::wrong_state, row,
                            domain::money_error::ok};
      row.status = domain::order_status::capturing;
      ++row.version;
      if (c.amount_minor > 0) row.amount_minor = c.amount_minor;
      return settle_reply{settle_outcome::applied, row,
                          domain::money_error::ok};
    },
    [=](const request_void& c) {
      auto& row = w->rows.at(c.id.value);
      if (row.status != domain::order_status::authorized)
        return settle_reply{settle_outcome::wrong_state, row,
                            domain::money_error::ok};
      row.status = domain::order_status::voiding;
      row.failure_code = c.failure_code;
      ++row.version;
      return settle_reply{settle_outcome::applied, row,
                          domain::money_error::ok};
    },
    [=](store_flush_atom) {},
  };
}

executor_actor::behavior_type fake_executor(executor_actor::pointer,
                                            world_ptr w) {
  auto next = [w]() {
    if (w->psp_answers.empty()) return answer(domain::charge_kind::succeeded);
    auto out = w->psp_answers.front();
    w->psp_answers.pop_front();
    return out;
  };
  return {
    [=](const execute_charge& c) {
      w->log.push_back("psp: charge " + c.order.id.value);
      w->charges_authorize_only.push_back(c.authorize_only);
      return next();
    },
    [=](const query_charge& q) {
      w->log.push_back("psp: query " + q.psp_reference);
      return next();
    },
    [=](const register_session& r) {
      w->log.push_back("psp: register " + r.order.id.value);
      return next();
    },
    [=](const query_session& q) {
      w->log.push_back("psp: query session " + q.session_id);
      return next();
    },
    [=](const capture_charge& c) {
      w->log.push_back("psp: capture " + c.order.value + " "
                       + std::to_string(c.amount_minor));
      return next();
    },
    [=](const void_charge& v) {
      w->log.push_back("psp: void " + v.order.value + " "
                       + v.cancellation_reason);
      return next();
    },
  };
}

wallet_actor::behavior_type fake_wallet(wallet_actor::pointer, world_ptr w) {
  return {
    [=](const credit_wallet_cmd& c) {
      w->log.push_back("wallet: credit " + c.seller.value + " "
                       + std::to_string(c.amount_minor));
      w->rows.at(c.id.value).wallet_updated = true;
      return step_reply{true};
    },
  };
}

ledger_actor::behavior_type fake_ledger(ledger_actor::pointer, world_ptr w) {
  return {
    [=](const record_payin& e) {
      w->log.push_back("ledger: payin " + e.order.id.value);
      w->rows.at(e.order.id.value).ledger_updated = true;
      return step_reply{true};
    },
  };
}

risk_actor::behavior_type fake_risk(risk_actor::pointer, world_ptr w) {
  return {
    [=](const assess_risk& req) {
      w->log.push_back("risk: allow " + req.checkout.id.value);
      checkout_lookup out{true, req.checkout, "pm_card_visa"};
      out.view.risk_verdict = "allow";
      return out;
    },
  };
}

dlq_actor::behavior_type fake_dlq(dlq_actor::pointer, world_ptr w) {
  return {
    [=](const escalate_order& cmd) {
      w->dead_lettered.push_back(cmd.id.value + ": " + cmd.reason);
      w->rows.at(cmd.id.value).parked = true;
      w->log.push_back("dlq: " + cmd.id.value + " " + cmd.reason);
      return step_reply{true};
    },
    [=](const list_dead_letters&) { return dead_letters{}; },
    [=](const requeue_dead_letter&) { return operator_reply{}; },
    [=](const resolve_dead_letter&) { return operator_reply{}; },
  };
}

checkout_actor::behavior_type fake_checkout(checkout_actor::pointer,
                                            world_ptr w) {
  return {
    [=](const await_outcome&) { return checkout_view{}; },
    [=](const order_finished& f) {
      w->log.push_back("checkout: finished " + f.row.id.value + " "
                       + domain::to_string(f.row.status)
                       + (f.row.parked ? " parked" : ""));
      w->finished.push_back(f);
    },
    [=](resume_orders_atom) { return true; },
    [=](mark_done_atom) {},
    [=](assess_atom) {},
    [=](const inspect_live_order&) { return order_live_view{}; },
    [=](const order_pending& p) {
      w->log.push_back("checkout: pending " + p.id.value + " "
                       + p.redirect_url);
    },
    [=](const psp_news&) {},
    [=](const waiter_expired&) {},
    [=](const order_gone&) {},
  };
}

collaborators fake_collaborators(caf::actor_system& sys, const world_ptr& w) {
  collaborators deps;
  deps.stores.shards.push_back(sys.spawn(fake_store, w));
  deps.executor = sys.spawn(fake_executor, w);
  deps.wallet = sys.spawn(fake_wallet, w);
  deps.ledger = sys.spawn(fake_ledger, w);
  deps.dlq = sys.spawn(fake_dlq, w);
  deps.risk = sys.spawn(fake_risk, w);
  deps.retry = domain::backoff_policy{10, 100, 3};
  deps.passivate_after = std::chrono::milliseconds{
    0};  // resident unless a test asks
  return deps;
}

}  // namespace pay::test
