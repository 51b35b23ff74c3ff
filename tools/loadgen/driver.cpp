#include "tools/loadgen/driver.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/verb.hpp>

#include "domain/common/assert.hpp"
#include "tools/loadgen/checkout_outcome.hpp"
#include "tools/loadgen/checkout_plan.hpp"

namespace pay::loadgen {

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Between answers that say "not settled yet": short at first (most
// checkouts settle within milliseconds), growing so slow ones (processing
// cards, retries) do not turn loadgen into the load.
constexpr std::uint32_t recheck_delay_ms_first = 20;
constexpr std::uint32_t recheck_delay_ms_max = 1'000;
// paymentd caps Prefer: wait at api.wait_s_max (30 s by default).
constexpr std::uint32_t prefer_wait_s_max = 30;
// The open loop's clock tick: starts due within a tick go out together.
constexpr milliseconds pacing_tick{1};

struct flight {
  std::uint64_t index = 0;
  planned_checkout plan;
  steady::time_point started_at;  // open loop: the scheduled time
  steady::time_point deadline;
  std::uint32_t recheck_delay_ms = recheck_delay_ms_first;
};
using flight_ptr = std::shared_ptr<flight>;

std::uint64_t micros_between(steady::time_point from, steady::time_point to) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from);
  return static_cast<std::uint64_t>(std::max<std::int64_t>(us.count(), 0));
}

