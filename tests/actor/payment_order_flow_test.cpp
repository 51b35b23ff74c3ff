// Payment order and checkout message flows under CAF's deterministic
// scheduler, against scripted fakes.

#include <gtest/gtest.h>

#include "actors/payin/checkout.hpp"
#include "actors/payin/payment_order.hpp"
#include "fakes.hpp"

namespace {

using namespace pay;
using pay::domain::charge_kind;
using pay::domain::order_status;

struct testing_config : caf::actor_system_config {
  testing_config() { set("scheduler.policy", caf::atom("testing")); }
};

class flow : public ::testing::Test {
 protected:
  testing_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
    dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  test::world_ptr w = std::make_shared<test::world>();
  collaborators deps = test::fake_collaborators(sys, w);
  checkout_actor checkout = sys.spawn(test::fake_checkout, w);

  payment_order_actor start_order(const order_view& row,
                                  std::string return_url = {},
                                  bool never_sent = false) {
    w->rows[row.id.value] = row;
    std::string token = return_url.empty() ? "pm_card_visa" : "";
    return sys.spawn(payment_order, deps, checkout,
                     payment_order_args{row, token, return_url, "cid",
                                        never_sent});
  }

  // A checkout of fresh orders `ids`, started, with one client waiting up
  // to a minute for its outcome; `answered` gets the outcome.
  void start_checkout_awaited(const std::string& checkout_id,
                              std::vector<std::string> ids,
                              checkout_view& answered) {
    checkout_view view;
    view.id.value = checkout_id;
    for (const auto& id : ids) {
      auto row = test::fresh_row(id, "seller", 100);
      w->rows[id] = row;
      view.orders.push_back(row);
    }
    auto co = spawn_checkout(sys, deps,
                             checkout_args{view, "pm_card_visa", "c"});
    // Arguments go through spawn: CAF 0.17 spawns an argument-less function
    // actor through a null tuple pointer, which UBSan rightly flags.
    sys.spawn(
      [&answered, co](caf::event_based_actor* self, await_outcome wait) {
        self->request(co, caf::infinite, wait)
          .then([&answered](const checkout_view& v) { answered = v; });
      },
      await_outcome{60'000});
  }

  // Runs until nothing is left but timers; fires those too, `rounds` times.
  void run_with_timers(int rounds = 10) {
    sched.run();
    for (int i = 0; i < rounds && sched.has_pending_timeout(); ++i) {
      sched.trigger_timeouts();
      sched.run();
    }
  }
};

TEST_F(flow, success_persists_each_step_before_acting_and_books_with_the_move) {
  start_order(test::fresh_row("po_1", "alice", 1234));
  run_with_timers();
  // The wallet credit and the ledger posting travel with the move to
  // SUCCESS (one write), not as steps after it.
  std::vector<std::string> expected = {
    "store: NOT_STARTED->EXECUTING",
    "psp: charge po_1",
    "store: EXECUTING->SUCCESS booked 2 postings",
    "checkout: finished po_1 SUCCESS",
  };
  EXPECT_EQ(w->log, expected);
  EXPECT_EQ(w->rows["po_1"].attempts, 1);
  EXPECT_EQ(w->rows["po_1"].psp_reference, "pi_test");
  EXPECT_TRUE(w->rows["po_1"].wallet_updated);
  EXPECT_TRUE(w->rows["po_1"].ledger_updated);
}

TEST_F(flow, order_finished_before_migration_7_books_wallet_then_ledger) {
  // A row that reached SUCCESS under the old two-step booking and stopped
  // before either step: recovery finishes both, in order.
  auto row = test::fresh_row("po_1b", "ann", 50);
  row.status = order_status::success;
  row.version = 2;
  start_order(row);
  run_with_timers();
  std::vector<std::string> expected = {
    "wallet: credit ann 50",
    "ledger: payin po_1b",
    "checkout: finished po_1b SUCCESS",
  };
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, declined_card_fails_the_order_and_never_credits_the_wallet) {
  w->psp_answers.push_back(
    test::answer(charge_kind::declined, "generic_decline"));
  start_order(test::fresh_row("po_2", "bob", 500));
  run_with_timers();
  std::vector<std::string> expected = {
    "store: NOT_STARTED->EXECUTING",
    "psp: charge po_2",
    "store: EXECUTING->FAILED",
    "checkout: finished po_2 FAILED",
  };
  EXPECT_EQ(w->log, expected);
  EXPECT_EQ(w->rows["po_2"].failure_code, "generic_decline");
  EXPECT_FALSE(w->rows["po_2"].wallet_updated);
}

TEST_F(flow, transient_failure_waits_for_the_backoff_timer_then_charges_again) {
  w->psp_answers.push_back(
    test::answer(charge_kind::transient, "psp_http_503"));
  start_order(test::fresh_row("po_3", "carol", 100));
  sched.run();
  // Nothing moves until the backoff timer fires.
  EXPECT_TRUE(sched.has_pending_timeout());
  EXPECT_EQ(w->rows["po_3"].status, order_status::executing);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: charge po_3"), 1);
  run_with_timers();
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: charge po_3"), 2);
  EXPECT_EQ(w->rows["po_3"].status, order_status::success);
  // The retry did not count as a new execution, but as a PSP attempt.
  EXPECT_EQ(w->rows["po_3"].attempts, 1);
  EXPECT_EQ(w->rows["po_3"].psp_attempts, 1);
}

TEST_F(flow, unknown_outcome_asks_again_with_the_same_order_and_persists_it) {
  w->psp_answers.push_back(test::answer(charge_kind::outcome_unknown));
  w->psp_answers.push_back(test::answer(charge_kind::outcome_unknown));
  start_order(test::fresh_row("po_4", "dave", 100));
  run_with_timers(20);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: charge po_4"), 3);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(),
                       "store: attempt outcome_unknown"),
            2);
  EXPECT_TRUE(w->rows["po_4"].maybe_charged);
  EXPECT_EQ(w->rows["po_4"].status, order_status::success);
}

TEST_F(flow, spent_retry_budget_dead_letters_the_order_instead_of_failing_it) {
  deps.retry_deadline = std::chrono::milliseconds{0};  // the count decides
  for (int i = 0; i < 5; ++i)
    w->psp_answers.push_back(test::answer(charge_kind::outcome_unknown));
  start_order(test::fresh_row("po_5", "erin", 100));
  run_with_timers(20);
  // Budget is 3 attempts: then the DLQ, never FAILED (it may be charged).
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: charge po_5"), 3);
  EXPECT_EQ(w->dead_lettered,
            std::vector<std::string>{"po_5: retry_budget_exhausted"});
  EXPECT_EQ(w->rows["po_5"].status, order_status::executing);
  EXPECT_EQ(w->log.back(), "checkout: finished po_5 EXECUTING parked");
}

TEST_F(flow, attempts_beyond_the_count_go_on_until_the_deadline_passes) {
  deps.retry_deadline = std::chrono::hours{1};  // a PSP outage shorter
  for (int i = 0; i < 6; ++i)                   // twice the count of 3
    w->psp_answers.push_back(test::answer(charge_kind::transient));
  start_order(test::fresh_row("po_15", "olga", 100));
  run_with_timers(40);
  EXPECT_TRUE(w->dead_lettered.empty());
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: charge po_15"), 7);
  EXPECT_EQ(w->rows["po_15"].status, order_status::success);
}

TEST_F(flow, attempt_that_never_reached_the_psp_is_not_maybe_charged) {
  w->psp_answers.push_back(
    test::answer(charge_kind::transient, "psp_unreachable"));
  start_order(test::fresh_row("po_16", "pia", 100));
  run_with_timers();
  EXPECT_EQ(w->rows["po_16"].psp_attempts, 1);
  EXPECT_FALSE(w->rows["po_16"].maybe_charged);
  EXPECT_EQ(w->rows["po_16"].status, order_status::success);
}

TEST_F(flow, restarted_order_keeps_its_spent_budget) {
  deps.retry_deadline = std::chrono::milliseconds{0};  // the count decides
  auto row = test::fresh_row("po_10", "jan", 100);
  row.status = order_status::executing;
  row.version = 1;
  row.psp_attempts = 2;  // persisted before a crash
  row.first_attempt_age_ms = 10;
  w->psp_answers.push_back(test::answer(charge_kind::transient));
  start_order(row);
  run_with_timers(20);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: charge po_10"), 1);
  EXPECT_EQ(w->dead_lettered,
            std::vector<std::string>{"po_10: retry_budget_exhausted"});
}

TEST_F(flow, dead_lettered_order_does_nothing_until_requeued) {
  auto row = test::fresh_row("po_11", "kim", 100);
  row.status = order_status::executing;
  row.version = 1;
  row.parked = true;
  start_order(row);
  run_with_timers();
  std::vector<std::string> expected = {
    "checkout: finished po_11 EXECUTING parked"};
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, processing_intent_goes_pending_and_is_polled_until_final) {
  w->psp_answers.push_back(test::answer(charge_kind::processing));
  w->psp_answers.push_back(test::answer(charge_kind::processing));
  start_order(test::fresh_row("po_6", "fay", 100));
  run_with_timers();
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: query pi_test"), 2);
  EXPECT_EQ(
    std::count(w->log.begin(), w->log.end(), "store: EXECUTING->PENDING"), 1);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(),
                       "store: PENDING->SUCCESS booked 2 postings"),
            1);
  EXPECT_EQ(w->rows["po_6"].status, order_status::success);
}

