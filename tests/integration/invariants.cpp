#include "tests/integration/invariants.hpp"

#include <gtest/gtest.h>

namespace pay::it {

void expect_invariants(const std::string& database_url, http::sync_client& sim,
                       std::uint32_t settle_timeout_ms) {
  for (const auto& violation :
       find_violations(database_url, sim, settle_timeout_ms))
    ADD_FAILURE() << violation;
}

}  // namespace pay::it