double seconds_between(steady::time_point from, steady::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

error_kind kind_of(const http::send_result& r) {
  switch (r.outcome) {
    case http::send_outcome::responded:
      return error_kind::http_status;
    case http::send_outcome::not_sent_connect_failed:
      return error_kind::connect;
    case http::send_outcome::not_sent_pool_saturated:
      return error_kind::saturated;
    case http::send_outcome::unknown_timeout:
      return error_kind::timeout;
    case http::send_outcome::unknown_connection_lost:
      return error_kind::connection_lost;
  }
  return error_kind::connection_lost;
}

http::client_pool_limits pool_limits(const loadgen_options& o) {
  http::client_pool_limits limits;
  limits.connections_max = o.connections;
  limits.queue_max = std::max<std::size_t>(o.in_flight_max, o.concurrency);
  limits.request_timeout_ms = o.request_timeout_ms;
  limits.threads = 1;
  return limits;
}

class load_run {
 public:
  load_run(const loadgen_options& options, const http::base_url& paymentd)
      : options_(options),
        authorization_("Bearer " + options.api_key),
        pool_(paymentd.host, paymentd.port, pool_limits(options)) {}

  run_stats run() {
    t0_ = steady::now();
    last_accept_ = last_completion_ = t0_;
    if (options_.duration_s > 0) {
      duration_timer_.expires_after(std::chrono::seconds{options_.duration_s});
      duration_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) stop_starting();
      });
    }
    if (options_.rate_per_s > 0)
      pace();
    else
      for (std::uint32_t i = 0; i < options_.concurrency && may_start(); ++i)
        start_checkout(steady::now());
    if (in_flight_ == 0 && stopping_) finish_run();
    ioc_.run();
    stats_.accept_window_s = seconds_between(t0_, last_accept_);
    stats_.completion_window_s = seconds_between(t0_, last_completion_);
    return stats_;
  }

 private:
  bool may_start() {
    if (stopping_) return false;
    if (options_.checkouts > 0 && next_index_ >= options_.checkouts) {
      stopping_ = true;
      return false;
    }
    return true;
  }

  void stop_starting() {
    stopping_ = true;
    pacing_timer_.cancel();
    if (in_flight_ == 0) finish_run();
  }

  void finish_run() {
    duration_timer_.cancel();
    pacing_timer_.cancel();
    work_.reset();
  }

  // Open loop: checkout i is due at t0 + i / rate, whether or not earlier
  // ones have answered; latency counts from that time, so a stalled server
  // shows up in the percentiles instead of quietly slowing the load.
  void pace() {
    const auto now = steady::now();
    const auto due = static_cast<std::uint64_t>(seconds_between(t0_, now)
                                                * options_.rate_per_s);
    while (next_index_ <= due && may_start()) {
      const auto scheduled = t0_
                             + std::chrono::duration_cast<steady::duration>(
                               std::chrono::duration<double>(
                                 static_cast<double>(next_index_)
                                 / options_.rate_per_s));
      if (in_flight_ >= options_.in_flight_max) {
        ++next_index_;
        ++stats_.checkouts_skipped;
        continue;
      }
      start_checkout(scheduled);
    }
    if (stopping_) {
      if (in_flight_ == 0) finish_run();
      return;
    }
    pacing_timer_.expires_after(pacing_tick);
    pacing_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) pace();
    });
  }

  void start_checkout(steady::time_point started_at) {
    auto f = std::make_shared<flight>();
    f->index = next_index_++;
    f->plan = plan_checkout(options_, f->index);
    f->started_at = started_at;
    f->deadline = started_at
                  + std::chrono::seconds{options_.completion_timeout_s};
    ++in_flight_;
    ++stats_.checkouts_started;
    send(create_request(*f, 0),
         [this, f](http::send_result r) { on_accepted(f, std::move(r)); });
  }

  http::request create_request(const flight& f, std::uint32_t wait_s) const {
    http::request req{bhttp::verb::post, "/v1/payments", 11};
    req.set(bhttp::field::authorization, authorization_);
    req.set(bhttp::field::content_type, "application/json");
    if (wait_s > 0) req.set("Prefer", "wait=" + std::to_string(wait_s));
    req.body() = f.plan.body;
    return req;
  }

  // The pool calls back on its own thread; all our state lives on ours.
  template <typename Handler>
  void send(http::request req, Handler handler) {
    pool_.async_send(std::move(req),
                     [this, handler](http::send_result r) mutable {
                       net::post(ioc_, [handler, r = std::move(r)]() mutable {
                         handler(std::move(r));
                       });
                     });
  }

  void count_error(const char* phase, const http::send_result& r,
                   error_kind kind) {
    auto status = r.outcome == http::send_outcome::responded
                    ? r.res.result_int()
                    : 0u;
    ++stats_.errors[std::string{phase} + " " + error_name(kind, status)];
  }

  void on_accepted(const flight_ptr& f, http::send_result r) {
    const auto now = steady::now();
    const bool ok = r.outcome == http::send_outcome::responded
                    && (r.res.result_int() == 201 || r.res.result_int() == 200);
    if (!ok) {
      count_error("accept", r, kind_of(r));
      end_flight();
      return;
    }
    ++stats_.checkouts_accepted;
    stats_.accept.record_us(micros_between(f->started_at, now));
    last_accept_ = std::max(last_accept_, now);
    if (options_.no_wait) {
      end_flight();
      return;
    }
    check_outcome(f);
  }

  void check_outcome(const flight_ptr& f) {
    auto handler = [this, f](http::send_result r) {
      on_outcome(f, std::move(r));
    };
    if (options_.completion == completion_mode::poll) {
      http::request req{bhttp::verb::get,
                        "/v1/checkouts/" + f->plan.checkout_id, 11};
      req.set(bhttp::field::authorization, authorization_);
      send(std::move(req), handler);
      return;
    }
    const auto left_s = std::chrono::duration_cast<std::chrono::seconds>(
      f->deadline - steady::now());
    const auto wait_s = static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(left_s.count(), 1, prefer_wait_s_max));
    send(create_request(*f, wait_s), handler);
  }

  void on_outcome(const flight_ptr& f, http::send_result r) {
    const auto now = steady::now();
    if (r.outcome != http::send_outcome::responded
        || r.res.result_int() != 200) {
      count_error("completion", r, kind_of(r));
      recheck_later(f);
      return;
    }
    const auto outcome = read_checkout_outcome(r.res.body());
    if (!outcome.parsed) {
      ++stats_.errors["completion " + error_name(error_kind::bad_body, 0)];
      recheck_later(f);
      return;
    }
    if (!outcome.settled) {
      recheck_later(f);
      return;
    }
    ++stats_.checkouts_completed;
    stats_.orders_completed += outcome.orders;
    stats_.orders_succeeded += outcome.orders_succeeded;
    stats_.orders_failed += outcome.orders_failed;
    stats_.completion.record_us(micros_between(f->started_at, now));
    last_completion_ = std::max(last_completion_, now);
    end_flight();
  }

  void recheck_later(const flight_ptr& f) {
    const auto delay = milliseconds{f->recheck_delay_ms};
    if (steady::now() + delay >= f->deadline) {
      ++stats_.errors["completion "
                      + error_name(error_kind::completion_timeout, 0)];
      end_flight();
      return;
    }
    f->recheck_delay_ms = std::min(recheck_delay_ms_max,
                                   f->recheck_delay_ms * 3 / 2);
    auto timer = std::make_shared<net::steady_timer>(ioc_, delay);
    timer->async_wait([this, f, timer](boost::system::error_code ec) {
      if (!ec) check_outcome(f);
    });
  }

  void end_flight() {
    PAY_ASSERT(in_flight_ > 0);
    --in_flight_;
    if (options_.rate_per_s == 0 && may_start()) {
      start_checkout(steady::now());
      return;
    }
    if (stopping_ && in_flight_ == 0) finish_run();
  }

  const loadgen_options& options_;
  const std::string authorization_;  // "Bearer <key>", built once
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_ =
    net::make_work_guard(ioc_);
  net::steady_timer duration_timer_{ioc_};
  net::steady_timer pacing_timer_{ioc_};
  // Declared after ioc_: destroyed first, so callbacks it runs while shutting
  // down still find the io_context to post to.
  http::client_pool pool_;
  steady::time_point t0_, last_accept_, last_completion_;
  std::uint64_t next_index_ = 0;
  std::uint64_t in_flight_ = 0;
  bool stopping_ = false;
  run_stats stats_;
};

}  // namespace

run_stats run_load(const loadgen_options& options,
                   const http::base_url& paymentd) {
  load_run run{options, paymentd};
  return run.run();
}

}  // namespace pay::loadgen
