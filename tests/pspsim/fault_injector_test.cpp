// The seeded fault draw, without a process: reproducibility, draw order,
// route filtering, delays and counters.
#include "pspsim/fault_injector.hpp"

#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;

fault_config all_at(double probability, std::uint64_t seed) {
  fault_config c;
  c.seed = seed;
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    c.set_probability(kind, probability);
  }
  return c;
}

std::vector<fault_kind> draw_kinds(fault_injector& faults, int draws,
                                   fault_target target) {
  std::vector<fault_kind> kinds;
  for (int i = 0; i < draws; ++i) kinds.push_back(faults.draw(target).kind);
  return kinds;
}

TEST(fault_injector,
     same_seed_gives_the_same_sequence_and_another_seed_does_not) {
  fault_injector faults{all_at(0.1, 42)};
  const auto first = draw_kinds(faults, 300, fault_target::create_intent);
  faults.configure(all_at(0.1, 42));  // restarts the stream
  EXPECT_EQ(draw_kinds(faults, 300, fault_target::create_intent), first);
  fault_injector fresh{all_at(0.1, 42)};
  EXPECT_EQ(draw_kinds(fresh, 300, fault_target::create_intent), first);
  faults.configure(all_at(0.1, 43));
  EXPECT_NE(draw_kinds(faults, 300, fault_target::create_intent), first);
  // Not a constant sequence: both faults and clean requests occur.
  EXPECT_EQ(std::set<fault_kind>(first.begin(), first.end()).size(),
            fault_kind_count + 1);
}

TEST(fault_injector, probability_one_always_hits_and_zero_never_does) {
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    fault_config c;
    c.set_probability(kind, 1.0);
    fault_injector faults{c};
    for (const fault_kind drawn :
         draw_kinds(faults, 200, fault_target::create_intent)) {
      ASSERT_EQ(drawn, kind) << to_string(kind);
    }
  }
  fault_config latency_only;
  latency_only.latency_ms = 1;  // active, yet no fault can hit
  fault_injector faults{latency_only};
  for (const fault_kind drawn :
       draw_kinds(faults, 200, fault_target::create_intent)) {
    ASSERT_EQ(drawn, fault_kind::none);
  }
}

TEST(fault_injector, the_first_kind_in_draw_order_wins) {
  fault_config c = all_at(1.0, 1);
  fault_injector faults{c};
  EXPECT_EQ(faults.draw(fault_target::create_intent).kind,
            fault_kind::error_500);
  c.set_probability(fault_kind::error_500, 0.0);
  c.set_probability(fault_kind::error_429, 0.0);
  faults.configure(c);
  EXPECT_EQ(faults.draw(fault_target::create_intent).kind,
            fault_kind::reset_before_commit);
  c.set_probability(fault_kind::reset_before_commit, 0.0);
  faults.configure(c);
  EXPECT_EQ(faults.draw(fault_target::create_intent).kind,
            fault_kind::reset_after_commit);
}

TEST(fault_injector, reads_skip_the_kinds_that_need_a_commit) {
  fault_config c;
  c.set_probability(fault_kind::reset_after_commit, 1.0);
  c.set_probability(fault_kind::timeout_after_commit, 1.0);
  c.set_probability(fault_kind::duplicate_processing, 1.0);
  fault_injector faults{c};
  EXPECT_EQ(faults.draw(fault_target::read_intent).kind, fault_kind::none);
  c.set_probability(fault_kind::reset_before_commit, 1.0);
  faults.configure(c);
  EXPECT_EQ(faults.draw(fault_target::read_intent).kind,
            fault_kind::reset_before_commit);
}

TEST(fault_injector, every_request_takes_the_same_numbers_whatever_its_route) {
  // Reads cannot get reset_after_commit, yet they consume their share of
  // the stream: the creates keep the faults they get in an all-create run.
  fault_config c;
  c.seed = 9;
  c.set_probability(fault_kind::reset_after_commit, 0.5);
  c.latency_jitter_ms = 100;
  fault_injector all_creates{c};
  fault_injector mixed{c};
  int faulted_creates = 0;
  for (int i = 0; i < 200; ++i) {
    const fault_draw expected = all_creates.draw(fault_target::create_intent);
    const bool read = i % 2 == 0;
    const fault_draw got = mixed.draw(read ? fault_target::read_intent
                                           : fault_target::create_intent);
    EXPECT_EQ(got.delay, expected.delay) << i;
    if (read) {
      EXPECT_EQ(got.kind, fault_kind::none) << i;
    } else {
      EXPECT_EQ(got.kind, expected.kind) << i;
      if (got.kind != fault_kind::none) ++faulted_creates;
    }
  }
  EXPECT_GT(faulted_creates, 20);
}

TEST(fault_injector, frequencies_follow_the_probabilities_in_draw_order) {
  fault_injector faults{all_at(0.2, 2024)};
  constexpr int draws = 20'000;
  std::vector<int> counts(fault_kind_count + 1, 0);
  for (const fault_kind kind :
       draw_kinds(faults, draws, fault_target::create_intent)) {
    ++counts[static_cast<std::size_t>(kind)];
  }
  // Kind k (1-based in draw order) hits when the k-1 before it missed.
  double miss_before = 1.0;
  for (std::size_t k = 1; k <= fault_kind_count; ++k) {
    EXPECT_NEAR(counts[k] / double{draws}, 0.2 * miss_before, 0.015) << k;
    miss_before *= 0.8;
  }
  EXPECT_NEAR(counts[0] / double{draws}, miss_before, 0.015);
}

TEST(fault_injector,
     delay_is_latency_plus_bounded_jitter_plus_hold_on_timeouts) {
  fault_config c;
  c.seed = 5;
  c.latency_ms = 10;
  c.latency_jitter_ms = 5;
  c.hold_ms = 1'000;
  fault_injector faults{c};
  std::set<std::chrono::milliseconds> seen;
  for (int i = 0; i < 500; ++i) {
    const fault_draw d = faults.draw(fault_target::create_intent);
    ASSERT_EQ(d.kind, fault_kind::none);
    seen.insert(d.delay);
  }
  EXPECT_EQ(seen, (std::set<std::chrono::milliseconds>{10ms, 11ms, 12ms, 13ms,
                                                       14ms, 15ms}));
  c.set_probability(fault_kind::timeout_after_commit, 1.0);
  faults.configure(c);
  const fault_draw held = faults.draw(fault_target::create_intent);
  EXPECT_EQ(held.kind, fault_kind::timeout_after_commit);
  EXPECT_GE(held.delay, 1'010ms);
  EXPECT_LE(held.delay, 1'015ms);
}

TEST(fault_injector, disabled_draws_nothing_and_counters_survive_until_reset) {
  fault_injector faults{all_at(1.0, 3)};
  faults.note_injected(fault_kind::error_429);
  faults.note_injected(fault_kind::error_429);
  faults.note_injected(fault_kind::duplicate_processing);
  faults.disable();
  const fault_draw d = faults.draw(fault_target::create_intent);
  EXPECT_EQ(d.kind, fault_kind::none);
  EXPECT_EQ(d.delay, 0ms);
  EXPECT_FALSE(faults.config().active());
  EXPECT_EQ(faults.injected(), (fault_counts{0, 2, 0, 0, 0, 1}));
  faults.configure(all_at(0.5, 3));
  EXPECT_EQ(faults.injected(), (fault_counts{0, 2, 0, 0, 0, 1}));
  faults.reset();
  EXPECT_EQ(faults.injected(), (fault_counts{}));
  EXPECT_FALSE(faults.config().active());
}

}  // namespace
}  // namespace pay::pspsim