TEST_F(flow, long_pending_order_leaves_memory_and_resumes_its_backoff) {
  deps.passivate_after = std::chrono::milliseconds{1'000};
  for (int i = 0; i < 3; ++i)
    w->psp_answers.push_back(test::answer(charge_kind::processing));
  start_order(test::fresh_row("po_15", "ola", 100));
  run_with_timers();
  // Polled after 500 ms; the next poll (1 s) is far enough to wait for it
  // in the database: persisted, the checkout told, the actor gone.
  std::vector<std::string> tail = {"store: passivate in 1000 ms",
                                   "checkout: finished po_15 PENDING"};
  ASSERT_GE(w->log.size(), 2u);
  EXPECT_EQ(std::vector<std::string>(w->log.end() - 2, w->log.end()), tail);
  EXPECT_EQ(w->rows["po_15"].pending_polls, 2);
  // Woken (the row as stored): it asks at once and goes on with the same
  // backoff, not from the start.
  w->log.clear();
  start_order(w->rows["po_15"]);
  run_with_timers();
  std::vector<std::string> woken = {"psp: query pi_test",
                                    "store: passivate in 2000 ms",
                                    "checkout: finished po_15 PENDING"};
  EXPECT_EQ(w->log, woken);
}

TEST_F(flow, pending_poll_failures_never_spend_the_retry_budget) {
  w->psp_answers.push_back(test::answer(charge_kind::processing));
  for (int i = 0; i < 6; ++i)  // more than the budget of 3
    w->psp_answers.push_back(test::answer(charge_kind::transient));
  start_order(test::fresh_row("po_6b", "fay", 100));
  run_with_timers(20);
  EXPECT_EQ(w->rows["po_6b"].status, order_status::success);
  EXPECT_TRUE(w->dead_lettered.empty());
}

TEST_F(flow, hosted_order_registers_once_and_waits_pending_for_the_buyer) {
  auto registered = test::answer(charge_kind::processing);
  registered.session_id = "cs_1";
  registered.redirect_url = "http://psp/pay/cs_1";
  registered.psp_reference.clear();
  w->psp_answers.push_back(registered);
  w->psp_answers.push_back(test::answer(charge_kind::processing));
  w->psp_answers.push_back(test::answer(charge_kind::declined));
  start_order(test::fresh_row("po_h", "hil", 500), "https://shop/back");
  run_with_timers();
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: register po_h"), 1);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(),
                       "checkout: pending po_h http://psp/pay/cs_1"),
            1);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "psp: query session cs_1"),
            2);
  EXPECT_EQ(w->rows["po_h"].status, order_status::failed);
  EXPECT_EQ(w->rows["po_h"].psp_session_id, "cs_1");
}

