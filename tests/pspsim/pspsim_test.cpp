// Black-box tests of the pspsim executable: each starts (or shares) a real
// pspsim process on a free port and speaks HTTP to it like paymentd would.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

class pspsim_api : public pspsim_suite<pspsim_api> {
 protected:
  http::sync_result create(const http::form_fields& fields,
                           const std::string& key = {}) {
    return post("/v1/payment_intents", fields, key);
  }
  http::sync_result get_intent(const std::string& id) {
    return get("/v1/payment_intents/" + id);
  }
  boost::json::array charges() {
    auto r = client_->get("/sim/charges");
    EXPECT_EQ(r.res.result_int(), 200u);
    return json_of(r).at("data").as_array();
  }
  boost::json::object keys() {
    return json_of(client_->get("/sim/idempotency_keys"));
  }
  boost::json::object stats() { return json_of(client_->get("/sim/stats")); }
  http::sync_result post_sim_reset() {
    return client_->post("/sim/reset", "", "text/plain");
  }
};

TEST_F(pspsim_api, healthz_answers_ok) {
  const auto r = client_->get("/healthz");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(r.res.body(), R"({"status":"ok"})");
}

TEST_F(pspsim_api, visa_succeeds_and_records_one_charge) {
  const auto r = create(visa_payment("1234"));
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto intent = json_of(r);
  EXPECT_EQ(intent.at("object"), "payment_intent");
  EXPECT_EQ(intent.at("status"), "succeeded");
  EXPECT_EQ(intent.at("amount"), 1234);
  EXPECT_EQ(intent.at("amount_received"), 1234);
  EXPECT_EQ(intent.at("currency"), "eur");
  EXPECT_EQ(intent.at("payment_method"), "pm_card_visa");
  EXPECT_TRUE(intent.at("last_payment_error").is_null());
  const std::string id(intent.at("id").as_string());
  EXPECT_EQ(id.size(), 3u + 24u);
  EXPECT_EQ(id.rfind("pi_", 0), 0u);
  const auto list = charges();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("payment_intent"), id.c_str());
  EXPECT_EQ(list[0].at("id"), charge_id_of(intent).c_str());
  EXPECT_EQ(intent.at("client_secret").as_string().find(id + "_secret_"), 0u);
  EXPECT_EQ(list[0].at("amount"), 1234);
  EXPECT_TRUE(list[0].at("idempotency_key").is_null());
}

TEST_F(pspsim_api, mastercard_succeeds_too) {
  const auto r = create(with_card(visa_payment(), "pm_card_mastercard"));
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("status"), "succeeded");
  EXPECT_EQ(charges().size(), 1u);
}

TEST_F(pspsim_api, generic_decline_is_402_card_error_and_never_charged) {
  const auto r = create(with_card(visa_payment(), "pm_card_chargeDeclined"),
                        "d-1");
  ASSERT_EQ(r.res.result_int(), 402u) << r.res.body();
  const auto error = json_of(r).at("error").as_object();
  EXPECT_EQ(error.at("type"), "card_error");
  EXPECT_EQ(error.at("code"), "card_declined");
  EXPECT_EQ(error.at("decline_code"), "generic_decline");
  EXPECT_EQ(error.at("message"), "Your card was declined.");
  const auto intent = error.at("payment_intent").as_object();
  EXPECT_EQ(intent.at("status"), "requires_payment_method");
  EXPECT_EQ(intent.at("amount_received"), 0);
  EXPECT_EQ(charge_id_of(intent), "");
  EXPECT_EQ(intent.at("last_payment_error").at("decline_code"),
            "generic_decline");
  EXPECT_TRUE(charges().empty());
  EXPECT_EQ(keys().at("d-1"), 0);
  EXPECT_EQ(stats().at("declines"), 1);
}

TEST_F(pspsim_api, insufficient_funds_decline_carries_its_decline_code) {
  const auto r = create(
    with_card(visa_payment(), "pm_card_chargeDeclinedInsufficientFunds"));
  ASSERT_EQ(r.res.result_int(), 402u) << r.res.body();
  EXPECT_EQ(error_field(r, "code"), "card_declined");
  EXPECT_EQ(error_field(r, "decline_code"), "insufficient_funds");
  EXPECT_TRUE(charges().empty());
}

TEST_F(pspsim_api, unknown_token_is_resource_missing_on_payment_method) {
  const auto r = create(with_card(visa_payment(), "pm_card_nonsense"));
  ASSERT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(r, "code"), "resource_missing");
  EXPECT_EQ(error_field(r, "param"), "payment_method");
  EXPECT_TRUE(charges().empty());
}

