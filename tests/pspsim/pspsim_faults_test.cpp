// Fault injection, black-box against the real pspsim process: what a client
// observes under each fault, what pspsim stored meanwhile, and that retrying
// with the same Idempotency-Key never charges twice.
#include <poll.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;

const char* const fault_names[] = {"error_500",
                                   "error_429",
                                   "reset_before_commit",
                                   "reset_after_commit",
                                   "timeout_after_commit",
                                   "duplicate_processing"};

// What came back on one raw connection until the server closed it.
struct raw_outcome {
  std::string bytes;                  // everything the server sent
  boost::system::error_code ec;       // how reading ended
  std::chrono::milliseconds elapsed;  // from writing the request
};

raw_outcome raw_exchange_until_close(std::uint16_t port,
                                     const std::string& text,
                                     std::chrono::milliseconds timeout = 5s) {
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  const auto start = std::chrono::steady_clock::now();
  net::write(socket, net::buffer(text));
  raw_outcome out;
  for (;;) {
    const auto left = timeout - (std::chrono::steady_clock::now() - start);
    pollfd p{socket.native_handle(), POLLIN, 0};
    const auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      left);
    if (left_ms.count() <= 0
        || poll(&p, 1, static_cast<int>(left_ms.count())) <= 0) {
      out.ec = net::error::timed_out;
      break;
    }
    char buffer[4096];
    const std::size_t n = socket.read_some(net::buffer(buffer), out.ec);
    out.bytes.append(buffer, n);
    if (out.ec) break;
  }
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - start);
  return out;
}

std::string raw_create(const std::string& key) {
  const std::string body = http::form_encode(visa_payment());
  return "POST /v1/payment_intents HTTP/1.1\r\nHost: x\r\n"
         "Authorization: Bearer " + api_key + "\r\n"
         "Idempotency-Key: " + key + "\r\n"
         "Content-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string raw_get(const std::string& id) {
  return "GET /v1/payment_intents/" + id + " HTTP/1.1\r\nHost: x\r\n"
         "Authorization: Bearer " + api_key + "\r\n\r\n";
}

// The client saw the connection reset with not one byte of an answer.
void expect_reset_without_answer(const raw_outcome& out) {
  EXPECT_EQ(out.bytes, "");
  EXPECT_EQ(out.ec, net::error::connection_reset) << out.ec.message();
}

class pspsim_faults : public pspsim_suite<pspsim_faults> {
 protected:
  static std::uint16_t port() { return sim_->port(); }

  http::sync_result post_faults(const std::string& json) {
    return client_->post("/sim/faults", json, "application/json");
  }
  void set_faults(const std::string& json) {
    const auto r = post_faults(json);
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  }
  http::sync_result delete_faults() {
    return client_->send(
      http::request{bhttp::verb::delete_, "/sim/faults", 11});
  }
  boost::json::object faults_state() {
    return json_of(client_->get("/sim/faults"));
  }
  std::int64_t injected(const char* kind) {
    return faults_state().at("injected").at(kind).as_int64();
  }

  http::sync_result create(const std::string& key,
                           const http::form_fields& fields = visa_payment()) {
    return post("/v1/payment_intents", fields, key);
  }
  boost::json::array charges() {
    return json_of(client_->get("/sim/charges")).at("data").as_array();
  }
  boost::json::object keys() {
    return json_of(client_->get("/sim/idempotency_keys"));
  }
  boost::json::object stats() { return json_of(client_->get("/sim/stats")); }

  // A refused request stored nothing: its retry is processed afresh.
  void expect_nothing_stored_then_one_fresh_charge(const std::string& key) {
    EXPECT_TRUE(charges().empty());
    EXPECT_FALSE(keys().contains(key));
    EXPECT_EQ(stats().at("intents"), 0);
    ASSERT_EQ(delete_faults().res.result_int(), 200u);
    const auto retry = create(key);
    ASSERT_EQ(retry.res.result_int(), 200u) << retry.res.body();
    EXPECT_EQ(header_of(retry, "Idempotent-Replayed"), "");
    const auto list = charges();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].at("payment_intent"), json_of(retry).at("id"));
    EXPECT_EQ(keys().at(key), 1);
  }

  // A committed request whose answer was lost: the retry replays it.
  void expect_one_charge_then_a_replay(const std::string& key) {
    const auto list = charges();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].at("idempotency_key"), key.c_str());
    EXPECT_EQ(keys().at(key), 1);
    ASSERT_EQ(delete_faults().res.result_int(), 200u);
    const auto retry = create(key);
    ASSERT_EQ(retry.res.result_int(), 200u) << retry.res.body();
    EXPECT_EQ(header_of(retry, "Idempotent-Replayed"), "true");
    EXPECT_EQ(list[0].at("id"), charge_id_of(json_of(retry)).c_str());
    EXPECT_EQ(charges().size(), 1u);
    EXPECT_EQ(keys().at(key), 1);
  }
};