TEST_F(flow, webhook_poke_makes_a_pending_order_ask_at_once) {
  w->psp_answers.push_back(test::answer(charge_kind::processing));
  auto order = start_order(test::fresh_row("po_w", "wes", 100));
  sched.run();  // now PENDING, its poll timer set
  ASSERT_EQ(w->rows["po_w"].status, order_status::pending);
  caf::anon_send(order, poll_now_atom::value);
  sched.run();  // no timer fired: the poke alone asked the PSP
  EXPECT_EQ(w->rows["po_w"].status, order_status::success);
}

TEST_F(flow, recovered_success_order_only_finishes_its_bookkeeping) {
  auto row = test::fresh_row("po_7", "gus", 700);
  row.status = order_status::success;
  row.version = 2;
  row.wallet_updated = true;
  start_order(row);
  run_with_timers();
  std::vector<std::string> expected = {
    "ledger: payin po_7",
    "checkout: finished po_7 SUCCESS",
  };
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, recovered_executing_order_asks_the_psp_before_anything_else) {
  auto row = test::fresh_row("po_8", "hal", 800);
  row.status = order_status::executing;
  row.version = 1;
  row.attempts = 1;
  start_order(row);
  run_with_timers();
  ASSERT_FALSE(w->log.empty());
  EXPECT_EQ(w->log.front(), "psp: charge po_8");
  EXPECT_EQ(w->rows["po_8"].attempts, 1);
}

