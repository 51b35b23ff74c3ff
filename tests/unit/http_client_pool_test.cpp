#include "http/client_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using std::chrono::milliseconds;

// Generous: these bound how long a broken test hangs, not how fast a passing
// one runs, so a loaded 2-core box does not make the suite flaky.
constexpr milliseconds wait_max{5'000};

// What the in-test server does with each request it reads.
enum class server_mode : std::uint8_t {
  respond = 0,              // answer with `status`, keep the connection
  respond_then_close = 1,   // answer "keep-alive", then close anyway
  never_answer = 2,         // read the request, keep the socket, stay silent
  read_then_close = 3,      // read the request, close without answering
  hold_until_released = 4,  // like never_answer until release_held()
};

// A raw single-threaded Beast server on 127.0.0.1:0 whose faults the tests
// control exactly, with counters the tests read from their own thread.
class test_server {
 public:
  explicit test_server(server_mode mode,
                       bhttp::status status = bhttp::status::ok)
      : mode_(mode), status_(status), acceptor_(ioc_) {
    const tcp::endpoint local(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(local.protocol());
    acceptor_.bind(local);
    acceptor_.listen();
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~test_server() {
    ioc_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::size_t connections_accepted() const { return accepted_; }
  std::size_t connections_closed() const { return closed_; }
  std::size_t connections_open_max() const { return open_max_; }
  std::size_t requests_read() const { return requests_read_; }

  // Answers every held request and every later one.
  void release_held() {
    net::post(ioc_, [this] {
      released_ = true;
      for (auto& s : held_) s->respond();
      held_.clear();
    });
  }

 private:
  struct session : std::enable_shared_from_this<session> {
    session(test_server& server, tcp::socket socket)
        : server_(server), socket_(std::move(socket)) {}
    ~session() {
      --server_.open_;
      ++server_.closed_;
    }
    void read() {
      req_ = {};
      bhttp::async_read(socket_, buffer_, req_,
                        [self = shared_from_this()](beast::error_code ec,
                                                    std::size_t) {
                          if (!ec) self->on_request();
                        });
    }
    void on_request() {
      ++server_.requests_read_;
      switch (server_.mode_) {
        case server_mode::respond:
        case server_mode::respond_then_close:
          return respond();
        case server_mode::read_then_close:
          return close();
        case server_mode::never_answer:
          return server_.held_.push_back(shared_from_this());
        case server_mode::hold_until_released:
          if (server_.released_) return respond();
          return server_.held_.push_back(shared_from_this());
      }
    }
    void respond() {
      auto res = std::make_shared<response>(server_.status_, 11);
      res->keep_alive(true);
      res->body() = "ok";
      res->prepare_payload();
      bhttp::async_write(
        socket_, *res,
        [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
          if (ec) return;
          if (self->server_.mode_ == server_mode::respond_then_close) {
            return self->close();
          }
          self->read();
        });
    }
    void close() {
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
    }
    test_server& server_;
    tcp::socket socket_;
    beast::flat_buffer buffer_;
    request req_;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      ++accepted_;
      open_max_ = std::max<std::size_t>(open_max_, ++open_);
      std::make_shared<session>(*this, std::move(socket))->read();
      accept();
    });
  }

  const server_mode mode_;
  const bhttp::status status_;
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> closed_{0};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::size_t> open_max_{0};
  std::atomic<std::size_t> requests_read_{0};
  // Declared after the counters: destroying it destroys sessions, which
  // update them.
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<session>> held_;  // server thread only
  bool released_ = false;                       // server thread only
  std::thread thread_;
};

// Collects callback results from pool threads.
class collector {
 public:
  std::function<void(send_result)> callback() {
    return [this](send_result r) {
      std::lock_guard<std::mutex> lock(mutex_);
      results_.push_back(std::move(r));
      changed_.notify_all();
    };
  }
  // Waits until at least `count` results arrived; returns them all.
  std::vector<send_result> wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, wait_max, [&] { return results_.size() >= count; });
    return results_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<send_result> results_;
};

request make_post(std::string target = "/v1/charges") {
  request req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
  req.body() = "amount=1000&currency=usd";
  return req;
}

// Polls `condition` until it holds or wait_max passes.
template <typename Condition>
bool eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + wait_max;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

send_result send_one(client_pool& pool) {
  collector results;
  pool.async_send(make_post(), results.callback());
  auto all = results.wait_for(1);
  if (all.size() != 1) {
    ADD_FAILURE() << "no callback within wait_max";
    return send_result{send_outcome::unknown_timeout, {}, "no callback", 0};
  }
  return std::move(all.front());
}

// ---- outcomes ------------------------------------------------------------

TEST(http_client_pool, success_and_server_error_are_both_responded) {
  test_server ok_server(server_mode::respond, bhttp::status::ok);
  test_server failing_server(server_mode::respond,
                             bhttp::status::internal_server_error);
  client_pool ok_pool("127.0.0.1", ok_server.port());
  client_pool failing_pool("127.0.0.1", failing_server.port());

  const send_result ok = send_one(ok_pool);
  const send_result failed = send_one(failing_pool);

  EXPECT_EQ(ok.outcome, send_outcome::responded) << ok.error;
  EXPECT_EQ(ok.res.result(), bhttp::status::ok);
  EXPECT_EQ(ok.res.body(), "ok");
  EXPECT_EQ(failed.outcome, send_outcome::responded) << failed.error;
  EXPECT_EQ(failed.res.result(), bhttp::status::internal_server_error);
}

TEST(http_client_pool, sequential_requests_reuse_one_keep_alive_connection) {
  test_server server(server_mode::respond);
  client_pool pool("127.0.0.1", server.port());

  for (int i = 0; i < 5; ++i) {
    const send_result r = send_one(pool);
    ASSERT_EQ(r.outcome, send_outcome::responded) << r.error;
  }

  EXPECT_EQ(server.requests_read(), 5u);
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(pool.snapshot().connections_open, 1u);
}

TEST(http_client_pool, refused_port_is_not_sent_connect_failed) {
  // Bound but not listening: the kernel refuses connections to it, and no
  // other process can take the port while we hold it.
  net::io_context ioc;
  tcp::socket closed_port(ioc);
  closed_port.open(tcp::v4());
  closed_port.bind({net::ip::make_address("127.0.0.1"), 0});
  client_pool pool("127.0.0.1", closed_port.local_endpoint().port());

  const send_result r = send_one(pool);

  EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(pool.snapshot().connections_open, 0u);
}

TEST(http_client_pool, connect_never_completing_is_not_sent_connect_failed) {
  // A listener with a full accept queue silently drops new SYNs, so the
  // connect hangs until our timeout.
  net::io_context ioc;
  tcp::acceptor full(ioc, tcp::v4());
  full.bind({net::ip::make_address("127.0.0.1"), 0});
  full.listen(0);
  std::vector<tcp::socket> fillers;
  for (int i = 0; i < 3; ++i) {
    // async_connect sends the SYN at once even though `ioc` never runs; a
    // blocking connect would itself hang once the queue is full.
    fillers.emplace_back(ioc).async_connect(full.local_endpoint(),
                                            [](beast::error_code) {});
  }
  std::this_thread::sleep_for(milliseconds(20));  // let the fillers land
  client_pool_limits limits;
  limits.connect_timeout_ms = 200;
  client_pool pool("127.0.0.1", full.local_endpoint().port(), limits);

  const send_result r = send_one(pool);

  EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
  EXPECT_NE(r.error.find("timeout"), std::string::npos) << r.error;
  EXPECT_GE(r.elapsed_ms, 200u);
}

TEST(http_client_pool, unanswered_request_is_unknown_timeout_after_deadline) {
  test_server server(server_mode::never_answer);
  client_pool_limits limits;
  limits.request_timeout_ms = 300;
  client_pool pool("127.0.0.1", server.port(), limits);

  const send_result r = send_one(pool);

  EXPECT_EQ(r.outcome, send_outcome::unknown_timeout) << r.error;
  EXPECT_GE(r.elapsed_ms, 300u);
  EXPECT_LT(r.elapsed_ms, 3'000u);
  EXPECT_EQ(server.requests_read(), 1u);  // it really was sent
}

TEST(http_client_pool, server_closing_after_read_is_unknown_connection_lost) {
  test_server server(server_mode::read_then_close);
  client_pool pool("127.0.0.1", server.port());

  const send_result r = send_one(pool);

  EXPECT_EQ(r.outcome, send_outcome::unknown_connection_lost) << r.error;
  EXPECT_EQ(server.requests_read(), 1u);
  // A request the server may have acted on is never sent twice.
  EXPECT_EQ(server.connections_accepted(), 1u);
}

// ---- keep-alive lifecycle ------------------------------------------------

TEST(http_client_pool, idle_connection_closed_by_server_is_replaced_not_used) {
  test_server server(server_mode::respond_then_close);
  client_pool pool("127.0.0.1", server.port());
  ASSERT_EQ(send_one(pool).outcome, send_outcome::responded);
  ASSERT_TRUE(eventually([&] { return server.connections_closed() == 1; }));
  // Give the FIN time to cross loopback; the pool still lists the connection
  // as idle, so without the pre-write check this request would be lost.
  std::this_thread::sleep_for(milliseconds(20));

  const send_result r = send_one(pool);

  EXPECT_EQ(r.outcome, send_outcome::responded) << r.error;
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(server.requests_read(), 2u);
}

TEST(http_client_pool, idle_connection_is_closed_after_idle_timeout) {
  test_server server(server_mode::respond);
  client_pool_limits limits;
  limits.idle_timeout_ms = 100;
  client_pool pool("127.0.0.1", server.port(), limits);
  ASSERT_EQ(send_one(pool).outcome, send_outcome::responded);
  EXPECT_EQ(pool.snapshot().connections_open, 1u);

  EXPECT_TRUE(eventually([&] { return server.connections_closed() == 1; }));
  EXPECT_EQ(pool.snapshot().connections_open, 0u);
  EXPECT_EQ(send_one(pool).outcome, send_outcome::responded);
}

// ---- limits --------------------------------------------------------------

TEST(http_client_pool, concurrent_requests_never_exceed_connections_max) {
  constexpr std::size_t requests = 200;
  test_server server(server_mode::respond);
  client_pool_limits limits;
  limits.connections_max = 8;
  limits.threads = 2;
  client_pool pool("127.0.0.1", server.port(), limits);
  collector results;

  for (std::size_t i = 0; i < requests; ++i) {
    pool.async_send(make_post(), results.callback());
  }
  std::size_t open_seen_max = 0;
  eventually([&] {
    open_seen_max = std::max(open_seen_max, pool.snapshot().connections_open);
    return pool.snapshot().in_flight == 0 && pool.snapshot().queued == 0;
  });
  const auto all = results.wait_for(requests);

  ASSERT_EQ(all.size(), requests);
  for (const send_result& r : all) {
    EXPECT_EQ(r.outcome, send_outcome::responded) << r.error;
  }
  EXPECT_EQ(server.requests_read(), requests);
  EXPECT_LE(server.connections_accepted(), 8u);
  EXPECT_LE(server.connections_open_max(), 8u);
  EXPECT_LE(open_seen_max, 8u);
}

TEST(http_client_pool, request_beyond_queue_max_is_rejected_without_trying) {
  test_server server(server_mode::hold_until_released);
  client_pool_limits limits;
  limits.connections_max = 1;
  limits.queue_max = 2;
  client_pool pool("127.0.0.1", server.port(), limits);
  collector results;

  for (int i = 0; i < 4; ++i) pool.async_send(make_post(), results.callback());
  const auto rejected = results.wait_for(1);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].outcome, send_outcome::not_sent_pool_saturated);
  const client_pool::stats at_limit = pool.snapshot();
  EXPECT_EQ(at_limit.in_flight, 1u);
  EXPECT_EQ(at_limit.queued, 2u);  // exactly queue_max waited

  server.release_held();
  const auto all = results.wait_for(4);

  ASSERT_EQ(all.size(), 4u);
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i].outcome, send_outcome::responded) << all[i].error;
  }
  EXPECT_EQ(server.requests_read(), 3u);
}