TEST_F(pspsim_faults, error_500_is_an_api_error_that_stores_nothing) {
  set_faults(R"({"error_500":1})");
  const auto r = create("k-500");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 500u);
  EXPECT_EQ(error_field(r, "type"), "api_error");
  EXPECT_EQ(injected("error_500"), 1);
  expect_nothing_stored_then_one_fresh_charge("k-500");
}

TEST_F(pspsim_faults, error_429_is_a_rate_limit_error_that_stores_nothing) {
  set_faults(R"({"error_429":1})");
  const auto r = create("k-429");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 429u);
  EXPECT_EQ(error_field(r, "type"), "rate_limit_error");
  EXPECT_EQ(error_field(r, "code"), "rate_limit");
  EXPECT_EQ(injected("error_429"), 1);
  expect_nothing_stored_then_one_fresh_charge("k-429");
}

TEST_F(pspsim_faults,
       reset_before_commit_closes_without_answer_and_stores_nothing) {
  set_faults(R"({"reset_before_commit":1})");
  expect_reset_without_answer(
    raw_exchange_until_close(port(), raw_create("k-rb")));
  EXPECT_EQ(injected("reset_before_commit"), 1);
  expect_nothing_stored_then_one_fresh_charge("k-rb");
}

TEST_F(pspsim_faults,
       reset_after_commit_closes_without_answer_but_keeps_the_charge) {
  set_faults(R"({"reset_after_commit":1})");
  expect_reset_without_answer(
    raw_exchange_until_close(port(), raw_create("k-ra")));
  EXPECT_EQ(injected("reset_after_commit"), 1);
  expect_one_charge_then_a_replay("k-ra");
}

TEST_F(pspsim_faults,
       timeout_after_commit_times_the_client_out_but_keeps_the_charge) {
  set_faults(R"({"timeout_after_commit":1,"hold_ms":400})");
  http::sync_client impatient("127.0.0.1", port(), 150);
  const auto start = std::chrono::steady_clock::now();
  const auto r = impatient.post("/v1/payment_intents",
                                http::form_encode(visa_payment()),
                                "application/x-www-form-urlencoded",
                                auth_headers("k-to"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("timeout"), std::string::npos) << r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 400ms);
  EXPECT_EQ(injected("timeout_after_commit"), 1);
  expect_one_charge_then_a_replay("k-to");
}

TEST_F(pspsim_faults,
       timeout_after_commit_closes_without_answer_after_the_hold) {
  set_faults(R"({"timeout_after_commit":1,"hold_ms":300})");
  const auto out = raw_exchange_until_close(port(), raw_create("k-hold"));
  expect_reset_without_answer(out);
  EXPECT_GE(out.elapsed, 300ms);
  EXPECT_LT(out.elapsed, 3s);
  EXPECT_EQ(keys().at("k-hold"), 1);
}

TEST_F(pspsim_faults, duplicate_processing_answers_a_replay_and_charges_once) {
  set_faults(R"({"duplicate_processing":1})");
  const auto first = create("k-dup");
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  EXPECT_EQ(header_of(first, "Idempotent-Replayed"), "true");
  EXPECT_EQ(charges().size(), 1u);
  EXPECT_EQ(keys().at("k-dup"), 1);
  auto s = stats();
  EXPECT_EQ(s.at("requests"), 1);
  EXPECT_EQ(s.at("intents"), 1);
  EXPECT_EQ(s.at("replays"), 1);
  EXPECT_EQ(injected("duplicate_processing"), 1);
  // The client's own retry, still under the fault: a replay, no new charge.
  const auto retry = create("k-dup");
  EXPECT_EQ(retry.res.body(), first.res.body());
  EXPECT_EQ(charges().size(), 1u);
  // A declined card replays its 402 and charges nothing.
  const auto declined = create(
    "k-dup-declined", with_card(visa_payment(), "pm_card_chargeDeclined"));
  EXPECT_EQ(declined.res.result_int(), 402u);
  EXPECT_EQ(header_of(declined, "Idempotent-Replayed"), "true");
  EXPECT_EQ(keys().at("k-dup-declined"), 0);
  EXPECT_EQ(injected("duplicate_processing"), 3);
  expect_one_charge_then_a_replay("k-dup");
}