TEST_F(flow, recovered_executing_order_remembers_it_may_have_been_charged) {
  auto row = test::fresh_row("po_12", "lee", 800);
  row.status = order_status::executing;
  row.version = 1;
  // The PSP is busy after the restart: the recorded attempt must carry the
  // possibility that the dead actor's call went through.
  w->psp_answers.push_back(
    test::answer(charge_kind::transient, "psp_http_429"));
  start_order(row);
  run_with_timers();
  EXPECT_TRUE(w->rows["po_12"].maybe_charged);
  EXPECT_EQ(w->rows["po_12"].status, order_status::success);
}

TEST_F(flow, order_stored_executing_by_the_accept_charges_at_once) {
  // The accept stored it EXECUTING (risk allowed at insert): no move of its
  // own before the PSP call, and no "maybe charged" from the row alone.
  auto row = test::fresh_row("po_14", "nia", 100);
  row.status = order_status::executing;
  row.version = 1;
  row.attempts = 1;
  w->psp_answers.push_back(
    test::answer(charge_kind::transient, "psp_http_429"));
  start_order(row, {}, true);
  run_with_timers();
  ASSERT_FALSE(w->log.empty());
  EXPECT_EQ(w->log.front(), "psp: charge po_14");
  EXPECT_FALSE(w->rows["po_14"].maybe_charged);
  EXPECT_EQ(w->rows["po_14"].status, order_status::success);
}

TEST_F(flow, fresh_order_refused_before_any_call_is_not_maybe_charged) {
  w->psp_answers.push_back(
    test::answer(charge_kind::transient, "psp_http_429"));
  start_order(test::fresh_row("po_13", "max", 100));
  run_with_timers();
  EXPECT_FALSE(w->rows["po_13"].maybe_charged);
}

