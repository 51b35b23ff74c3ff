#include "tools/chaos/client.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <boost/json.hpp>

#include "testkit/api.hpp"

namespace pay::chaos {

namespace {

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

bool is_in_use_conflict(unsigned status, const std::string& code) {
  // Stripe answers a request whose key is still being processed with 409
  // idempotency_key_in_use; a client sends it again later.
  return status == 409
         && (code.find("in_use") != std::string::npos
             || code.find("in_progress") != std::string::npos);
}

}  // namespace

following_client::following_client(
  const std::atomic<std::uint16_t>& paymentd_port,
  const std::atomic<bool>& abort, client_settings settings,
  client_counters& counters, std::uint64_t jitter_seed)
    : paymentd_port_(paymentd_port),
      abort_(abort),
      settings_(settings),
      counters_(counters),
      jitter_(jitter_seed) {}

http::sync_client* following_client::client() {
  const auto port = paymentd_port_.load();
  if (port == 0) return nullptr;
  if (port != connected_port_ || !client_) {
    client_ = std::make_unique<http::sync_client>("127.0.0.1", port,
                                                  settings_.request_timeout_ms);
    if (!settings_.api_key.empty())
      client_->set_default_headers(
        {{"Authorization", "Bearer " + settings_.api_key}});
    connected_port_ = port;
  }
  return client_.get();
}

void following_client::back_off(std::uint32_t resend) {
  const auto ceiling = std::min<std::uint64_t>(
    settings_.backoff_ms_max,
    std::uint64_t{settings_.backoff_ms_min} << std::min(resend, 16u));
  const auto delay_ms = settings_.backoff_ms_min
                        + jitter_() % (ceiling + 1 - settings_.backoff_ms_min);
  std::this_thread::sleep_for(std::chrono::milliseconds{delay_ms});
}

final_answer following_client::post_until_final(const post_request& request) {
  const auto deadline = clock_type::now()
                        + std::chrono::milliseconds{settings_.deadline_ms};
  it::header_list headers = request.headers;
  if (!request.idempotency_key.empty())
    headers.emplace_back("Idempotency-Key", request.idempotency_key);
  if (request.wait_s > 0)
    headers.emplace_back("Prefer", "wait=" + std::to_string(request.wait_s));
  final_answer out;
  for (std::uint32_t send = 0;; ++send) {
    if (send > 0) {
      if (clock_type::now() >= deadline || abort_) return out;
      ++counters_.resends;
      back_off(send);
    }
    auto* c = client();
    if (!c) {
      ++counters_.no_answer;
      out.last_problem = "paymentd down";
      continue;
    }
    ++counters_.requests;
    const auto r = c->post(request.path, request.body, "application/json",
                           headers);
    if (!r.ok) {
      ++counters_.no_answer;
      out.last_problem = r.error;
      client_.reset();  // the connection is in an unknown state
      continue;
    }
    const auto status = r.res.result_int();
    const auto v = it::json_of(r);
    const bool is_error = v.is_object() && v.as_object().contains("error");
    const auto code = is_error ? it::string_at(v, {"error", "code"}) : "";
    out.last_problem = std::to_string(status) + " " + code;
    if (status == 503) {
      ++counters_.answers_503;
      continue;
    }
    if (status == 500) {
      ++counters_.answers_500;
      continue;
    }
    // paymentd's own 502 (a failed reconciliation) is a JSON error and
    // final; HAProxy's is a page of HTML.
    if ((status == 502 || status == 504) && !is_error) {
      ++counters_.answers_proxy;
      continue;
    }
    if (is_in_use_conflict(status, code)) {
      ++counters_.answers_409_in_use;
      continue;
    }
    out.answered = true;
    out.status = status;
    out.body = r.res.body();
    out.error_code = code;
    out.error_type = is_error ? it::string_at(v, {"error", "type"}) : "";
    out.replayed = it::header_of(r, "Idempotent-Replayed") == "true";
    return out;
  }
}

}  // namespace pay::chaos
