// parse_create_payment: POST /v1/payments, JSON text -> new_checkout. An
// accepted request holds only what the rest of the engine assumes without
// checking again (valid unique ids, positive amounts in known currencies,
// exactly one way to pay, a 64-hex request hash, buyer_info as canonical
// JSON). And the hash means "same meaning": the same JSON written another
// way (here, re-serialized) is accepted or refused alike, with the same hash.

#include <set>
#include <string>

#include <boost/json.hpp>

#include "domain/common/ids.hpp"
#include "domain/common/money.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "fuzz/json_respelled.hpp"
#include "gateway/common/canonical_json.hpp"
#include "gateway/payin/create_payment_request.hpp"

namespace {

namespace json = boost::json;
using namespace pay;
using gateway::api_error;

// What buyer_info may hold once accepted (buyer_info_checks.hpp): integers
// that any JSON reader keeps exactly and text without control characters.
bool storable(const json::value& v) {
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  switch (v.kind()) {
    case json::kind::int64:
      return v.get_int64() > -exact && v.get_int64() < exact;
    case json::kind::uint64:
      return v.get_uint64() < static_cast<std::uint64_t>(exact);
    case json::kind::double_:
      // A fraction or exponent comes back as the double's digits, not the
      // client's (found by this target): integers only.
      return false;
    case json::kind::string:
      for (unsigned char c : v.get_string())
        if (c < 0x20 || c == 0x7f) return false;
      return true;
    case json::kind::array:
      for (const auto& item : v.get_array())
        if (!storable(item)) return false;
      return true;
    case json::kind::object:
      for (const auto& kv : v.get_object())
        if (!storable(json::value(kv.key())) || !storable(kv.value()))
          return false;
      return true;
    default:
      return true;
  }
}

void check_accepted(const new_checkout& c,
                    const gateway::create_payment_limits& limits) {
  FUZZ_CHECK(domain::is_valid_id(c.id.value));
  FUZZ_CHECK(c.psp_token.empty() != c.return_url.empty());
  if (!c.psp_token.empty()) FUZZ_CHECK(domain::is_valid_id(c.psp_token));
  FUZZ_CHECK(is_sha256_hex(c.request_hash));
  FUZZ_CHECK(!c.orders.empty()
             && c.orders.size() <= limits.orders_per_checkout_max);
  std::set<std::string> ids;
  for (const auto& o : c.orders) {
    FUZZ_CHECK(domain::is_valid_id(o.id.value));
    FUZZ_CHECK(domain::is_valid_id(o.seller.value));
    FUZZ_CHECK(ids.insert(o.id.value).second);
    FUZZ_CHECK(o.amount_minor > 0);
    const auto currency = domain::find_currency(o.currency);
    FUZZ_CHECK(currency.has_value());
    // What we store and show reads back as the amount the client sent.
    const auto back = domain::parse_money(
      domain::format_minor(o.amount_minor, *currency), o.currency);
    FUZZ_CHECK(back.error == domain::money_error::ok
               && back.value.amount_minor == o.amount_minor);
  }
  boost::system::error_code ec;
  const auto buyer = json::parse(c.buyer_info_json, ec);
  FUZZ_CHECK(!ec && buyer.is_object());
  FUZZ_CHECK(gateway::canonical_json(buyer) == c.buyer_info_json);
  FUZZ_CHECK(c.buyer_info_json.size() <= limits.buyer_info_bytes_max);
  FUZZ_CHECK(storable(buyer));
}

void check_refused(const api_error& e) {
  FUZZ_CHECK(e.http_status >= 400 && e.http_status < 500);
  FUZZ_CHECK(!e.code.empty() && !e.message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view body = pay::fuzz::as_text(data, size);
  const gateway::create_payment_limits limits{};
  const auto parsed = gateway::parse_create_payment(body, limits);
  if (const auto* err = std::get_if<api_error>(&parsed)) {
    check_refused(*err);
  } else {
    check_accepted(std::get<new_checkout>(parsed), limits);
  }

  if (!fuzz::is_json(body)) {
    FUZZ_CHECK(std::holds_alternative<api_error>(parsed));
    return 0;
  }
  const auto respelled = fuzz::json_respelled(body);
  if (!respelled) return 0;
  const auto& rewritten = *respelled;
  const auto again = gateway::parse_create_payment(rewritten, limits);
  FUZZ_CHECK(parsed.index() == again.index());
  if (const auto* first = std::get_if<new_checkout>(&parsed)) {
    const auto& second = std::get<new_checkout>(again);
    FUZZ_CHECK(first->request_hash == second.request_hash);
    FUZZ_CHECK(first->buyer_info_json == second.buyer_info_json);
  } else {
    FUZZ_CHECK(std::get<api_error>(parsed).code
               == std::get<api_error>(again).code);
    FUZZ_CHECK(std::get<api_error>(parsed).param
               == std::get<api_error>(again).param);
  }
  return 0;
}
