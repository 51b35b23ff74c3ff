// HTTPS end to end on loopback: http::server with a certificate, and the
// clients (client_pool, sync_client) verifying it. The certificates are made
// at test time by the openssl CLI in a temporary directory: a test CA, a
// server certificate for localhost and 127.0.0.1 signed by it, one for a
// name we never connect to, and a second CA that signed none of them.
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "http/client_pool.hpp"
#include "http/server.hpp"
#include "http/sync_client.hpp"

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// ---- the test PKI --------------------------------------------------------

struct test_pki {
  std::string dir;
  std::string error;  // empty when every file was made

  std::string path(const std::string& name) const { return dir + "/" + name; }
};

bool run_quietly(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// RSA keys, so that a cipher with RSA key exchange (AES128-SHA) would be
// possible with this certificate and only the server's policy refuses it.
bool make_ca(const test_pki& pki, const std::string& name) {
  return run_quietly(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 -keyout " +
      pki.path(name + ".key") + " -out " + pki.path(name + ".crt") +
      " -subj '/CN=" + name + "' -addext basicConstraints=critical,CA:TRUE"
      " -addext keyUsage=critical,keyCertSign,cRLSign");
}

bool make_leaf(const test_pki& pki, const std::string& name,
               const std::string& ca, const std::string& subject_alt_names) {
  std::ofstream(pki.path(name + ".ext"))
    << "subjectAltName=" << subject_alt_names << "\n"
    << "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n";
  return run_quietly("openssl req -newkey rsa:2048 -nodes -keyout "
                     + pki.path(name + ".key") + " -out "
                     + pki.path(name + ".csr") + " -subj '/CN=" + name + "'")
         && run_quietly(
           "openssl x509 -req -days 2 -sha256 -in " + pki.path(name + ".csr")
           + " -CA " + pki.path(ca + ".crt") + " -CAkey "
           + pki.path(ca + ".key") + " -CAcreateserial -extfile "
           + pki.path(name + ".ext") + " -out " + pki.path(name + ".crt"));
}

test_pki make_pki() {
  test_pki pki;
  char dir_template[] = "/tmp/pay_tls_test_XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    pki.error = "mkdtemp failed";
    return pki;
  }
  pki.dir = dir_template;
  if (!make_ca(pki, "ca") || !make_ca(pki, "other_ca")
      || !make_leaf(pki, "server", "ca", "DNS:localhost,IP:127.0.0.1")
      || !make_leaf(pki, "elsewhere", "ca", "DNS:elsewhere.example")) {
    pki.error = "the openssl CLI could not make the test certificates in "
                + pki.dir;
  }
  return pki;
}

class http_tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new test_pki(make_pki()); }
  static void TearDownTestSuite() {
    std::error_code ignored;
    std::filesystem::remove_all(pki_->dir, ignored);
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(pki_->error, ""); }

  static const test_pki& pki() { return *pki_; }
  static server_tls server_files(const std::string& leaf = "server") {
    return server_tls{pki().path(leaf + ".crt"), pki().path(leaf + ".key")};
  }
  static client_tls trust(const std::string& ca = "ca") {
    return client_tls{true, pki().path(ca + ".crt")};
  }

  // A TLS server answering 200 {"ok":true} and counting what it served.
  std::unique_ptr<server> start_server(server_limits limits = {},
                                       const std::string& leaf = "server") {
    auto s = std::make_unique<server>(
      "127.0.0.1", 0,
      [this](request&& req, responder reply) {
        ++served_;
        reply(make_json_response(req, 200, R"({"ok":true})"));
      },
      limits, server_files(leaf));
    const std::string error = s->start();
    EXPECT_EQ(error, "");
    return s;
  }

  std::atomic<int> served_{0};

 private:
  static test_pki* pki_;
};

test_pki* http_tls::pki_ = nullptr;

// ---- a hand-made TLS client for protocol and cipher probes ---------------

struct probe_result {
  bool handshake_ok = false;
  std::string version;  // "TLSv1.2"
  std::string cipher;   // "ECDHE-RSA-AES128-GCM-SHA256"
};

// Offers exactly `version` and, for TLS 1.2 and older, `ciphers`. Security
// level 0, so that our own OpenSSL does offer what its defaults forbid: a
// refusal then comes from the server.
probe_result probe(std::uint16_t port, int version, const char* ciphers) {
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), version);
  if (ciphers != nullptr) SSL_CTX_set_cipher_list(ctx.native_handle(), ciphers);
  ctx.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket> stream(ioc, ctx);
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  probe_result out;
  out.handshake_ok = !ec;
  if (out.handshake_ok) {
    out.version = SSL_get_version(stream.native_handle());
    out.cipher = SSL_get_cipher_name(stream.native_handle());
  }
  return out;
}

