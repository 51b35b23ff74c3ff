// The GoogleTest fixtures the black-box suites derive from: each starts a
// real pspsim process, connects a client, and sends requests the way
// paymentd does. A suite only adds its pspsim options and its own helpers.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_harness.hpp"
#include "tests/pspsim/webhook_receiver.hpp"

namespace pay::pspsim::harness {

// What both fixtures below share: the client and the requests paymentd
// sends through it.
class pspsim_requests : public ::testing::Test {
 protected:
  // A form with the API key and, unless `key` is empty, that Idempotency-Key.
  http::sync_result post(const std::string& path,
                         const http::form_fields& fields,
                         const std::string& key = {}) {
    return post(path, fields, auth_headers(key));
  }
  // The same with headers the test chose (as_account(...), say).
  http::sync_result post(const std::string& path,
                         const http::form_fields& fields,
                         const header_list& headers) {
    return client_->post(path, http::form_encode(fields), form_type, headers);
  }
  http::sync_result get(const std::string& target,
                        const header_list& headers = auth_headers()) {
    return client_->get(target, headers);
  }
  // pspsim's simulated clock (Unix seconds), which tests may move forward.
  std::int64_t now() {
    return json_of(client_->get("/sim/clock")).at("now").as_int64();
  }

  std::unique_ptr<http::sync_client> client_;
};

// One pspsim for all the tests of a suite (a process start per test would
// add up), reset (POST /sim/reset) before each test so that no test sees
// another's objects. Suite names its command-line options in a public
// static pspsim_options(); the template parameter gives each suite a
// process (sim_) of its own:
//
//   class lists : public pspsim_suite<lists> {
//    public:
//     static std::vector<std::string> pspsim_options() {
//       return {"--processing-ms", "600000"};
//     }
//   };
template <class Suite>
class pspsim_suite : public pspsim_requests {
 public:
  static std::vector<std::string> pspsim_options() { return {}; }

 protected:
  static void SetUpTestSuite() {
    std::vector<std::string> args{"--port", "0"};  // any free port
    const auto options = Suite::pspsim_options();
    args.insert(args.end(), options.begin(), options.end());
    sim_ = std::make_unique<pspsim_process>(std::move(args));
  }
  static void TearDownTestSuite() { sim_.reset(); }
  void SetUp() override {
    ASSERT_NE(sim_->port(), 0)
      << "pspsim did not start: " << sim_->first_line();
    client_ = std::make_unique<http::sync_client>("127.0.0.1", sim_->port());
    ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
              200u);
  }

  static inline std::unique_ptr<pspsim_process> sim_;
};

// A pspsim and a webhook receiver of their own for every test: a late or
// retried delivery from one test can never reach the next one's receiver.
class pspsim_with_webhooks : public pspsim_requests {
 protected:
  // pspsim signs its webhooks with `secret` and retries a failed delivery
  // after 20 ms at first (a test waits seconds at most); `options` are the
  // suite's own.
  pspsim_with_webhooks(const std::string& secret,
                       const std::vector<std::string>& options)
      : receiver_(secret), sim_([&] {
          std::vector<std::string> args{"--port",
                                        "0",
                                        "--webhook-url",
                                        receiver_.url(),
                                        "--webhook-secret",
                                        secret,
                                        "--webhook-backoff-base-ms",
                                        "20"};
          args.insert(args.end(), options.begin(), options.end());
          return args;
        }()) {
    client_ = std::make_unique<http::sync_client>("127.0.0.1", sim_.port());
  }

  void SetUp() override { ASSERT_NE(sim_.port(), 0) << sim_.first_line(); }

  // The deliveries about object `id`, once there are `count` (or after 5 s).
  std::vector<received_webhook> hooks_of(const std::string& id,
                                         std::size_t count) {
    const auto about_id = [&](const received_webhook& w) {
      return w.object_id == id;
    };
    auto all = receiver_.wait_for(
      [&](const auto& got) {
        return static_cast<std::size_t>(
                 std::count_if(got.begin(), got.end(), about_id))
               >= count;
      },
      std::chrono::seconds(5));
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const auto& w) { return !about_id(w); }),
              all.end());
    return all;
  }

  webhook_receiver receiver_;
  pspsim_process sim_;
};

}  // namespace pay::pspsim::harness