TEST_F(pspsim_api, each_missing_required_param_is_named) {
  for (const std::string name :
       {"amount", "currency", "payment_method", "confirm"}) {
    const auto r = create(without(visa_payment(), name));
    ASSERT_EQ(r.res.result_int(), 400u) << name;
    EXPECT_EQ(error_field(r, "code"), "parameter_missing") << name;
    EXPECT_EQ(error_field(r, "param"), name);
  }
  EXPECT_TRUE(charges().empty());
  EXPECT_EQ(stats().at("intents"), 0);
}

TEST_F(pspsim_api, bad_amounts_are_refused_with_precise_codes) {
  const std::vector<std::pair<std::string, std::string>> cases{
    {"abc", "parameter_invalid_integer"},
    {"12.5", "parameter_invalid_integer"},
    {"-5", "parameter_invalid_integer"},
    {"", "parameter_invalid_integer"},
    {"0", "amount_too_small"},
    {"100000000000", "amount_too_large"},
    {"99999999999999999999999", "amount_too_large"}};
  for (const auto& [amount, code] : cases) {
    const auto r = create(visa_payment(amount));
    ASSERT_EQ(r.res.result_int(), 400u) << amount;
    EXPECT_EQ(error_field(r, "code"), code) << amount;
    EXPECT_EQ(error_field(r, "param"), "amount") << amount;
  }
  EXPECT_TRUE(charges().empty());
}

TEST_F(pspsim_api, largest_amount_is_accepted) {
  const auto r = create(visa_payment("99999999999"));
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("amount"), 99999999999);
}

TEST_F(pspsim_api, uppercase_currency_is_answered_lowercase) {
  const auto r = create(with_value(visa_payment(), "currency", "USD"));
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("currency"), "usd");
}

TEST_F(pspsim_api, currency_must_be_three_letters) {
  for (const std::string currency : {"EURO", "eu", "e1r"}) {
    const auto r = create(with_value(visa_payment(), "currency", currency));
    ASSERT_EQ(r.res.result_int(), 400u) << currency;
    EXPECT_EQ(error_field(r, "param"), "currency");
  }
}

TEST_F(pspsim_api, confirm_other_than_true_is_refused) {
  for (const std::string confirm : {"false", "yes"}) {
    const auto r = create(with_value(visa_payment(), "confirm", confirm));
    ASSERT_EQ(r.res.result_int(), 400u) << confirm;
    EXPECT_EQ(error_field(r, "param"), "confirm");
  }
  EXPECT_TRUE(charges().empty());
}

TEST_F(pspsim_api, metadata_and_description_are_echoed) {
  auto fields = visa_payment();
  fields.emplace_back("metadata[order_id]", "ord_42");
  fields.emplace_back("metadata[note]", "a & b = c");
  fields.emplace_back("description", "Order 42");
  const auto r = create(fields);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto intent = json_of(r);
  EXPECT_EQ(intent.at("metadata").at("order_id"), "ord_42");
  EXPECT_EQ(intent.at("metadata").at("note"), "a & b = c");
  EXPECT_EQ(intent.at("description"), "Order 42");
}