// ---- shutdown ------------------------------------------------------------

TEST(http_client_pool, destructor_calls_every_pending_callback_exactly_once) {
  constexpr std::size_t requests = 5;
  test_server server(server_mode::hold_until_released);
  std::vector<std::atomic<int>> calls(requests);
  std::vector<send_outcome> outcomes(requests);
  {
    client_pool_limits limits;
    limits.connections_max = 2;
    client_pool pool("127.0.0.1", server.port(), limits);
    for (std::size_t i = 0; i < requests; ++i) {
      pool.async_send(make_post(), [&, i](send_result r) {
        outcomes[i] = r.outcome;
        ++calls[i];
      });
    }
    ASSERT_TRUE(eventually([&] { return server.requests_read() == 2; }));
  }  // two requests written and unanswered, three queued

  for (std::size_t i = 0; i < requests; ++i) EXPECT_EQ(calls[i].load(), 1) << i;
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(),
                       send_outcome::unknown_connection_lost),
            2);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(),
                       send_outcome::not_sent_pool_saturated),
            3);
}

// ---- parse_base_url ------------------------------------------------------

TEST(http_parse_base_url, host_and_port_are_extracted) {
  const auto url = parse_base_url("http://pspsim:12111");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->host, "pspsim");
  EXPECT_EQ(url->port, 12111);

  const auto slash = parse_base_url("http://127.0.0.1:8080/");
  ASSERT_TRUE(slash.has_value());
  EXPECT_EQ(slash->host, "127.0.0.1");
  EXPECT_EQ(slash->port, 8080);

  const auto v6 = parse_base_url("http://[::1]:9000");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);

  const auto no_port = parse_base_url("http://example.com");
  ASSERT_TRUE(no_port.has_value());
  EXPECT_EQ(no_port->port, 80);
}