send_result send_and_wait(client_pool& pool, request req) {
  std::mutex mutex;
  std::condition_variable done;
  std::optional<send_result> result;
  pool.async_send(std::move(req), [&](send_result r) {
    std::lock_guard lock(mutex);
    result = std::move(r);
    done.notify_all();
  });
  std::unique_lock lock(mutex);
  done.wait_for(lock, 10s, [&] { return result.has_value(); });
  if (!result)
    return send_result{send_outcome::unknown_timeout, {}, "no callback", 0};
  return std::move(*result);
}

// Polls `condition` for up to five seconds: a server counts a failed
// handshake just after the client has seen the connection close.
template <typename Condition>
bool eventually(Condition condition) {
  const auto deadline = steady::now() + 5s;
  while (!condition()) {
    if (steady::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

request get(std::string target) {
  return request{boost::beast::http::verb::get, target, 11};
}

// ---- the server ----------------------------------------------------------

TEST_F(http_tls, https_server_answers_a_client_verifying_it_against_the_ca) {
  auto s = start_server();
  EXPECT_TRUE(s->is_tls());
  for (const char* host : {"127.0.0.1", "localhost"}) {
    sync_client client(host, s->port(), 5'000, trust());
    const auto r = client.get("/healthz");
    ASSERT_TRUE(r.ok) << host << ": " << r.error;
    EXPECT_EQ(r.res.result_int(), 200u);
    EXPECT_EQ(r.res.body(), R"({"ok":true})");
    // Keep-alive over TLS: a second request on the same connection.
    EXPECT_EQ(client.get("/again").res.result_int(), 200u);
  }
  EXPECT_EQ(served_, 4);
}

TEST_F(http_tls, start_names_an_unreadable_or_unusable_certificate_or_key) {
  const auto start_with = [](server_tls files) {
    server s(
      "127.0.0.1", 0, [](request&&, responder) {}, {}, std::move(files));
    return s.start();
  };
  const std::string missing = pki().path("missing.crt");
  EXPECT_EQ(start_with({missing, pki().path("server.key")}),
            "cannot read TLS certificate chain " + missing
              + ": No such file or directory");
  const std::string missing_key = pki().path("missing.key");
  EXPECT_EQ(start_with({pki().path("server.crt"), missing_key}),
            "cannot read TLS private key " + missing_key
              + ": No such file or directory");
  const std::string not_pem = pki().path("server.ext");
  EXPECT_EQ(start_with({not_pem, pki().path("server.key")})
              .rfind("TLS certificate chain " + not_pem
                       + " is not a usable PEM certificate",
                     0),
            0u);
  EXPECT_NE(start_with({pki().path("server.crt"), pki().path("ca.key")})
              .find("does not match the certificate"),
            std::string::npos);
  EXPECT_NE(start_with({pki().path("server.crt"), ""}).find("both"),
            std::string::npos);
}

TEST_F(http_tls, plain_http_to_the_tls_port_gets_no_http_answer) {
  auto s = start_server();
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), s->port()});
  const std::string plain = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  net::write(socket, net::buffer(plain));
  std::string answer;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(answer), ec);  // until closed
  EXPECT_EQ(answer.find("HTTP/1.1"), std::string::npos);
  EXPECT_EQ(served_, 0);
  EXPECT_TRUE(eventually(
    [&] { return s->counters().tls_handshake_failures_total == 1; }));
}

