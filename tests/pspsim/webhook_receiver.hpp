// A tiny in-process webhook endpoint for the tests: records every POST,
// verifies its Stripe-Signature with domain::verify_webhook, and answers
// with a status the test chooses (500 for the first `failures_first`).
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "domain/payin/webhook_signature.hpp"
#include "http/server.hpp"

namespace pay::pspsim::harness {

struct received_webhook {
  std::string body;
  std::string signature;
  domain::webhook_verify_result verified;
  std::string event_id;
  std::string type;
  std::string object_id;
  std::string object_status;  // data.object.status
};

class webhook_receiver {
 public:
  explicit webhook_receiver(std::string secret, int failures_first = 0,
                            std::uint16_t port = 0)
      : secret_(std::move(secret)),
        failures_left_(failures_first),
        server_("127.0.0.1", port,
                [this](http::request&& req, http::responder reply) {
                  reply(on_request(req));
                }) {
    start_error_ = server_.start();
  }

  const std::string& start_error() const { return start_error_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hooks/psp";
  }
  std::vector<received_webhook> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Polls until `done(received())` or the timeout; returns what it saw last.
  template <class Pred>
  std::vector<received_webhook> wait_for(
    Pred done, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto seen = received();
      if (done(seen) || std::chrono::steady_clock::now() > deadline)
        return seen;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  int requests() const { return requests_.load(); }

 private:
  http::response on_request(const http::request& req) {
    ++requests_;
    if (failures_left_.fetch_sub(1) > 0) {
      return http::make_json_response(req, 500, R"({"error":"down"})");
    }
    received_webhook r;
    r.body = req.body();
    r.signature = std::string(req["Stripe-Signature"]);
    const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch())
        .count();
    r.verified = domain::verify_webhook(r.signature, r.body, {secret_}, now_s);
    boost::system::error_code ec;
    const auto json = boost::json::parse(r.body, ec);
    if (!ec && json.is_object()) {
      const auto& event = json.as_object();
      r.event_id = std::string(event.at("id").as_string());
      r.type = std::string(event.at("type").as_string());
      const auto& object = event.at("data").at("object").as_object();
      r.object_id = std::string(object.at("id").as_string());
      if (const auto* status = object.if_contains("status")) {
        r.object_status = std::string(status->as_string());
      }
    }
    const bool ok = r.verified == domain::webhook_verify_result::ok;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(std::move(r));
    }
    return http::make_json_response(req, ok ? 200 : 400,
                                    R"({"received":true})");
  }

  std::string secret_;
  std::atomic<int> failures_left_;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<received_webhook> received_;
  std::string start_error_;
  http::server server_;  // last: stopped before the state it uses goes
};

}  // namespace pay::pspsim::harness