TEST_F(pspsim_api, missing_or_wrong_api_key_is_401_and_creates_nothing) {
  const std::string body = http::form_encode(visa_payment());
  const auto none = client_->post("/v1/payment_intents", body,
                                  "application/x-www-form-urlencoded");
  EXPECT_EQ(none.res.result_int(), 401u);
  EXPECT_EQ(error_field(none, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(none, "code"), "api_key_invalid");
  const auto wrong = client_->post("/v1/payment_intents", body,
                                   "application/x-www-form-urlencoded",
                                   {{"Authorization", "Bearer sk_test_wrong"}});
  EXPECT_EQ(wrong.res.result_int(), 401u);
  const auto get = client_->get("/v1/payment_intents/pi_x",
                                {{"Authorization", "Basic abc"}});
  EXPECT_EQ(get.res.result_int(), 401u);
  EXPECT_TRUE(charges().empty());
}

TEST_F(pspsim_api, non_form_content_type_is_refused) {
  const auto r = client_->post("/v1/payment_intents", R"({"amount":1000})",
                               "application/json", auth_headers());
  EXPECT_EQ(r.res.result_int(), 415u);
  EXPECT_EQ(error_field(r, "type"), "invalid_request_error");
  const auto charset = client_->post(
    "/v1/payment_intents", http::form_encode(visa_payment()),
    "application/x-www-form-urlencoded; charset=utf-8", auth_headers());
  EXPECT_EQ(charset.res.result_int(), 200u) << charset.res.body();
}

TEST_F(pspsim_api, same_key_same_params_replays_without_a_second_charge) {
  const auto first = create(visa_payment(), "order-1");
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  EXPECT_EQ(header_of(first, "Idempotent-Replayed"), "");
  const auto second = create(visa_payment(), "order-1");
  ASSERT_EQ(second.res.result_int(), 200u);
  EXPECT_EQ(header_of(second, "Idempotent-Replayed"), "true");
  EXPECT_EQ(second.res.body(), first.res.body());
  EXPECT_EQ(charges().size(), 1u);
  EXPECT_EQ(keys().at("order-1"), 1);
  EXPECT_EQ(stats().at("replays"), 1);
}

TEST_F(pspsim_api, parameter_order_does_not_break_a_replay) {
  auto fields = visa_payment();
  const auto first = create(fields, "order-2");
  std::reverse(fields.begin(), fields.end());
  const auto second = create(fields, "order-2");
  EXPECT_EQ(header_of(second, "Idempotent-Replayed"), "true");
  EXPECT_EQ(second.res.body(), first.res.body());
  EXPECT_EQ(charges().size(), 1u);
}

TEST_F(pspsim_api, a_declined_request_replays_its_402) {
  const auto card = with_card(visa_payment(), "pm_card_chargeDeclined");
  const auto first = create(card, "order-3");
  const auto second = create(card, "order-3");
  EXPECT_EQ(second.res.result_int(), 402u);
  EXPECT_EQ(header_of(second, "Idempotent-Replayed"), "true");
  EXPECT_EQ(second.res.body(), first.res.body());
  EXPECT_EQ(keys().at("order-3"), 0);
}

TEST_F(pspsim_api, same_key_with_other_params_is_an_idempotency_error) {
  ASSERT_EQ(create(visa_payment("1000"), "order-4").res.result_int(), 200u);
  const auto r = create(visa_payment("2000"), "order-4");
  ASSERT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "type"), "idempotency_error");
  EXPECT_EQ(charges().size(), 1u);
  EXPECT_EQ(keys().at("order-4"), 1);
}

TEST_F(pspsim_api, overlong_idempotency_key_is_refused) {
  const auto r = create(visa_payment(), std::string(256, 'k'));
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_TRUE(charges().empty());
  const auto longest = create(visa_payment(), std::string(255, 'k'));
  EXPECT_EQ(longest.res.result_int(), 200u);
}

TEST_F(pspsim_api, fifty_concurrent_requests_with_one_key_charge_exactly_once) {
  constexpr int requests = 50;
  const std::string body = http::form_encode(visa_payment("777"));
  std::vector<http::sync_result> results(requests);
  std::mutex mutex;
  std::condition_variable go;
  bool started = false;
  std::vector<std::thread> threads;
  for (int i = 0; i < requests; ++i) {
    threads.emplace_back([&, i] {
      http::sync_client client("127.0.0.1", sim_->port());
      {
        std::unique_lock lock(mutex);
        go.wait(lock, [&] { return started; });
      }
      results[i] = client.post("/v1/payment_intents", body,
                               "application/x-www-form-urlencoded",
                               auth_headers("race-key"));
    });
  }
  {
    std::lock_guard lock(mutex);
    started = true;
  }
  go.notify_all();
  for (auto& t : threads) t.join();

  int originals = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
    EXPECT_EQ(r.res.body(), results[0].res.body());
    if (header_of(r, "Idempotent-Replayed").empty()) ++originals;
  }
  EXPECT_EQ(originals, 1);
  EXPECT_EQ(charges().size(), 1u);
  EXPECT_EQ(keys().at("race-key"), 1);
  EXPECT_EQ(stats().at("replays"), requests - 1);
}

TEST_F(pspsim_api, get_returns_the_created_intent) {
  const auto created = create(visa_payment("4321"));
  const std::string id(json_of(created).at("id").as_string());
  const auto r = get_intent(id);
  ASSERT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(r.res.body(), created.res.body());
}

TEST_F(pspsim_api, get_of_unknown_intent_is_404_resource_missing) {
  const auto r = get_intent("pi_doesnotexist");
  ASSERT_EQ(r.res.result_int(), 404u);
  EXPECT_EQ(error_field(r, "code"), "resource_missing");
}

TEST_F(pspsim_api, unknown_routes_are_404) {
  EXPECT_EQ(client_->get("/v1/customers", auth_headers()).res.result_int(),
            404u);
  EXPECT_EQ(client_->get("/nothing").res.result_int(), 404u);
  EXPECT_EQ(client_->get("/sim/nothing").res.result_int(), 404u);
}