TEST_F(http_tls, only_tls_1_2_and_1_3_with_ecdhe_aead_ciphers_are_accepted) {
  auto s = start_server();
  EXPECT_FALSE(probe(s->port(), TLS1_VERSION, "ALL").handshake_ok);
  EXPECT_FALSE(probe(s->port(), TLS1_1_VERSION, "ALL").handshake_ok);
  // Weak for TLS 1.2: CBC with SHA-1, RSA key exchange (no forward secrecy).
  for (const char* weak : {"AES128-SHA", "AES256-SHA256",
                           "ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256"}) {
    EXPECT_FALSE(probe(s->port(), TLS1_2_VERSION, weak).handshake_ok) << weak;
  }
  for (const char* strong :
       {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305"}) {
    const auto r = probe(s->port(), TLS1_2_VERSION, strong);
    EXPECT_TRUE(r.handshake_ok) << strong;
    EXPECT_EQ(r.cipher, strong);
  }
  const auto tls13 = probe(s->port(), TLS1_3_VERSION, nullptr);
  EXPECT_TRUE(tls13.handshake_ok);
  EXPECT_EQ(tls13.version, "TLSv1.3");
}

TEST_F(http_tls, the_server_cipher_order_wins_over_the_client_order) {
  auto s = start_server();
  const auto r = probe(
    s->port(), TLS1_2_VERSION,
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256");
  ASSERT_TRUE(r.handshake_ok);
  EXPECT_EQ(r.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
}

TEST_F(http_tls,
       a_client_that_never_handshakes_is_closed_after_the_header_timeout) {
  server_limits limits;
  limits.header_timeout_ms = 200;
  auto s = start_server(limits);
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), s->port()});
  const auto start = steady::now();
  std::string answer;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(answer), ec);  // until closed
  EXPECT_LT(steady::now() - start, 2s);
  EXPECT_TRUE(eventually(
    [&] { return s->counters().tls_handshake_failures_total == 1; }));
}

