#pragma once
// Money tests that need pspsim or paymentd started with settings of their
// own: each test gets a fresh world (stack().reset()) started so, and leaves
// the stack's own world behind for the tests after it.

#include <cstdlib>

#include <gtest/gtest.h>

#include "tests/integration/fixture.hpp"

namespace pay::it {

template <class Fixture>
class in_a_world_of_their_own : public Fixture {
 protected:
  using env_list = stack_environment::env_list;
  // PSPSIM_* variables pspsim starts with (it reads its options from the
  // environment, which the stack passes on).
  virtual env_list pspsim_env() const = 0;
  // PAYMENTD_* variables on top of the stack's own.
  virtual env_list paymentd_env() const = 0;

  void SetUp() override {
    for (const auto& [name, value] : pspsim_env())
      ::setenv(name.c_str(), value.c_str(), 1);
    auto reset = stack().reset();
    for (const auto& [name, value] : pspsim_env()) ::unsetenv(name.c_str());
    ASSERT_EQ(reset, "");
    ASSERT_EQ(stack().restart_paymentd_with(paymentd_env()), "");
    Fixture::SetUp();
  }

  void TearDown() override {
    Fixture::TearDown();
    EXPECT_EQ(stack().reset(), "") << "the stack's own world did not start";
  }
};

}  // namespace pay::it
