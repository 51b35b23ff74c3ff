// loadgen: drives a running paymentd (and, behind it, pspsim) with many
// concurrent checkouts, reports throughput and latency, then checks the
// money invariants. Wiring only: options, the run, the check, the report.
// See docs/performance.md.
#include <cstdlib>
#include <iostream>
#include <string>

#include "http/sync_client.hpp"
#include "testkit/invariants.hpp"
#include "tools/loadgen/driver.hpp"
#include "tools/loadgen/options.hpp"
#include "tools/loadgen/run_stats.hpp"

namespace {

using namespace pay::loadgen;

constexpr int exit_ok = 0;
constexpr int exit_violations = 1;
constexpr int exit_usage = 2;
constexpr std::uint32_t health_timeout_ms = 5'000;

bool paymentd_answers(const pay::http::base_url& url) {
  pay::http::sync_client client{url.host, url.port, health_timeout_ms};
  auto r = client.get("/healthz");
  return r.ok && r.res.result_int() == 200;
}

// One read before the run: a refused key would otherwise show up only as a
// table full of 401s. A checkout nobody made answers 404 to a good key.
bool paymentd_takes_key(const pay::http::base_url& url,
                        const std::string& key) {
  pay::http::sync_client client{url.host, url.port, health_timeout_ms};
  client.set_default_headers({{"Authorization", "Bearer " + key}});
  auto r = client.get("/v1/checkouts/lg_key_check");
  const auto status = r.ok ? r.res.result_int() : 0u;
  return status != 401 && status != 403;
}

void check_invariants(const loadgen_options& o, run_description& d) {
  if (o.no_wait) {
    d.invariants_note = "--no-wait leaves orders in flight";
    return;
  }
  if (!o.invariants) {
    d.invariants_note = "--no-invariants";
    return;
  }
  if (o.database_url.empty()) {
    d.invariants_note = "no --database-url and no DATABASE_URL";
    return;
  }
  auto psp = pay::http::parse_base_url(o.psp_url);
  pay::http::sync_client sim{psp->host, psp->port};
  d.violations = pay::it::find_violations(o.database_url, sim,
                                          o.settle_timeout_s * 1000);
  d.invariants = d.violations.empty() ? invariant_state::ok
                                      : invariant_state::violated;
}

}  // namespace

int main(int argc, char** argv) {
  const char* db_env = std::getenv("DATABASE_URL");
  const char* key_env = std::getenv("LOADGEN_API_KEY");
  auto parsed = parse_options(argc, argv, db_env ? db_env : "",
                              key_env ? key_env : "");
  if (parsed.help) {
    std::cout << usage();
    return exit_ok;
  }
  if (!parsed.error.empty()) {
    std::cerr << "loadgen: " << parsed.error << "\n" << usage();
    return exit_usage;
  }
  const auto& o = parsed.options;
  const auto paymentd = pay::http::parse_base_url(o.url);
  if (!paymentd_answers(*paymentd)) {
    std::cerr << "loadgen: paymentd does not answer " << o.url << "/healthz\n";
    return exit_usage;
  }
  if (!paymentd_takes_key(*paymentd, o.api_key)) {
    std::cerr << "loadgen: paymentd refuses the API key (401/403 on GET "
                 "/v1/checkouts/...)\n";
    return exit_usage;
  }
  std::cout << "loadgen: run " << o.run_id << " seed " << o.seed << " against "
            << o.url << std::endl;

  const auto stats = run_load(o, *paymentd);

  run_description d;
  d.run_id = o.run_id;
  d.concurrency = o.rate_per_s > 0 ? 0 : o.concurrency;
  d.rate_per_s = o.rate_per_s;
  d.orders_per_checkout = o.orders_per_checkout;
  d.no_wait = o.no_wait;
  check_invariants(o, d);

  std::cout << render_table(stats, d) << render_json_line(stats, d)
            << std::endl;
  return d.invariants == invariant_state::violated ? exit_violations : exit_ok;
}
