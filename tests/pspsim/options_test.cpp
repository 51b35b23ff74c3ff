// pspsim's configuration: command line over environment over defaults.
#include "pspsim/options.hpp"
#include "pspsim/webhook_endpoint.hpp"
#include "pspsim/webhook_url.hpp"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pay::pspsim {
namespace {

options_result parse_args(std::vector<const char*> args,
                          std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "pspsim");
  return parse_options(static_cast<int>(args.size()), args.data(),
                       [&env](const char* name) -> const char* {
                         const auto it = env.find(name);
                         return it == env.end() ? nullptr : it->second.c_str();
                       });
}

TEST(pspsim_options, defaults_apply_without_arguments_or_environment) {
  const auto r = parse_args({});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.address, "127.0.0.1");
  EXPECT_EQ(r.opts.port, 8090);
  EXPECT_EQ(r.opts.api_key, "sk_test_pspsim");
  EXPECT_EQ(r.opts.latency_ms, 0u);
  EXPECT_EQ(r.opts.processing_ms, 1000u);
  EXPECT_EQ(r.opts.threads, 2u);
  EXPECT_EQ(r.opts.intents_max, intents_max_default);
}

TEST(pspsim_options, command_line_beats_environment_beats_defaults) {
  const auto r = parse_args({"--port", "9000", "--latency-ms=15"},
                            {{"PSPSIM_PORT", "7000"},
                             {"PSPSIM_API_KEY", "sk_env"},
                             {"PSPSIM_LATENCY_MS", "5"}});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.port, 9000);
  EXPECT_EQ(r.opts.api_key, "sk_env");
  EXPECT_EQ(r.opts.latency_ms, 15u);
}

TEST(pspsim_options, invalid_values_are_errors) {
  EXPECT_FALSE(parse_args({"--port", "65536"}).error.empty());
  EXPECT_FALSE(parse_args({"--port", "-1"}).error.empty());
  EXPECT_FALSE(parse_args({"--threads", "0"}).error.empty());
  EXPECT_FALSE(parse_args({"--latency-ms", "1e3"}).error.empty());
  EXPECT_FALSE(parse_args({"--port"}).error.empty());
  EXPECT_FALSE(parse_args({"--nonsense", "1"}).error.empty());
  EXPECT_FALSE(parse_args({"stray"}).error.empty());
  EXPECT_FALSE(
    parse_args({}, {{"PSPSIM_PROCESSING_MS", "soon"}}).error.empty());
  EXPECT_TRUE(parse_args({"--port", "0"}).error.empty());
}

TEST(pspsim_options, lifetimes_and_refund_delay_have_stripes_defaults) {
  const auto r = parse_args({});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.idempotency_key_ttl_s, 86'400);
  EXPECT_EQ(r.opts.session_expiry_s, 86'400);
  EXPECT_EQ(r.opts.refund_pending_ms, 0u);
}

TEST(pspsim_options, lifetimes_and_refund_delay_are_configurable_and_checked) {
  const auto r = parse_args({"--idempotency-key-ttl-s", "60",
                             "--refund-pending-ms=250"},
                            {{"PSPSIM_SESSION_EXPIRY_S", "1800"}});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.idempotency_key_ttl_s, 60);
  EXPECT_EQ(r.opts.session_expiry_s, 1800);
  EXPECT_EQ(r.opts.refund_pending_ms, 250u);
  EXPECT_FALSE(parse_args({"--idempotency-key-ttl-s", "0"}).error.empty());
  EXPECT_FALSE(parse_args({"--session-expiry-s", "31536001"}).error.empty());
  EXPECT_FALSE(parse_args({"--refund-pending-ms", "3600001"}).error.empty());
}

TEST(pspsim_options, capture_window_and_action_expiry_have_stripes_defaults) {
  const auto r = parse_args({});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.capture_window_s, 604'800);  // 7 days
  EXPECT_EQ(r.opts.action_expiry_s, 86'400);
  EXPECT_EQ(r.opts.merchant_name, "Marketplace");
}

TEST(pspsim_options,
     capture_window_action_expiry_and_merchant_are_set_and_checked) {
  const auto r = parse_args(
    {"--capture-window-s", "60", "--merchant-name", "Ann's Shop"},
    {{"PSPSIM_ACTION_EXPIRY_S", "30"}, {"PSPSIM_CAPTURE_WINDOW_S", "90"}});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.capture_window_s, 60);
  EXPECT_EQ(r.opts.action_expiry_s, 30);
  EXPECT_EQ(r.opts.merchant_name, "Ann's Shop");
  EXPECT_FALSE(parse_args({"--capture-window-s", "0"}).error.empty());
  EXPECT_FALSE(parse_args({"--action-expiry-s", "31536001"}).error.empty());
  EXPECT_FALSE(parse_args({"--merchant-name="}).error.empty());
  EXPECT_FALSE(parse_args({"--merchant-name", std::string(101, 'x').c_str()})
                 .error.empty());
}

