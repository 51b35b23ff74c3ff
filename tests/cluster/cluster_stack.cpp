#include "tests/cluster/cluster_stack.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <thread>

#include "domain/access/api_key.hpp"
#include "testkit/db.hpp"
#include "testkit/haproxy_config.hpp"

namespace pay::it {

namespace {

constexpr std::uint32_t listening_timeout_ms = 20'000;

std::string log_dir() {
  std::string dir = std::string{CLUSTER_LOG_DIR} + "/logs";
  ::mkdir(dir.c_str(), 0755);  // EEXIST is fine
  return dir;
}

cluster_stack* registered = nullptr;

const bool registration = [] {
  registered = new cluster_stack;
  ::testing::AddGlobalTestEnvironment(registered);
  return true;
}();

}  // namespace

cluster_stack& cluster() {
  (void)registration;
  return *registered;
}

void cluster_stack::SetUp() {
  const char* given = std::getenv("DATABASE_URL");
  ASSERT_TRUE(given && *given)
    << "DATABASE_URL is not set; run the cluster tests through scripts/test";
  ASSERT_EQ(::access(HAPROXY_BIN, X_OK), 0)
    << HAPROXY_BIN << " is missing; scripts/test installs haproxy";
  admin_url_ = given;
  const char* base = std::getenv("PAY_CLUSTER_TEST_PORT_BASE");
  port_base_ = static_cast<std::uint16_t>(
    base && *base ? std::atoi(base) : CLUSTER_TEST_PORT_BASE);
  admin_key_ = domain::generate_api_key(domain::key_mode::test);
  database_name_ = "cluster_" + std::to_string(::getpid()) + "_"
                   + std::to_string(std::time(nullptr));
  auto made = create_database(admin_url_, database_name_);
  ASSERT_TRUE(made.error.empty()) << made.error;
  database_url_ = made.url;
  ASSERT_EQ(start_pspsim(), "");
  for (std::size_t i = 0; i < cluster_nodes; ++i) {
    nodes_.push_back(std::make_unique<child_process>());
    ASSERT_EQ(start_node(i), "") << logs_tail();
  }
  ASSERT_EQ(start_haproxy(), "");
  for (std::size_t i = 0; i < cluster_nodes; ++i)
    ASSERT_TRUE(wait_ready(i, listening_timeout_ms)) << logs_tail();
  // HAProxy marks a node up after two passed checks.
  auto through = public_client();
  for (int i = 0; i < 100; ++i) {
    auto ready = through->get("/readyz");
    if (ready.ok && ready.res.result_int() == 200u) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  FAIL() << "HAProxy never answered /readyz";
}

void cluster_stack::TearDown() {
  haproxy_.stop();
  for (auto& n : nodes_)
    if (n->running()) n->stop();
  pspsim_.stop();
  if (!database_name_.empty()) drop_database(admin_url_, database_name_);
}

std::string cluster_stack::start_pspsim() {
  process_options options;
  options.binary = PSPSIM_BIN;
  // Orders stay in flight long enough to be caught by a kill or a pause.
  options.args = {"--port",
                  "0",
                  "--webhook-url",
                  "http://127.0.0.1:" + std::to_string(public_port())
                    + "/v1/webhooks/psp",
                  "--processing-ms",
                  "4000",
                  "--review-ms",
                  "600000"};
  options.log_path = log_dir() + "/pspsim.log";
  if (auto err = pspsim_.start(options); !err.empty()) return err;
  pspsim_port_ = pspsim_.wait_for_port("pspsim listening on http://",
                                       listening_timeout_ms);
  return pspsim_port_ ? "" : "pspsim printed no listening line";
}

std::string cluster_stack::start_node(std::size_t i) {
  process_options options;
  options.binary = PAYMENTD_BIN;
  options.args = {"--config", PAYMENTD_CONFIG};
  options.env = {
    {"DATABASE_URL", database_url_},
    {"PAYMENTD_HTTP_PORT", std::to_string(node_port(i))},
    {"PAYMENTD_NODE_ID", node_id(i)},
    {"PAYMENTD_CLUSTER_LEASE_MS", std::to_string(cluster_lease_ms)},
    {"PAYMENTD_CLUSTER_RENEW_MS", "400"},
    {"PAYMENTD_CLUSTER_TAKEOVER_INTERVAL_MS", "250"},
    {"PSP_BASE_URL", "http://127.0.0.1:" + std::to_string(pspsim_port_)},
    {"PSP_API_KEY", "sk_test_pspsim"},
    {"PAYMENTD_LOG_LEVEL", "info"},
    {"PAYMENTD_BOOTSTRAP_ADMIN_KEY", admin_key_},
    {"PAYMENTD_RATE_CREATE_PER_S", "0"},
    {"PAYMENTD_RATE_READ_PER_S", "0"},
    {"PAYMENTD_RATE_ADMIN_PER_S", "0"},
    {"PAYMENTD_RATE_OPEN_PER_S", "0"},
    {"PAYMENTD_RATE_AUTH_FAILURES_PER_S", "0"},
    {"PAYMENTD_PSP_REQUEST_TIMEOUT_MS", "2000"},
    {"PAYMENTD_PAYOUTS_INTERVAL_S", "0"},
    {"PAYMENTD_RECONCILE_DAILY_AT", "off"},
  };
  // Appended, not truncated, across restarts: one log per node.
  options.log_path = log_dir() + "/" + node_id(i) + ".log";
  if (auto err = nodes_[i]->start(options); !err.empty()) return err;
  return nodes_[i]->wait_for_port("paymentd listening on http://",
                                  listening_timeout_ms)
           ? ""
           : "paymentd " + node_id(i) + " printed no listening line";
}

std::string cluster_stack::restart_node(std::size_t i) { return start_node(i); }

bool cluster_stack::wait_ready(std::size_t i, std::uint32_t timeout_ms) {
  auto client = node_client(i);
  auto deadline = std::chrono::steady_clock::now()
                  + std::chrono::milliseconds{timeout_ms};
  while (std::chrono::steady_clock::now() < deadline) {
    auto ready = client->get("/readyz");
    if (ready.ok && ready.res.result_int() == 200u) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  return false;
}

std::string cluster_stack::start_haproxy() {
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < cluster_nodes; ++i) ports.push_back(node_port(i));
  auto cfg_path = log_dir() + "/haproxy.cfg";
  std::ofstream{cfg_path} << paymentd_haproxy_config(public_port(), ports);
  process_options options;
  options.binary = HAPROXY_BIN;
  options.args = {"-db", "-f", cfg_path};
  options.log_path = log_dir() + "/haproxy.log";
  return haproxy_.start(options);
}

namespace {

std::unique_ptr<http::sync_client> client_with_key(std::uint16_t port,
                                                   const std::string& key) {
  auto client = std::make_unique<http::sync_client>("127.0.0.1", port, 40'000);
  client->set_default_headers({{"Authorization", "Bearer " + key}});
  return client;
}

}  // namespace

std::unique_ptr<http::sync_client> cluster_stack::node_client(
  std::size_t i) const {
  return client_with_key(node_port(i), admin_key_);
}

std::unique_ptr<http::sync_client> cluster_stack::public_client() const {
  return client_with_key(public_port(), admin_key_);
}

std::unique_ptr<http::sync_client> cluster_stack::sim_client() const {
  return std::make_unique<http::sync_client>("127.0.0.1", pspsim_port_);
}

std::string cluster_stack::logs_tail() const {
  std::string out;
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    out += "--- " + node_id(i) + "\n" + nodes_[i]->log_since(0, 4'000);
  return out;
}

}  // namespace pay::it