TEST_F(pspsim_api, stats_count_requests_charges_declines_and_replays) {
  create(visa_payment(), "s-1");
  create(visa_payment(), "s-1");
  create(with_card(visa_payment(), "pm_card_chargeDeclined"));
  create(without(visa_payment(), "amount"));
  const auto s = stats();
  EXPECT_EQ(s.at("requests"), 4);
  EXPECT_EQ(s.at("charges"), 1);
  EXPECT_EQ(s.at("declines"), 1);
  EXPECT_EQ(s.at("replays"), 1);
  EXPECT_EQ(s.at("intents"), 2);
}

TEST_F(pspsim_api, reset_forgets_intents_charges_and_keys) {
  const auto created = create(visa_payment(), "r-1");
  const std::string id(json_of(created).at("id").as_string());
  ASSERT_EQ(post_sim_reset().res.result_int(), 200u);
  EXPECT_TRUE(charges().empty());
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(stats().at("requests"), 0);
  EXPECT_EQ(get_intent(id).res.result_int(), 404u);
  // The key is free again: a new intent, a new charge, no replay.
  const auto again = create(visa_payment(), "r-1");
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "");
  EXPECT_NE(json_of(again).at("id"), id.c_str());
  EXPECT_EQ(charges().size(), 1u);
}

TEST_F(pspsim_api, body_over_the_limit_is_413) {
  const std::string body = "description=" + std::string((1 << 20) + 10, 'x');
  const auto r = client_->post("/v1/payment_intents", body,
                               "application/x-www-form-urlencoded",
                               auth_headers());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 413u);
  EXPECT_EQ(error_field(r, "code"), "body_too_large");
  // The client reconnects transparently after the server closed.
  EXPECT_EQ(client_->get("/healthz").res.result_int(), 200u);
}

// Sends raw bytes and returns everything the server answers until it closes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(socket, net::buffer(bytes));
  std::string answer;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(answer), ec);  // until EOF
  return answer;
}

TEST_F(pspsim_api, malformed_http_gets_400_and_the_connection_closes) {
  const std::string answer = raw_exchange(sim_->port(),
                                          "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find("Content-Length:"), std::string::npos);
}

TEST_F(pspsim_api, connection_close_request_is_answered_then_closed) {
  const std::string answer = raw_exchange(
    sim_->port(),
    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find(R"({"status":"ok"})"), std::string::npos);
}

TEST_F(pspsim_api, keep_alive_serves_many_requests_on_one_connection) {
  const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string last =
    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string answer = raw_exchange(sim_->port(), one + one + last);
  std::size_t responses = 0;
  for (auto at = answer.find("HTTP/1.1 200"); at != std::string::npos;
       at = answer.find("HTTP/1.1 200", at + 1)) {
    ++responses;
  }
  EXPECT_EQ(responses, 3u) << answer;
}

// --- tests that need their own process -------------------------------------

TEST(pspsim_process_test,
     processing_intent_succeeds_and_charges_after_the_delay) {
  pspsim_process sim({"--port", "0", "--processing-ms", "600"});
  ASSERT_NE(sim.port(), 0) << sim.first_line();
  http::sync_client client("127.0.0.1", sim.port());
  const auto created = client.post(
    "/v1/payment_intents",
    http::form_encode(with_card(visa_payment("500"), "pm_card_processing")),
    "application/x-www-form-urlencoded", auth_headers("p-1"));
  ASSERT_EQ(created.res.result_int(), 200u) << created.res.body();
  const auto intent = json_of(created);
  EXPECT_EQ(intent.at("status"), "processing");
  EXPECT_EQ(intent.at("amount_received"), 0);
  EXPECT_EQ(charge_id_of(intent), "");
  const std::string path = "/v1/payment_intents/"
                           + std::string(intent.at("id").as_string());
  EXPECT_EQ(json_of(client.get(path, auth_headers())).at("status"),
            "processing");
  EXPECT_TRUE(
    json_of(client.get("/sim/charges")).at("data").as_array().empty());
  EXPECT_EQ(json_of(client.get("/sim/idempotency_keys")).at("p-1"), 0);

  std::this_thread::sleep_for(800ms);
  const auto later = json_of(client.get(path, auth_headers()));
  EXPECT_EQ(later.at("status"), "succeeded");
  EXPECT_EQ(later.at("amount_received"), 500);
  EXPECT_NE(charge_id_of(later), "");
  const auto data = json_of(client.get("/sim/charges")).at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].at("id"), charge_id_of(later).c_str());
  EXPECT_EQ(json_of(client.get("/sim/idempotency_keys")).at("p-1"), 1);
  // A replay returns the original answer, not the settled intent.
  const auto replay = client.post(
    "/v1/payment_intents",
    http::form_encode(with_card(visa_payment("500"), "pm_card_processing")),
    "application/x-www-form-urlencoded", auth_headers("p-1"));
  EXPECT_EQ(replay.res.body(), created.res.body());
  EXPECT_EQ(json_of(client.get("/sim/charges")).at("data").as_array().size(),
            1u);
}