TEST_F(pspsim_faults, duplicate_processing_skips_requests_without_a_key) {
  set_faults(R"({"duplicate_processing":1})");
  const auto keyless = create("");
  ASSERT_EQ(keyless.res.result_int(), 200u) << keyless.res.body();
  EXPECT_EQ(header_of(keyless, "Idempotent-Replayed"), "");
  EXPECT_EQ(charges().size(), 1u);
  // An answer that stored nothing (a 400) is not run twice either.
  EXPECT_EQ(create("k-bad", without(visa_payment(), "amount")).res.result_int(),
            400u);
  EXPECT_EQ(injected("duplicate_processing"), 0);
}

TEST_F(pspsim_faults, reads_only_get_the_faults_that_precede_any_work) {
  const auto created = create("k-read");
  const std::string id(json_of(created).at("id").as_string());
  set_faults(R"({"reset_after_commit":1,"timeout_after_commit":1,
                 "duplicate_processing":1})");
  http::sync_client reader("127.0.0.1", port(), 2'000);
  const auto read = reader.get("/v1/payment_intents/" + id, auth_headers());
  ASSERT_TRUE(read.ok) << read.error;
  EXPECT_EQ(read.res.body(), created.res.body());

  set_faults(R"({"error_500":1})");
  EXPECT_EQ(
    reader.get("/v1/payment_intents/" + id, auth_headers()).res.result_int(),
    500u);
  set_faults(R"({"error_429":1})");
  EXPECT_EQ(
    reader.get("/v1/payment_intents/" + id, auth_headers()).res.result_int(),
    429u);
  set_faults(R"({"reset_before_commit":1})");
  expect_reset_without_answer(raw_exchange_until_close(port(), raw_get(id)));
  const auto counts = faults_state().at("injected");
  EXPECT_EQ(counts.at("error_500"), 1);
  EXPECT_EQ(counts.at("error_429"), 1);
  EXPECT_EQ(counts.at("reset_before_commit"), 1);
  EXPECT_EQ(counts.at("reset_after_commit"), 0);
  EXPECT_EQ(counts.at("timeout_after_commit"), 0);
  EXPECT_EQ(counts.at("duplicate_processing"), 0);
}

TEST_F(pspsim_faults, sim_routes_healthz_and_unknown_routes_are_never_faulted) {
  set_faults(R"({"error_500":1,"reset_before_commit":1,"latency_ms":1000})");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client_->get("/healthz").res.result_int(), 200u);
  for (const char* path :
       {"/sim/stats", "/sim/charges", "/sim/idempotency_keys", "/sim/faults"}) {
    EXPECT_EQ(client_->get(path).res.result_int(), 200u) << path;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_EQ(client_->get("/v1/customers", auth_headers()).res.result_int(),
            404u);
  EXPECT_EQ(injected("error_500"), 0);
}

TEST_F(pspsim_faults, latency_and_jitter_delay_every_v1_answer) {
  set_faults(R"({"seed":3,"latency_ms":150,"latency_jitter_ms":100})");
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(
      client_->get("/v1/payment_intents/pi_x", auth_headers()).res.result_int(),
      404u);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 1'000ms);
  }
}

TEST_F(pspsim_faults, same_seed_and_request_order_give_the_same_faults) {
  // Every kind at 0.1: outcomes are statuses, "closed" for any answer lost.
  const auto run = [&](const std::string& config, const std::string& prefix) {
    set_faults(config);
    http::sync_client client("127.0.0.1", port(), 2'000);
    std::vector<std::string> outcomes;
    for (int i = 0; i < 60; ++i) {
      const auto r = client.post("/v1/payment_intents",
                                 http::form_encode(visa_payment()),
                                 "application/x-www-form-urlencoded",
                                 auth_headers(prefix + std::to_string(i)));
      outcomes.push_back(!r.ok ? "closed"
                               : std::to_string(r.res.result_int())
                                   + header_of(r, "Idempotent-Replayed"));
    }
    return outcomes;
  };
  const std::string config =
    R"({"seed":1234,"error_500":0.1,"error_429":0.1,"reset_before_commit":0.1,
          "reset_after_commit":0.1,"timeout_after_commit":0.1,"hold_ms":50,
          "duplicate_processing":0.1})";
  const auto first = run(config, "a-");
  const auto counts_after_first = faults_state().at("injected").as_object();
  EXPECT_EQ(run(config, "b-"), first);
  const auto counts_after_second = faults_state().at("injected").as_object();
  for (const char* kind : fault_names) {
    EXPECT_EQ(counts_after_second.at(kind).as_int64(),
              2 * counts_after_first.at(kind).as_int64())
      << kind;
  }
  for (const std::string seen : {"200", "500", "429", "closed", "200true"}) {
    EXPECT_NE(std::find(first.begin(), first.end(), seen), first.end()) << seen;
  }
  std::string other = config;
  other.replace(other.find("1234"), 4, "1235");
  EXPECT_NE(run(other, "c-"), first);
}