TEST(pspsim_options, faults_are_off_unless_configured) {
  EXPECT_FALSE(parse_args({}).opts.faults.active());
}

TEST(pspsim_options, faults_come_from_the_command_line_over_the_environment) {
  const auto from_env = parse_args({}, {{"PSPSIM_FAULTS",
                                         R"({"seed":9,"error_500":0.5})"}});
  ASSERT_TRUE(from_env.error.empty()) << from_env.error;
  EXPECT_EQ(from_env.opts.faults.seed, 9u);
  EXPECT_EQ(from_env.opts.faults.probability(fault_kind::error_500), 0.5);
  const auto both = parse_args({"--faults", R"({"error_429":1})"},
                               {{"PSPSIM_FAULTS", R"({"error_500":0.5})"}});
  ASSERT_TRUE(both.error.empty()) << both.error;
  EXPECT_EQ(both.opts.faults.probability(fault_kind::error_429), 1.0);
  EXPECT_EQ(both.opts.faults.probability(fault_kind::error_500), 0.0);
}

TEST(pspsim_options, an_invalid_fault_config_is_an_error_naming_the_field) {
  const auto r = parse_args({"--faults", R"({"hold_ms":"long"})"});
  EXPECT_NE(r.error.find("hold_ms"), std::string::npos) << r.error;
  const auto env = parse_args({}, {{"PSPSIM_FAULTS", "on"}});
  EXPECT_EQ(env.error.rfind("PSPSIM_FAULTS: ", 0), 0u) << env.error;
}

TEST(pspsim_options, help_is_recognised) {
  EXPECT_TRUE(parse_args({"--help"}).help);
}

TEST(pspsim_options, pending_and_webhook_settings_have_their_defaults) {
  const auto r = parse_args({});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.three_ds_ms, 2000u);
  EXPECT_TRUE(r.opts.three_ds_succeeds);
  EXPECT_EQ(r.opts.review_ms, 3000u);
  EXPECT_EQ(r.opts.webhook_url, "");
  EXPECT_EQ(r.opts.webhook_secret, "whsec_pspsim");
  EXPECT_EQ(r.opts.webhook_backoff_base_ms, 500u);
  EXPECT_EQ(r.opts.webhook_backoff_max_ms, 30000u);
  EXPECT_EQ(r.opts.webhook_concurrency, 8u);
}

TEST(pspsim_options,
     pending_and_webhook_settings_come_from_environment_and_flags) {
  const auto r = parse_args(
    {"--three-ds-outcome", "fail", "--webhook-concurrency=2"},
    {{"PSPSIM_THREE_DS_MS", "10"},
     {"PSPSIM_THREE_DS_OUTCOME", "succeed"},
     {"PSPSIM_REVIEW_MS", "20"},
     {"PSPSIM_WEBHOOK_URL", "http://127.0.0.1:8080/v1/webhooks/psp"},
     {"PSPSIM_WEBHOOK_SECRET", "whsec_env"},
     {"PSPSIM_WEBHOOK_BACKOFF_BASE_MS", "5"},
     {"PSPSIM_WEBHOOK_BACKOFF_MAX_MS", "50"}});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.three_ds_ms, 10u);
  EXPECT_FALSE(r.opts.three_ds_succeeds);
  EXPECT_EQ(r.opts.review_ms, 20u);
  EXPECT_EQ(r.opts.webhook_url, "http://127.0.0.1:8080/v1/webhooks/psp");
  EXPECT_EQ(r.opts.webhook_secret, "whsec_env");
  EXPECT_EQ(r.opts.webhook_backoff_base_ms, 5u);
  EXPECT_EQ(r.opts.webhook_backoff_max_ms, 50u);
  EXPECT_EQ(r.opts.webhook_concurrency, 2u);
}

