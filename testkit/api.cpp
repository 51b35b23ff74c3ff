#include "testkit/api.hpp"

#include <chrono>
#include <random>
#include <thread>

namespace pay::it {

namespace json = boost::json;

namespace {

std::string quoted(const std::string& s) {
  return json::serialize(json::value(s));
}

bool is_settled(const json::object& checkout) {
  const auto* orders = checkout.if_contains("payment_orders");
  if (!orders || !orders->is_array() || orders->as_array().empty())
    return false;
  bool all_success = true;
  for (const auto& o : orders->as_array()) {
    const auto status = string_at(o, {"status"});
    if (status == "FAILED") {
      all_success = false;
      continue;
    }
    if (status != "SUCCESS") return false;
    const auto& order = o.as_object();
    if (order.at("wallet_updated") != true
        || order.at("ledger_updated") != true)
      return false;
  }
  return !all_success || checkout.at("is_payment_done") == true;
}

}  // namespace

json::object checkout_json(const checkout_spec& spec) {
  json::array orders;
  for (const auto& o : spec.orders)
    orders.push_back(json::object{{"payment_order_id", o.payment_order_id},
                                  {"seller_account", o.seller_account},
                                  {"amount", o.amount},
                                  {"currency", o.currency}});
  json::object card{{"psp_token", spec.psp_token}};
  if (!spec.return_url.empty()) card["return_url"] = spec.return_url;
  json::object out{
    {"checkout_id", spec.checkout_id},
    // One buyer per checkout, so the risk rules' velocity never counts
    // one test's checkouts against another's.
    {"buyer_info",
     json::object{{"name", "Ada Lovelace"},
                  {"email", "ada+" + spec.checkout_id + "@example.com"}}},
    {"credit_card_info", std::move(card)},
    {"payment_orders", std::move(orders)},
  };
  if (!spec.capture.empty()) out["capture"] = spec.capture;
  return out;
}

std::string checkout_body(const checkout_spec& spec) {
  return json::serialize(checkout_json(spec));
}

std::string checkout_body_reordered(const checkout_spec& spec) {
  // Written by hand: boost::json keeps insertion order, and this is about
  // bytes that differ while meaning the same.
  std::string orders;
  for (const auto& o : spec.orders) {
    if (!orders.empty()) orders += " ,\n    ";
    orders += "{ \"currency\" : " + quoted(o.currency)
              + ", \"amount\":" + quoted(o.amount)
              + ",\t\"seller_account\": " + quoted(o.seller_account)
              + ", \"payment_order_id\" :" + quoted(o.payment_order_id) + " }";
  }
  std::string card;
  if (!spec.return_url.empty())
    card = "\"return_url\" :" + quoted(spec.return_url) + ", ";
  card += "\"psp_token\":  " + quoted(spec.psp_token);
  const std::string capture = spec.capture.empty()
                                ? ""
                                : "  \"capture\" : " + quoted(spec.capture)
                                    + ",\n";
  return "\n{\n" + capture + "  \"payment_orders\" : [ " + orders + " ],\n"
         + "  \"credit_card_info\": {" + card
         + "},\n  \"buyer_info\": {\"email\": \"ada+" + spec.checkout_id
         + "@example.com\", \"name\": \"Ada Lovelace\"},\n"
         + "  \"checkout_id\":" + quoted(spec.checkout_id) + "\n}\n";
}

std::string random_hex(std::size_t length) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  while (out.size() < length) out += digits[rng() & 0xf];
  return out;
}

http::sync_result post_payment(http::sync_client& client, std::string body,
                               const header_list& headers) {
  return client.post("/v1/payments", std::move(body), "application/json",
                     headers);
}

http::sync_result post_payment_and_wait(http::sync_client& client,
                                        std::string body) {
  return post_payment(client, std::move(body), {{"Prefer", "wait=10"}});
}

settle_result wait_until_settled(http::sync_client& client,
                                 const std::string& checkout_id,
                                 std::uint32_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now()
                        + std::chrono::milliseconds{timeout_ms};
  settle_result out;
  while (true) {
    const auto r = client.get("/v1/checkouts/" + checkout_id);
    if (r.ok && r.res.result_int() == 200) {
      const auto v = json_of(r);
      if (v.is_object()) out.checkout = v.as_object();
      if (is_settled(out.checkout)) {
        out.settled = true;
        return out;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

std::vector<json::object> sim_charges_for(const json::array& all,
                                          const std::string& key) {
  std::vector<json::object> out;
  for (const auto& c : all)
    if (c.is_object() && string_at(c, {"idempotency_key"}) == key)
      out.push_back(c.as_object());
  return out;
}

}  // namespace pay::it
