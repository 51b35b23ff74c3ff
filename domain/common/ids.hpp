#pragma once
// Strong identifier types: a checkout id can never be passed where a payment
// order id is expected, even though both are strings on the wire.

#include <functional>
#include <string>
#include <string_view>

namespace pay::domain {

// Client-chosen ids are bounded so a key can never grow a row or a log line
// without limit.
inline constexpr std::size_t id_length_max = 255;

template <class Tag>
struct strong_id {
  std::string value;

  friend bool operator==(const strong_id& a, const strong_id& b) {
    return a.value == b.value;
  }
  friend bool operator!=(const strong_id& a, const strong_id& b) {
    return !(a == b);
  }
  friend bool operator<(const strong_id& a, const strong_id& b) {
    return a.value < b.value;
  }
};

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, strong_id<Tag>& x) {
  return f(x.value);
}

template <class Tag>
std::string to_string(const strong_id<Tag>& x) {
  return x.value;
}

using checkout_id = strong_id<struct checkout_id_tag>;
using payment_order_id = strong_id<struct payment_order_id_tag>;
using seller_account = strong_id<struct seller_account_tag>;
// Ours, made when the entity is created ("rf_...", "pyo_...").
using refund_id = strong_id<struct refund_id_tag>;
using payout_id = strong_id<struct payout_id_tag>;

// Printable ASCII without spaces: ids end up in URLs, logs and PSP metadata.
bool is_valid_id(const std::string& id);

// A Stripe connected account id: "acct_" then letters, digits or '_' (as
// the connected_account table checks it).
bool is_stripe_account_id(std::string_view id);

// ISO 3166-1 alpha-2 shape: two uppercase ASCII letters ("US").
bool is_country_code(std::string_view code);

}  // namespace pay::domain

template <class Tag>
struct std::hash<pay::domain::strong_id<Tag>> {
  std::size_t operator()(const pay::domain::strong_id<Tag>& x) const noexcept {
    return std::hash<std::string>{}(x.value);
  }
};
