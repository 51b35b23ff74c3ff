// What the tests say to paymentd and pspsim: checkout bodies, calls, and the
// small readers of their JSON answers. Every call goes through the project's
// blocking client, one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "http/sync_client.hpp"
#include "testkit/json_read.hpp"

namespace pay::it {

using header_list = http::sync_client::header_list;

struct order_spec {
  std::string payment_order_id;
  std::string seller_account;
  std::string amount;  // decimal string as the API takes it, e.g. "12.34"
  std::string currency;
};

struct checkout_spec {
  std::string checkout_id;
  std::string psp_token = "pm_card_visa";
  std::vector<order_spec> orders;
  // credit_card_info.return_url, sent when not empty: where the buyer comes
  // back after 3-D Secure. Without it a card that needs 3-D Secure is
  // declined at once (authentication_required) instead of waiting PENDING.
  // Last, so the aggregate initialisers {id, token, orders} keep working.
  std::string return_url{};
  // "capture", sent when not empty: "on_fulfillment" or "immediate".
  std::string capture{};
};

// The request body as a JSON object, keys in the documented order.
boost::json::object checkout_json(const checkout_spec& spec);
std::string checkout_body(const checkout_spec& spec);
// The same request spelled differently: keys reversed everywhere, extra
// whitespace. Semantically equal to checkout_body(spec).
std::string checkout_body_reordered(const checkout_spec& spec);

// A random lowercase hex string of `length` characters.
std::string random_hex(std::size_t length);

http::sync_result post_payment(http::sync_client& client, std::string body,
                               const header_list& headers = {});
// POST with `Prefer: wait=10`: answered once every order is final.
http::sync_result post_payment_and_wait(http::sync_client& client,
                                        std::string body);

// Polls GET /v1/checkouts/{id} until every order is final and booked
// (SUCCESS with wallet and ledger flags, or FAILED) and, when all succeeded,
// is_payment_done is set. Returns the last view (an empty object when the
// checkout was never found); `settled` says whether it got there in time.
struct settle_result {
  bool settled = false;
  boost::json::object checkout;
};
settle_result wait_until_settled(http::sync_client& client,
                                 const std::string& checkout_id,
                                 std::uint32_t timeout_ms = 10'000);

// The charges whose idempotency key (= payment_order_id) is `key`.
std::vector<boost::json::object> sim_charges_for(const boost::json::array& all,
                                                 const std::string& key);

}  // namespace pay::it
