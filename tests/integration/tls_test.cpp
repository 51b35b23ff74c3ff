// paymentd and pspsim over HTTPS, black box: a stack of their own (its own
// database, certificates from scripts/lib/tls.sh, paymentd on fixed ports so
// pspsim's https webhooks can name it), probed with the tools an operator
// would use (curl, openssl s_client) and with a checkout whose PSP calls and
// webhooks both cross TLS, each side verifying the other against the local
// CA.
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/sync_client.hpp"
#include "testkit/api.hpp"
#include "testkit/db.hpp"
#include "testkit/process.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Fixed, below the ephemeral range, used by no other test or script.
constexpr std::uint16_t https_port = 15494;
constexpr std::uint16_t plain_port = 15495;
constexpr std::uint32_t listening_timeout_ms = 15'000;

struct command_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` under sh with stdin from /dev/null.
command_result run(const std::string& command) {
  command_result out;
  FILE* pipe = ::popen((command + " </dev/null 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) {
    out.output.append(chunk, n);
  }
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string source_dir() {
  // PAYMENTD_CONFIG is <source>/config/paymentd.conf.
  return std::filesystem::path(PAYMENTD_CONFIG).parent_path().parent_path();
}

std::string log_dir() {
  const std::string dir = std::string{INTEGRATION_LOG_DIR} + "/logs";
  std::filesystem::create_directories(dir);
  return dir;
}

// sk_test_ and 43 base62 characters: the form of a paymentd API key.
std::string random_api_key() {
  static constexpr char base62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device seed;
  std::mt19937_64 rng{seed()};
  std::string key = "sk_test_";
  for (int i = 0; i < 43; ++i) key += base62[rng() % 62];
  return key;
}

class tls_stack : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new world;
    world_->error = world_->start();
  }
  static void TearDownTestSuite() {
    world_->stop();
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(world_->error, "") << "the TLS stack did not start";
  }
  void TearDown() override {
    if (HasFailure()) world_->print_logs();
  }

  static std::string ca() { return world_->pki + "/ca.crt"; }
  static std::string api_key() { return world_->api_key; }
  static std::uint16_t pspsim_port() { return world_->pspsim_port; }
  static std::string paymentd_https_url() {
    return "https://localhost:" + std::to_string(https_port);
  }
  static http::client_tls trust() { return http::client_tls{true, ca()}; }

 private:
  struct world {
    std::string error;
    std::string admin_url;
    std::string database_name;
    std::string database_url;
    std::string temp_dir;
    std::string pki;
    std::string api_key = random_api_key();
    child_process pspsim;
    child_process paymentd;
    std::uint16_t pspsim_port = 0;

    std::string start() {
      const char* admin = std::getenv("DATABASE_URL");
      if (admin == nullptr || *admin == '\0') return "DATABASE_URL is not set";
      admin_url = admin;
      char dir_template[] = "/tmp/pay_it_tls_XXXXXX";
      if (::mkdtemp(dir_template) == nullptr) return "mkdtemp failed";
      temp_dir = dir_template;
      pki = temp_dir + "/pki";
      // The script the lead's scripts/run --tls uses, so it is tested too.
      const auto made = run("bash -c 'source " + source_dir() +
                            "/scripts/lib/common.sh && source " +
                            source_dir() + "/scripts/lib/tls.sh && "
                            "pay_tls_ensure " + pki + "'");
      if (made.exit_code != 0) return "pay_tls_ensure failed: " + made.output;

      database_name = "it_tls_" + std::to_string(::getpid()) + "_"
                      + std::to_string(std::time(nullptr));
      auto db = create_database(admin_url, database_name);
      if (!db.error.empty()) {
        database_name.clear();
        return db.error;
      }
      database_url = db.url;
      if (auto e = start_pspsim(); !e.empty()) return e;
      return start_paymentd();
    }

    std::string start_pspsim() {
      process_options options;
      options.binary = PSPSIM_BIN;
      options.args = {"--port",
                      "0",
                      "--tls-cert",
                      pki + "/server.crt",
                      "--tls-key",
                      pki + "/server.key",
                      "--webhook-url",
                      "https://localhost:" + std::to_string(https_port)
                        + "/v1/webhooks/psp",
                      "--webhook-ca-file",
                      pki + "/ca.crt"};
      options.log_path = log_dir() + "/tls_pspsim.log";
      if (auto e = pspsim.start(options); !e.empty()) return "pspsim: " + e;
      pspsim_port = pspsim.wait_for_port("pspsim listening on https://",
                                         listening_timeout_ms);
      return pspsim_port == 0
               ? "pspsim (TLS) did not start; log " + options.log_path
               : "";
    }

    std::string start_paymentd() {
      process_options options;
      options.binary = PAYMENTD_BIN;
      options.args = {"--config", PAYMENTD_CONFIG};
      options.env = {
        {"DATABASE_URL", database_url},
        {"PAYMENTD_HTTP_PORT", std::to_string(https_port)},
        {"PAYMENTD_HTTP_PLAIN_PORT", std::to_string(plain_port)},
        {"PAYMENTD_HTTP_TLS_CERT", pki + "/server.crt"},
        {"PAYMENTD_HTTP_TLS_KEY", pki + "/server.key"},
        // localhost, so the name checked in pspsim's certificate is one.
        {"PSP_BASE_URL", "https://localhost:" + std::to_string(pspsim_port)},
        {"PSP_CA_FILE", pki + "/ca.crt"},
        {"PSP_API_KEY", "sk_test_pspsim"},
        {"PAYMENTD_BOOTSTRAP_ADMIN_KEY", api_key},
        {"PAYMENTD_LOG_LEVEL", "info"},
        {"PAYMENTD_PAYOUTS_INTERVAL_S", "0"},
        {"PAYMENTD_RECONCILE_DAILY_AT", "off"},
      };
      options.log_path = log_dir() + "/tls_paymentd.log";
      if (auto e = paymentd.start(options); !e.empty()) return "paymentd: " + e;
      const auto port = paymentd.wait_for_port("paymentd listening on https://",
                                               listening_timeout_ms);
      return port == https_port
               ? ""
               : "paymentd (TLS) did not start; log " + options.log_path;
    }

    void stop() {
      if (paymentd.running()) {
        EXPECT_EQ(paymentd.stop(), 0) << "paymentd did not exit cleanly";
      }
      if (pspsim.running()) {
        EXPECT_EQ(pspsim.stop(), 0) << "pspsim did not exit cleanly";
      }
      if (!database_name.empty()) drop_database(admin_url, database_name);
      if (!temp_dir.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(temp_dir, ignored);
      }
    }

    void print_logs() const {
      for (const auto* p : {&pspsim, &paymentd}) {
        if (p->log_path().empty()) continue;
        std::cerr << "----- " << p->log_path() << " -----\n"
                  << p->log_since(0) << "----- end -----\n";
      }
    }
  };
  static world* world_;
};

tls_stack::world* tls_stack::world_ = nullptr;

TEST_F(tls_stack, curl_trusting_the_local_ca_gets_healthz_over_https) {
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    const auto r = run("curl -sS --max-time 5 --cacert " + ca()
                       + " -o /dev/null -w '%{http_code}' https://" + host + ":"
                       + std::to_string(https_port) + "/healthz");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "200") << host;
  }
}

TEST_F(tls_stack, curl_without_the_ca_refuses_the_certificate) {
  const auto r = run("curl -sS --max-time 5 -o /dev/null "
                     + paymentd_https_url() + "/healthz");
  EXPECT_EQ(r.exit_code, 60) << r.output;  // peer certificate not verified
}

TEST_F(tls_stack, plain_http_to_the_https_port_fails) {
  const auto r = run(
    "curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "
    "http://127.0.0.1:"
    + std::to_string(https_port) + "/healthz");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("200"), std::string::npos) << r.output;
}

TEST_F(tls_stack, the_plain_listener_answers_plain_http) {
  const auto r = run(
    "curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "
    "http://127.0.0.1:"
    + std::to_string(plain_port) + "/healthz");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "200");
}

// s_client's own OpenSSL 3 would not even offer TLS 1.1 or AES128-SHA at
// its default security level; level 0 makes it offer them, so what refuses
// them below is paymentd.
TEST_F(tls_stack, tls_1_1_is_refused_and_tls_1_2_accepted) {
  const std::string connect = "openssl s_client -connect 127.0.0.1:"
                              + std::to_string(https_port)
                              + " -servername localhost -CAfile " + ca()
                              + " -verify_return_error ";
  const auto old = run(connect + "-tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'");
  EXPECT_NE(old.exit_code, 0) << old.output;
  EXPECT_NE(old.output.find("alert protocol version"), std::string::npos)
    << old.output;

  const auto current = run(connect + "-tls1_2");
  EXPECT_EQ(current.exit_code, 0) << current.output;
  EXPECT_NE(current.output.find("TLSv1.2"), std::string::npos)
    << current.output;
  EXPECT_NE(current.output.find("Verify return code: 0 (ok)"),
            std::string::npos)
    << current.output;
}

TEST_F(tls_stack, a_weak_cipher_is_refused) {
  const auto r = run("openssl s_client -connect 127.0.0.1:"
                     + std::to_string(https_port)
                     + " -tls1_2 -cipher 'AES128-SHA:@SECLEVEL=0'");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("alert handshake failure"), std::string::npos)
    << r.output;
}

TEST_F(tls_stack, a_checkout_completes_with_psp_calls_and_webhooks_over_tls) {
  http::sync_client api("localhost", https_port, 15'000, trust());
  const std::string suffix = random_hex(12);
  checkout_spec spec;
  spec.checkout_id = "chk_tls_" + suffix;
  spec.orders = {{"po_tls_" + suffix, "seller_tls", "12.34", "USD"}};
  const auto created = post_payment(api, checkout_body(spec),
                                    {{"Authorization", "Bearer " + api_key()},
                                     {"Prefer", "wait=10"}});
  ASSERT_TRUE(created.ok) << created.error;
  ASSERT_EQ(created.res.result_int(), 201u) << created.res.body();
  const auto checkout = json::parse(created.res.body()).as_object();
  EXPECT_EQ(checkout.at("status"), "succeeded") << created.res.body();

  // pspsim charged once under the order's key, and its webhook about it
  // reached paymentd over TLS and was accepted.
  http::sync_client sim("localhost", pspsim_port(), 5'000, trust());
  const auto keys = sim.get("/sim/idempotency_keys");
  ASSERT_TRUE(keys.ok) << keys.error;
  EXPECT_NE(keys.res.body().find(spec.orders[0].payment_order_id),
            std::string::npos);
  bool delivered = false;
  for (const auto deadline = std::chrono::steady_clock::now() + 10s;
       !delivered && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(50ms)) {
    const auto events = sim.get("/sim/webhooks");
    ASSERT_TRUE(events.ok) << events.error;
    const json::value listing = json::parse(events.res.body());
    for (const auto& e : listing.at("data").as_array()) {
      const auto& event = e.as_object();
      if (event.at("body").as_string().find(spec.checkout_id)
          == json::string::npos) {
        continue;
      }
      delivered = event.at("delivered").as_bool()
                  && event.at("last_status") == 200;
    }
  }
  EXPECT_TRUE(delivered) << "no webhook about " << spec.checkout_id
                         << " was delivered with 200 over TLS";
}

}  // namespace
}  // namespace pay::it
