#pragma once
// The money invariants (testkit/invariants.hpp) as GoogleTest failures: run
// after every integration test, so a test that leaves the system in a state
// breaking one of them fails, whatever it asserted.

#include <cstdint>
#include <string>

#include "http/sync_client.hpp"
#include "testkit/invariants.hpp"

namespace pay::it {

void expect_invariants(const std::string& database_url, http::sync_client& sim,
                       std::uint32_t settle_timeout_ms = 10'000);

}  // namespace pay::it