TEST_F(pspsim_faults, post_answers_the_active_config_and_get_adds_counters) {
  const auto r = post_faults(R"({"seed":42,"error_429":0.25,"hold_ms":100})");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto config = json_of(r);
  EXPECT_EQ(config.at("seed"), 42);
  EXPECT_EQ(config.at("error_429").to_number<double>(), 0.25);
  EXPECT_EQ(config.at("error_500").to_number<double>(), 0.0);
  EXPECT_EQ(config.at("latency_ms"), 0);
  EXPECT_EQ(config.at("hold_ms"), 100);
  EXPECT_FALSE(config.contains("injected"));
  auto state = faults_state();
  const auto counts = state.at("injected").as_object();
  EXPECT_EQ(counts.size(), 9u);  // six request kinds, three webhook kinds
  for (const char* kind : fault_names) EXPECT_EQ(counts.at(kind), 0) << kind;
  for (const char* kind :
       {"webhook_drop", "webhook_duplicate", "webhook_reorder"}) {
    EXPECT_EQ(counts.at(kind), 0) << kind;
  }
  state.erase("injected");
  EXPECT_EQ(state, config);
}

TEST_F(pspsim_faults,
       an_invalid_config_is_a_400_naming_the_field_and_changes_nothing) {
  set_faults(R"({"error_500":0.5})");
  const auto out_of_range = post_faults(R"({"error_500":2})");
  ASSERT_EQ(out_of_range.res.result_int(), 400u);
  EXPECT_EQ(error_field(out_of_range, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(out_of_range, "param"), "error_500");
  const auto unknown = post_faults(R"({"error_503":1})");
  ASSERT_EQ(unknown.res.result_int(), 400u);
  EXPECT_EQ(error_field(unknown, "param"), "error_503");
  const auto not_json = post_faults("error_500=1");
  ASSERT_EQ(not_json.res.result_int(), 400u);
  EXPECT_EQ(error_field(not_json, "param"), "<null>");
  EXPECT_EQ(faults_state().at("error_500").to_number<double>(), 0.5);
}

TEST_F(pspsim_faults, delete_turns_faults_off_and_keeps_the_counters) {
  set_faults(R"({"error_500":1,"latency_ms":50})");
  EXPECT_EQ(create("k-del").res.result_int(), 500u);
  const auto off = delete_faults();
  ASSERT_EQ(off.res.result_int(), 200u);
  EXPECT_EQ(json_of(off).at("error_500").to_number<double>(), 0.0);
  EXPECT_EQ(json_of(off).at("latency_ms"), 0);
  EXPECT_EQ(create("k-del").res.result_int(), 200u);
  EXPECT_EQ(injected("error_500"), 1);
  EXPECT_EQ(stats().at("faults_injected").at("error_500"), 1);
}

TEST_F(pspsim_faults, sim_reset_turns_faults_off_and_clears_the_counters) {
  set_faults(R"({"error_429":1})");
  EXPECT_EQ(create("k-reset").res.result_int(), 429u);
  ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
            200u);
  EXPECT_EQ(injected("error_429"), 0);
  EXPECT_EQ(stats().at("faults_injected").at("error_429"), 0);
  EXPECT_EQ(create("k-reset").res.result_int(), 200u);
}