TEST(pspsim_options, bad_pending_and_webhook_values_are_refused) {
  for (const std::vector<const char*>& args :
       {std::vector<const char*>{"--three-ds-outcome", "maybe"},
        {"--three-ds-ms", "-1"},
        {"--review-ms", "3600001"},
        {"--webhook-url", "ftp://example.com/hook"},
        {"--webhook-url", "https://"},
        {"--webhook-url", "http://"},
        {"--webhook-secret", ""},
        {"--webhook-backoff-base-ms", "0"},
        {"--webhook-concurrency", "257"}}) {
    EXPECT_FALSE(parse_args(args).error.empty()) << args[0] << " " << args[1];
  }
  EXPECT_TRUE(parse_args({"--webhook-url", ""}).error.empty());
}

TEST(pspsim_options, webhook_url_splits_into_host_port_and_target) {
  const auto full = parse_webhook_url(
    "http://127.0.0.1:8080/v1/webhooks/psp?x=1");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->host, "127.0.0.1");
  EXPECT_EQ(full->port, 8080);
  EXPECT_EQ(full->target, "/v1/webhooks/psp?x=1");
  const auto bare = parse_webhook_url("http://example.com");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->target, "/");
  EXPECT_EQ(parse_webhook_url("http://[::1]:9/h")->host, "::1");
  EXPECT_FALSE(parse_webhook_url("http://h:0/x"));
  EXPECT_FALSE(parse_webhook_url("http://h/x#frag"));
  EXPECT_FALSE(parse_webhook_url("http://user@h/x"));
}

TEST(pspsim_options, tls_is_off_unless_a_certificate_and_key_are_given) {
  const auto r = parse_args({});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.tls_cert, "");
  EXPECT_EQ(r.opts.tls_key, "");
  EXPECT_EQ(r.opts.webhook_ca_file, "");
}

TEST(pspsim_options,
     tls_files_come_from_the_command_line_over_the_environment) {
  const auto r = parse_args({"--tls-cert", "/flag/server.crt"},
                            {{"PSPSIM_TLS_CERT", "/env/server.crt"},
                             {"PSPSIM_TLS_KEY", "/env/server.key"},
                             {"PSPSIM_WEBHOOK_CA_FILE", "/env/ca.crt"}});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.tls_cert, "/flag/server.crt");
  EXPECT_EQ(r.opts.tls_key, "/env/server.key");
  EXPECT_EQ(r.opts.webhook_ca_file, "/env/ca.crt");
  const auto flags = parse_args(
    {"--tls-key=/k", "--tls-cert=/c", "--webhook-ca-file", "/ca"});
  ASSERT_TRUE(flags.error.empty()) << flags.error;
  EXPECT_EQ(flags.opts.tls_cert, "/c");
  EXPECT_EQ(flags.opts.tls_key, "/k");
  EXPECT_EQ(flags.opts.webhook_ca_file, "/ca");
}

TEST(pspsim_options, a_tls_certificate_without_its_key_is_an_error) {
  const auto cert_only = parse_args({"--tls-cert", "/c"});
  EXPECT_NE(cert_only.error.find("--tls-key"), std::string::npos)
    << cert_only.error;
  EXPECT_FALSE(parse_args({}, {{"PSPSIM_TLS_KEY", "/k"}}).error.empty());
}

TEST(pspsim_options, an_https_webhook_url_is_accepted) {
  const auto r = parse_args({"--webhook-url",
                             "https://localhost:8443/v1/webhooks/psp",
                             "--webhook-ca-file", "/ca.crt"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.opts.webhook_url, "https://localhost:8443/v1/webhooks/psp");
  EXPECT_EQ(r.opts.webhook_ca_file, "/ca.crt");
}

TEST(pspsim_options, webhook_endpoint_tells_tls_and_its_default_port) {
  const auto secure = parse_webhook_endpoint(
    "https://localhost:8443/v1/hook?a=1");
  ASSERT_TRUE(secure);
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->url.host, "localhost");
  EXPECT_EQ(secure->url.port, 8443);
  EXPECT_EQ(secure->url.target, "/v1/hook?a=1");
  const auto bare = parse_webhook_endpoint("https://example.com");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->url.port, 443);
  EXPECT_EQ(bare->url.target, "/");
  const auto plain = parse_webhook_endpoint("http://example.com/h");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->url.port, 80);
  EXPECT_EQ(parse_webhook_endpoint("https://[::1]/h")->url.host, "::1");
  EXPECT_FALSE(parse_webhook_endpoint("https://h:0/x"));
  EXPECT_FALSE(parse_webhook_endpoint("https://user@h/x"));
  EXPECT_FALSE(parse_webhook_endpoint("https://h/x#frag"));
  EXPECT_FALSE(parse_webhook_endpoint("httpss://h/x"));
}

}  // namespace
}  // namespace pay::pspsim