TEST_F(flow, stale_row_is_resynced_not_overwritten) {
  auto row = test::fresh_row("po_9", "ida", 900);
  start_order(row);
  // The database moved on behind the actor's back (another node finished it).
  w->rows["po_9"].status = order_status::failed;
  w->rows["po_9"].version = 5;
  run_with_timers();
  std::vector<std::string> expected = {
    "store: stale NOT_STARTED->EXECUTING",
    "checkout: finished po_9 FAILED",
  };
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, checkout_marks_done_only_when_every_order_succeeded) {
  checkout_view answered;
  start_checkout_awaited("chk_all", {"po_a", "po_b"}, answered);
  run_with_timers();
  EXPECT_TRUE(w->checkout_marked_done);
  EXPECT_TRUE(answered.is_payment_done);
  ASSERT_EQ(answered.orders.size(), 2u);
  for (const auto& o : answered.orders)
    EXPECT_EQ(o.status, order_status::success);
}

TEST_F(flow, checkout_marked_done_by_the_last_move_does_not_mark_itself) {
  w->moves_mark_done = true;
  checkout_view answered;
  start_checkout_awaited("chk_by_move", {"po_f", "po_g"}, answered);
  run_with_timers();
  EXPECT_FALSE(w->checkout_marked_done);  // no separate mark_checkout_done
  EXPECT_TRUE(answered.is_payment_done);
  EXPECT_EQ(std::count(w->log.begin(), w->log.end(), "store: checkout done"),
            0);
}

TEST_F(flow, checkout_with_a_declined_order_is_not_marked_done) {
  w->psp_answers.push_back(
    test::answer(charge_kind::declined, "card_declined"));
  checkout_view view;
  view.id.value = "chk_mixed";
  for (auto id : {"po_c", "po_d"}) {
    auto row = test::fresh_row(id, "seller", 100);
    w->rows[id] = row;
    view.orders.push_back(row);
  }
  spawn_checkout(sys, deps, checkout_args{view, "pm_card_visa", "c"});
  run_with_timers();
  EXPECT_FALSE(w->checkout_marked_done);
  int failed = 0;
  for (const auto& [id, row] : w->rows)
    failed += row.status == order_status::failed ? 1 : 0;
  EXPECT_EQ(failed, 1);
}

TEST_F(flow, waiter_gets_the_current_view_when_its_time_is_up) {
  w->psp_answers.push_back(test::answer(charge_kind::transient));
  checkout_view view;
  view.id.value = "chk_slow";
  auto row = test::fresh_row("po_e", "seller", 100);
  w->rows["po_e"] = row;
  view.orders.push_back(row);
  auto co = spawn_checkout(sys, deps, checkout_args{view, "pm_card_visa", "c"});
  bool answered = false;
  order_status seen = order_status::not_started;
  sys.spawn(
    [&](caf::event_based_actor* self, await_outcome wait) {
      self->request(co, caf::infinite, wait).then([&](const checkout_view& v) {
        answered = true;
        seen = v.orders.at(0).status;
      });
    },
    await_outcome{1});
  sched.run();
  // Both the waiter's timer and the order's backoff are pending; fire one
  // round: the waiter answers with the order still executing or done.
  sched.trigger_timeouts();
  sched.run();
  EXPECT_TRUE(answered);
  EXPECT_NE(seen, order_status::not_started);
}

}  // namespace