// The chaos harness's promise in miniature: many keys, every fault at 0.2,
// clients that retry with the same key; no key is ever charged twice, and
// once faults stop, one more retry per key settles every key exactly once.
TEST_F(pspsim_faults, every_key_is_charged_at_most_once_under_all_faults) {
  set_faults(R"({"seed":77,"error_500":0.2,"error_429":0.2,
                 "reset_before_commit":0.2,"reset_after_commit":0.2,
                 "timeout_after_commit":0.2,"duplicate_processing":0.2,
                 "hold_ms":300})");
  constexpr int keys_total = 300;
  constexpr int attempts_max = 4;  // the first try and up to 3 retries
  constexpr int threads_total = 6;
  std::random_device entropy;
  std::mt19937_64 key_bits{entropy()};
  std::vector<std::string> key_list;
  for (int i = 0; i < keys_total; ++i) {
    key_list.push_back("chaos-" + std::to_string(i) + "-"
                       + std::to_string(key_bits()));
  }
  const auto card_of = [](int i) {
    return i % 10 == 0 ? "pm_card_chargeDeclined" : "pm_card_visa";
  };
  // The intent id each key was answered with (200 only); empty if never.
  std::vector<std::string> answered_id(keys_total);
  std::atomic<int> attempts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_total; ++t) {
    threads.emplace_back([&, t] {
      http::sync_client client("127.0.0.1", port(), 200);
      for (int i = t; i < keys_total; i += threads_total) {
        const auto body = http::form_encode(
          with_card(visa_payment(), card_of(i)));
        for (int attempt = 0; attempt < attempts_max; ++attempt) {
          ++attempts;
          const auto r = client.post("/v1/payment_intents", body,
                                     "application/x-www-form-urlencoded",
                                     auth_headers(key_list[i]));
          if (!r.ok) continue;
          const unsigned status = r.res.result_int();
          if (status == 200) {
            answered_id[i] = std::string(json_of(r).at("id").as_string());
          }
          if (status == 200 || status == 402) break;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::map<std::string, int> charges_by_key;
  std::map<std::string, std::string> intent_by_key;
  for (const auto& charge : charges()) {
    const std::string key(charge.at("idempotency_key").as_string());
    ++charges_by_key[key];
    intent_by_key[key] = std::string(charge.at("payment_intent").as_string());
  }
  for (const auto& [key, count] : charges_by_key) EXPECT_EQ(count, 1) << key;
  for (int i = 0; i < keys_total; ++i) {
    if (i % 10 == 0) {
      EXPECT_EQ(charges_by_key.count(key_list[i]), 0u) << key_list[i];
    } else if (!answered_id[i].empty()) {
      EXPECT_EQ(intent_by_key[key_list[i]], answered_id[i]) << key_list[i];
    }
  }
  EXPECT_EQ(stats().at("requests"), attempts.load());
  for (const char* kind : fault_names) EXPECT_GT(injected(kind), 0) << kind;

  ASSERT_EQ(delete_faults().res.result_int(), 200u);
  for (int i = 0; i < keys_total; ++i) {
    const auto r = create(key_list[i], with_card(visa_payment(), card_of(i)));
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.res.result_int(), i % 10 == 0 ? 402u : 200u) << r.res.body();
  }
  const auto settled = keys();
  EXPECT_EQ(settled.size(), static_cast<std::size_t>(keys_total));
  for (int i = 0; i < keys_total; ++i) {
    EXPECT_EQ(settled.at(key_list[i]), i % 10 == 0 ? 0 : 1) << key_list[i];
  }
  EXPECT_EQ(charges().size(),
            static_cast<std::size_t>(keys_total - keys_total / 10));
}

// --- faults configured at start: their own processes -----------------------

http::sync_result create_on(std::uint16_t port) {
  http::sync_client client("127.0.0.1", port);
  return client.post("/v1/payment_intents", http::form_encode(visa_payment()),
                     "application/x-www-form-urlencoded", auth_headers("k"));
}

TEST(pspsim_faults_at_start, command_line_faults_apply_from_the_first_request) {
  pspsim_process sim({"--port", "0", "--faults", R"({"error_429":1})"});
  ASSERT_NE(sim.port(), 0) << sim.first_line();
  EXPECT_EQ(create_on(sim.port()).res.result_int(), 429u);
}

TEST(pspsim_faults_at_start,
     environment_faults_apply_and_the_command_line_wins) {
  pspsim_process from_env({"--port", "0"},
                          {{"PSPSIM_FAULTS", R"({"error_500":1})"}});
  ASSERT_NE(from_env.port(), 0) << from_env.first_line();
  EXPECT_EQ(create_on(from_env.port()).res.result_int(), 500u);
  pspsim_process both({"--port", "0", "--faults", R"({"error_429":1})"},
                      {{"PSPSIM_FAULTS", R"({"error_500":1})"}});
  ASSERT_NE(both.port(), 0) << both.first_line();
  EXPECT_EQ(create_on(both.port()).res.result_int(), 429u);
}

TEST(pspsim_faults_at_start, an_invalid_fault_config_exits_2_naming_the_field) {
  pspsim_process sim({"--port", "0", "--faults", R"({"error_500":7})"});
  EXPECT_EQ(sim.wait_exit(5s), 2);
  const std::string message = sim.read_stderr();
  EXPECT_NE(message.find("invalid value for faults"), std::string::npos)
    << message;
  EXPECT_NE(message.find("error_500"), std::string::npos) << message;
}

}  // namespace
}  // namespace pay::pspsim
