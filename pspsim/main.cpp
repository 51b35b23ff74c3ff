// pspsim: a PSP simulator speaking a subset of Stripe's wire format. main
// only wires the parts together; see docs/pspsim.md.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <pthread.h>

#include "http/server.hpp"
#include "pspsim/delay_queue.hpp"
#include "pspsim/fault_injector.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/options.hpp"
#include "pspsim/router.hpp"

namespace {

constexpr int exit_usage_or_listen_failure = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace pay;
  const auto parsed = pspsim::parse_options(
      argc, argv, [](const char* name) { return std::getenv(name); });
  if (parsed.help) {
    std::cout << pspsim::usage();
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << "pspsim: " << parsed.error << "\n" << pspsim::usage();
    return exit_usage_or_listen_failure;
  }
  const pspsim::options& opts = parsed.opts;

  // Blocked before any thread starts, so every thread inherits the mask and
  // only the sigwait below ever sees these signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  pspsim::intent_store store{opts.intents_max,
                             std::chrono::milliseconds(opts.processing_ms)};
  pspsim::fault_injector faults{opts.faults};
  pspsim::delay_queue delays;
  const pspsim::router routes{store, faults, delays, opts.api_key,
                              std::chrono::milliseconds(opts.latency_ms)};
  http::server_limits limits;
  limits.threads = opts.threads;
  http::server server{opts.address, opts.port, routes, limits};
  if (const std::string error = server.start(); !error.empty()) {
    std::cerr << "pspsim: " << error << std::endl;
    return exit_usage_or_listen_failure;
  }
  const bool ipv6 = opts.address.find(':') != std::string::npos;
  std::cout << "pspsim listening on http://"
            << (ipv6 ? "[" + opts.address + "]" : opts.address) << ":"
            << server.port() << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.stop();
  return 0;
}