TEST_F(http_tls, a_plain_listener_of_a_tls_server_speaks_plain_http) {
  auto s = std::make_unique<server>(
    "127.0.0.1", 0,
    [](request&& req, responder reply) {
      reply(make_json_response(req, 200, "{}"));
    },
    server_limits{}, server_files());
  s->add_plain_listener(0);
  ASSERT_EQ(s->start(), "");
  ASSERT_NE(s->plain_port(), 0);
  ASSERT_NE(s->plain_port(), s->port());
  sync_client plain("127.0.0.1", s->plain_port());
  EXPECT_EQ(plain.get("/").res.result_int(), 200u);
  sync_client secure("127.0.0.1", s->port(), 5'000, trust());
  EXPECT_EQ(secure.get("/").res.result_int(), 200u);
  sync_client plain_to_tls("127.0.0.1", s->port(), 2'000);
  EXPECT_FALSE(plain_to_tls.get("/").ok);
}

TEST_F(http_tls, a_tls_connection_over_connections_max_gets_its_503_over_tls) {
  server_limits limits;
  limits.connections_max = 1;
  auto s = start_server(limits);
  sync_client first("127.0.0.1", s->port(), 5'000, trust());
  ASSERT_EQ(first.get("/").res.result_int(), 200u);  // and kept open
  sync_client second("127.0.0.1", s->port(), 5'000, trust());
  const auto r = second.get("/");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 503u);
  EXPECT_FALSE(r.res.keep_alive());
  EXPECT_EQ(s->counters().connections_refused_total, 1u);
}

// ---- the clients ---------------------------------------------------------

TEST_F(http_tls, client_pool_over_tls_is_responded_on_one_kept_connection) {
  auto s = start_server();
  client_pool pool("127.0.0.1", s->port(), {}, trust());
  for (int i = 0; i < 3; ++i) {
    const auto r = send_and_wait(pool, get("/v1/payment_intents/pi_1"));
    ASSERT_EQ(r.outcome, send_outcome::responded) << r.error;
    EXPECT_EQ(r.res.result_int(), 200u);
  }
  EXPECT_EQ(pool.snapshot().connections_open, 1u);
  // Not replaced between requests: nothing the TLS layer sends after the
  // handshake (session tickets) looks like a server closing it.
  EXPECT_EQ(s->counters().connections_accepted_total, 1u);
}

TEST_F(http_tls,
       client_pool_rejecting_the_certificate_is_not_sent_connect_failed) {
  auto s = start_server();
  client_pool untrusting("127.0.0.1", s->port(), {}, trust("other_ca"));
  const auto r = send_and_wait(untrusting, get("/charge"));
  EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
  EXPECT_NE(r.error.find("certificate"), std::string::npos) << r.error;
  EXPECT_EQ(served_, 0);
}

TEST_F(
  http_tls,
  client_pool_to_a_host_the_certificate_does_not_name_is_not_sent_connect_failed) {
  auto s = start_server({}, "elsewhere");
  client_pool pool("127.0.0.1", s->port(), {}, trust());
  const auto r = send_and_wait(pool, get("/charge"));
  EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
  EXPECT_NE(r.error.find("mismatch"), std::string::npos) << r.error;
  EXPECT_EQ(served_, 0);
}

TEST_F(http_tls,
       client_pool_speaking_tls_to_a_plain_server_is_not_sent_connect_failed) {
  std::atomic<int> served{0};
  server plain("127.0.0.1", 0, [&](request&& req, responder reply) {
    ++served;
    reply(make_json_response(req, 200, "{}"));
  });
  ASSERT_EQ(plain.start(), "");
  client_pool pool("127.0.0.1", plain.port(), {}, trust());
  const auto r = send_and_wait(pool, get("/charge"));
  EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
  EXPECT_EQ(served, 0);
}

TEST_F(http_tls,
       a_handshake_that_never_finishes_is_not_sent_within_connect_timeout) {
  // Accepts TCP connections and never says a word.
  net::io_context ioc;
  tcp::acceptor silent(ioc, {net::ip::make_address("127.0.0.1"), 0});
  std::vector<tcp::socket> held;
  std::function<void()> accept_next = [&] {
    silent.async_accept([&](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      held.push_back(std::move(s));
      accept_next();
    });
  };
  accept_next();
  std::thread io([&] { ioc.run(); });
  client_pool_limits limits;
  limits.connect_timeout_ms = 300;
  {
    client_pool pool("127.0.0.1", silent.local_endpoint().port(), limits,
                     trust());
    const auto start = steady::now();
    const auto r = send_and_wait(pool, get("/charge"));
    EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
    EXPECT_LT(steady::now() - start, 2s);
  }
  net::post(ioc, [&] {
    silent.close();
    held.clear();
  });
  io.join();
}

TEST_F(http_tls,
       an_unreadable_ca_file_is_said_up_front_and_fails_requests_as_not_sent) {
  auto s = start_server();
  const client_tls missing{true, pki().path("missing_ca.crt")};
  EXPECT_NE(check_client_tls(missing).find("No such file or directory"),
            std::string::npos);
  EXPECT_EQ(check_client_tls(trust()), "");
  EXPECT_EQ(check_client_tls(client_tls{}), "");  // plain: nothing to load
  client_pool pool("127.0.0.1", s->port(), {}, missing);
  const auto r = send_and_wait(pool, get("/charge"));
  EXPECT_EQ(r.outcome, send_outcome::not_sent_connect_failed) << r.error;
  sync_client client("127.0.0.1", s->port(), 2'000, missing);
  EXPECT_FALSE(client.get("/").ok);
  EXPECT_EQ(served_, 0);
}

// Not a pass/fail figure: what a fresh TLS connection costs against a fresh
// plain one, on this machine, printed for the record.
TEST_F(http_tls, handshake_cost_is_measured) {
  auto tls_server = start_server();
  server plain("127.0.0.1", 0, [](request&& req, responder reply) {
    reply(make_json_response(req, 200, "{}"));
  });
  ASSERT_EQ(plain.start(), "");
  constexpr int rounds = 50;
  const auto mean_ms = [&](auto connect_and_get) {
    const auto start = steady::now();
    for (int i = 0; i < rounds; ++i) connect_and_get();
    return std::chrono::duration<double, std::milli>(steady::now() - start)
             .count()
           / rounds;
  };
  const double tls_ms = mean_ms([&] {
    sync_client c("127.0.0.1", tls_server->port(), 5'000, trust());
    EXPECT_TRUE(c.get("/").ok);
  });
  const double plain_ms = mean_ms([&] {
    sync_client c("127.0.0.1", plain.port(), 5'000);
    EXPECT_TRUE(c.get("/").ok);
  });
  // The handshake alone: one client context (CA loaded once), as the pool.
  ssl::context shared(ssl::context::tls_client);
  shared.load_verify_file(pki().path("ca.crt"));
  shared.set_verify_mode(ssl::verify_peer);
  const double handshake_ms = mean_ms([&] {
    net::io_context ioc;
    ssl::stream<tcp::socket> stream(ioc, shared);
    stream.next_layer().connect(
      {net::ip::make_address("127.0.0.1"), tls_server->port()});
    boost::system::error_code ec;
    stream.handshake(ssl::stream_base::client, ec);
    EXPECT_FALSE(ec) << ec.message();
  });
  std::cout << "[ tls cost ] connect + TLS handshake: " << handshake_ms
            << " ms; new connection + one GET (CA file loaded each time): TLS "
            << tls_ms << " ms, plain " << plain_ms << " ms (mean of " << rounds
            << ", RSA 2048, loopback, client and server in one process)"
            << std::endl;
}

}  // namespace
}  // namespace pay::http
