// The fixture of every integration test: clients for paymentd and pspsim,
// ids unique to the test, and the invariants checked after it. When a test
// fails, what the services logged during it is printed.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "http/sync_client.hpp"
#include "testkit/api.hpp"
#include "tests/integration/environment.hpp"
#include "tests/integration/invariants.hpp"
#include "tests/integration/sim_checks.hpp"

namespace pay::it {

// The admin key's header. api() sends it with every call (the platform
// sees ids as the tests chose them); the tests of keys and tenancy make
// their own keys and clients.
inline header_list auth_of(const std::string& key) {
  return {{"Authorization", "Bearer " + key}};
}
inline const header_list admin_auth = auth_of(test_admin_key());

class integration : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack().ready()) << stack().setup_error();
    marks_ = stack().mark_logs();
    suffix_ = random_hex(12);
    reconnect_api();
    sim_ = std::make_unique<http::sync_client>("127.0.0.1",
                                               stack().pspsim_port());
  }

  void TearDown() override {
    if (!stack().ready()) return;
    expect_invariants(stack().database_url(), *sim_);
    if (HasFailure()) stack().print_logs_since(marks_);
  }

  // `base` made unique to this test run, e.g. "co" -> "co_3fa9c2...".
  std::string unique(const std::string& base) const {
    return base + "_" + suffix_;
  }

  // paymentd's status page of a checkout: the return_url the tests give,
  // where the buyer lands after 3-D Secure or the hosted page. `checkout_id`
  // as stored (a merchant's ids carry its account prefix).
  std::string status_page_url(const std::string& checkout_id) const {
    return "http://127.0.0.1:" + std::to_string(stack().paymentd_port())
           + "/pay/status/" + checkout_id;
  }

  // After a paymentd restart the old connection points at a dead port.
  void reconnect_api() {
    api_ = client_with_key(test_admin_key());
    anonymous_ = client_with_key("");
  }

  // A client of paymentd that sends `key` with every call ("": no key).
  std::unique_ptr<http::sync_client> client_with_key(
    const std::string& key, std::uint32_t timeout_ms = 10'000) const {
    auto client = std::make_unique<http::sync_client>("127.0.0.1",
                                                      stack().paymentd_port(),
                                                      timeout_ms);
    if (!key.empty()) client->set_default_headers(auth_of(key));
    return client;
  }

  // Charges pspsim made under the order's idempotency key.
  std::size_t charges_of(const std::string& order_id) {
    return sim_charges_for(sim_charges(*sim_), order_id).size();
  }

  // pspsim's fault injection (POST /sim/faults, docs/pspsim.md); "{}" off.
  void set_faults(const std::string& config) {
    auto r = sim_->post("/sim/faults", config, "application/json");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  }

  http::sync_client& api() { return *api_; }
  http::sync_client& anonymous() { return *anonymous_; }
  http::sync_client& sim() { return *sim_; }
  const std::string& database_url() const { return stack().database_url(); }

 private:
  stack_environment::log_marks marks_;
  std::string suffix_;
  std::unique_ptr<http::sync_client> api_;
  std::unique_ptr<http::sync_client> anonymous_;
  std::unique_ptr<http::sync_client> sim_;
};

}  // namespace pay::it