TEST(pspsim_process_test, intents_beyond_the_maximum_get_503) {
  pspsim_process sim({"--port", "0", "--intents-max", "2"});
  ASSERT_NE(sim.port(), 0) << sim.first_line();
  http::sync_client client("127.0.0.1", sim.port());
  const auto send = [&](const std::string& key) {
    return client.post("/v1/payment_intents", http::form_encode(visa_payment()),
                       "application/x-www-form-urlencoded", auth_headers(key));
  };
  EXPECT_EQ(send("a").res.result_int(), 200u);
  EXPECT_EQ(send("b").res.result_int(), 200u);
  const auto full = send("c");
  EXPECT_EQ(full.res.result_int(), 503u);
  EXPECT_EQ(error_field(full, "type"), "api_error");
  // Replays of stored keys still work when full.
  EXPECT_EQ(header_of(send("a"), "Idempotent-Replayed"), "true");
  client.post("/sim/reset", "", "text/plain");
  EXPECT_EQ(send("c").res.result_int(), 200u);
}

TEST(pspsim_process_test, latency_delays_v1_answers_but_not_sim_routes) {
  pspsim_process sim({"--port", "0", "--latency-ms", "250"});
  ASSERT_NE(sim.port(), 0) << sim.first_line();
  http::sync_client client("127.0.0.1", sim.port());
  const auto timed = [](auto&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    return std::chrono::steady_clock::now() - start;
  };
  EXPECT_GE(timed([&] {
              client.post("/v1/payment_intents",
                          http::form_encode(visa_payment()),
                          "application/x-www-form-urlencoded", auth_headers());
            }),
            250ms);
  EXPECT_LT(timed([&] { client.get("/sim/stats"); }), 200ms);
  // Delayed answers do not hold a server thread: 8 at once take ~1 delay.
  std::vector<std::thread> threads;
  const auto elapsed = timed([&] {
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&] {
        http::sync_client c("127.0.0.1", sim.port());
        c.get("/v1/payment_intents/pi_x", auth_headers());
      });
    }
    for (auto& t : threads) t.join();
  });
  EXPECT_LT(elapsed, 1000ms);
}

TEST(pspsim_process_test, port_in_use_exits_2_with_a_clear_message) {
  pspsim_process first({"--port", "0"});
  ASSERT_NE(first.port(), 0) << first.first_line();
  pspsim_process second({"--port", std::to_string(first.port())});
  EXPECT_EQ(second.wait_exit(5s), 2);
  EXPECT_NE(second.read_stderr().find("already in use"), std::string::npos);
}

TEST(pspsim_process_test, sigterm_and_sigint_exit_cleanly) {
  for (const int signal_number : {SIGTERM, SIGINT}) {
    pspsim_process sim({"--port", "0"});
    ASSERT_NE(sim.port(), 0) << sim.first_line();
    http::sync_client client("127.0.0.1", sim.port());  // kept open
    EXPECT_EQ(client.get("/healthz").res.result_int(), 200u);
    EXPECT_EQ(sim.stop_with(signal_number), 0) << signal_number;
  }
}

TEST(pspsim_process_test, stopping_with_an_answer_in_flight_exits_cleanly) {
  pspsim_process sim({"--port", "0", "--latency-ms", "3000"});
  ASSERT_NE(sim.port(), 0) << sim.first_line();
  std::thread waiting([port = sim.port()] {
    http::sync_client client("127.0.0.1", port);
    const auto r = client.get("/v1/payment_intents/pi_x", auth_headers());
    EXPECT_FALSE(r.ok);  // the server went away before answering
  });
  std::this_thread::sleep_for(200ms);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(sim.stop_with(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  waiting.join();
}

TEST(pspsim_process_test, bad_option_exits_2) {
  pspsim_process sim({"--port", "not-a-port"});
  EXPECT_EQ(sim.wait_exit(5s), 2);
  EXPECT_NE(sim.read_stderr().find("invalid value"), std::string::npos);
}

}  // namespace
}  // namespace pay::pspsim