TEST(http_parse_base_url, malformed_urls_are_rejected) {
  for (const char* bad :
       {"", "http://", "https://", "httpss://host:443", "host:80", "http://:80",
        "https://host:443/v1", "https://user@host",
        "http://host:", "http://host:0", "http://host:65536", "http://host:8o",
        "http://host:80/v1", "http://user@host:80", "http://host:80:81",
        "http://[::1", "http://[::1]80", "ftp://host:21", "http://ho st:80"}) {
    EXPECT_FALSE(parse_base_url(bad).has_value()) << bad;
  }
  EXPECT_TRUE(parse_base_url("http://host:65535").has_value());
}

TEST(http_parse_base_url, https_is_accepted_with_port_443_by_default_and_told) {
  const auto explicit_port = parse_base_url("https://psp.example:8443/");
  ASSERT_TRUE(explicit_port.has_value());
  EXPECT_EQ(explicit_port->host, "psp.example");
  EXPECT_EQ(explicit_port->port, 8443);
  EXPECT_TRUE(explicit_port->is_https());

  const auto no_port = parse_base_url("https://psp.example");
  ASSERT_TRUE(no_port.has_value());
  EXPECT_EQ(no_port->port, 443);
  EXPECT_EQ(no_port->scheme, url_scheme::https);

  const auto v6 = parse_base_url("https://[::1]");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 443);

  const auto plain = parse_base_url("http://psp.example");
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->is_https());
}

TEST(http_parse_base_url, client_tls_follows_the_scheme) {
  const auto secure = client_tls_for(*parse_base_url("https://h"), "/ca.crt");
  EXPECT_TRUE(secure.enabled);
  EXPECT_EQ(secure.ca_file, "/ca.crt");
  EXPECT_FALSE(client_tls_for(*parse_base_url("http://h"), "/ca.crt").enabled);
}

}  // namespace
}  // namespace pay::http