namespace {

using pay::domain::charge_outcome;

charge_outcome authorized_with(const std::string& risk_level,
                               const std::string& cvc = "pass") {
  auto out = test::answer(charge_kind::authorized);
  out.checks.cvc_check = cvc;
  out.checks.risk_level = risk_level;
  out.checks.risk_score = risk_level == "normal" ? 20 : 90;
  out.amount_capturable_minor = 700;
  return out;
}

TEST_F(flow,
       authorized_charge_of_an_immediate_checkout_is_captured_then_booked) {
  w->psp_answers.push_back(authorized_with("normal"));
  start_order(test::fresh_row("po_cap", "cara", 700));
  run_with_timers();
  // Authorize, decide, capture, then one write: nothing persisted between.
  std::vector<std::string> expected = {
    "store: NOT_STARTED->EXECUTING",
    "psp: charge po_cap",
    "psp: capture po_cap 700",
    "store: EXECUTING->SUCCESS booked 2 postings",
    "checkout: finished po_cap SUCCESS",
  };
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, without_rules_that_can_hold_a_card_is_captured_in_one_call) {
  deps.card_rules = {};
  start_order(test::fresh_row("po_once", "otto", 900));
  run_with_timers();
  std::vector<std::string> expected = {
    "store: NOT_STARTED->EXECUTING",
    "psp: charge po_once",
    "store: EXECUTING->SUCCESS booked 2 postings",
    "checkout: finished po_once SUCCESS",
  };
  EXPECT_EQ(w->log, expected);
  EXPECT_EQ(w->charges_authorize_only, std::vector<bool>{false});
}

TEST_F(flow, rules_that_can_hold_a_card_authorize_before_any_capture) {
  w->psp_answers.push_back(authorized_with("normal"));
  start_order(test::fresh_row("po_auth", "ada", 900));
  run_with_timers();
  EXPECT_EQ(w->charges_authorize_only, std::vector<bool>{true});
  EXPECT_EQ(
    std::count(w->log.begin(), w->log.end(), "psp: capture po_auth 900"), 1);
  EXPECT_EQ(w->rows["po_auth"].status, order_status::success);
}

TEST_F(flow, highest_risk_is_voided_and_never_captured) {
  w->psp_answers.push_back(authorized_with("highest"));
  w->psp_answers.push_back(test::answer(charge_kind::voided, "canceled"));
  start_order(test::fresh_row("po_void", "vic", 700));
  run_with_timers();
  std::vector<std::string> expected = {
    "store: NOT_STARTED->EXECUTING",     "psp: charge po_void",
    "psp: void po_void fraudulent",      "store: EXECUTING->VOIDED",
    "checkout: finished po_void VOIDED",
  };
  EXPECT_EQ(w->log, expected);
  EXPECT_EQ(w->rows["po_void"].failure_code, "risk_voided");
  EXPECT_FALSE(w->rows["po_void"].wallet_updated);
}

TEST_F(flow, failed_cvc_check_holds_the_authorization_for_review) {
  w->psp_answers.push_back(authorized_with("normal", "fail"));
  start_order(test::fresh_row("po_rev", "rita", 700));
  run_with_timers();
  std::vector<std::string> expected = {
    "store: NOT_STARTED->EXECUTING",
    "psp: charge po_rev",
    "store: EXECUTING->REVIEW",
    "checkout: finished po_rev REVIEW",
  };
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, fulfilled_order_captures_what_was_asked_and_books_it) {
  auto row = test::fresh_row("po_ful", "finn", 400);
  row.status = order_status::capturing;
  row.authorized_minor = 700;
  row.psp_reference = "pi_test";
  row.version = 3;
  start_order(row);
  run_with_timers();
  std::vector<std::string> expected = {
    "psp: capture po_ful 400",
    "store: CAPTURING->SUCCESS booked 2 postings",
    "checkout: finished po_ful SUCCESS",
  };
  EXPECT_EQ(w->log, expected);
}

TEST_F(flow, expired_authorization_is_voided_by_a_persisted_decision) {
  auto row = test::fresh_row("po_exp", "eve", 700);
  row.status = order_status::authorized;
  row.authorized_minor = 700;
  row.psp_reference = "pi_test";
  row.authorization_expired = true;
  row.version = 3;
  w->psp_answers.push_back(test::answer(charge_kind::voided, "canceled"));
  start_order(row);
  run_with_timers();
  std::vector<std::string> expected = {
    "psp: void po_exp ",
    "store: VOIDING->VOIDED",
    "checkout: finished po_exp VOIDED",
  };
  EXPECT_EQ(w->log, expected);
  EXPECT_EQ(w->rows["po_exp"].failure_code, "authorization_expired");
}

}  // namespace
