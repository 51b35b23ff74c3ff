// The probes an orchestrator uses: liveness and readiness.
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

TEST_F(integration, readyz_is_ready_and_healthz_ok) {
  const auto health = api().get("/healthz");
  ASSERT_TRUE(health.ok) << health.error;
  EXPECT_EQ(health.res.result_int(), 200u);
  EXPECT_EQ(string_at(json_of(health), {"status"}), "ok");

  // Ready means the schema is migrated and the database answers.
  const auto ready = api().get("/readyz");
  ASSERT_TRUE(ready.ok) << ready.error;
  EXPECT_EQ(ready.res.result_int(), 200u) << ready.res.body();
  EXPECT_EQ(string_at(json_of(ready), {"status"}), "ready");
  EXPECT_FALSE(header_of(ready, "Request-Id").empty());
}

}  // namespace
}  // namespace pay::it
