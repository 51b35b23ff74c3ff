#pragma once
// What the risk rules look at for one checkout, gathered before evaluation so
// the rules themselves stay pure: who the buyer says they are (from the
// free-form buyer_info), what they want to pay, and how often they paid
// lately (counted by the caller in the database).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pay::domain {

// One payment order of the checkout, as the gateway validated it.
struct risk_order {
  std::string currency;  // ISO 4217 code, e.g. "USD"
  std::int64_t amount_minor = 0;
};

struct risk_facts {
  // All three are trimmed of ASCII whitespace (so " bob" cannot slip past a
  // block on "bob") and empty when not given.
  std::string account_id;  // otherwise exact: ids are case-sensitive
  std::string email;
  std::string country;  // ASCII-uppercased: "us" is "US"
  std::vector<risk_order> orders;
  // The buyer's checkouts inside the velocity window, this one included (so
  // at least 1 when the caller counted after recording this checkout).
  std::uint32_t recent_checkouts = 0;
};

// Reads the documented fields of buyer_info: "account_id", "email",
// "country", or "address": {"country": ...} when there is no top-level
// country. buyer_info is arbitrary client JSON: anything that is not valid
// JSON, not an object, or a field of the wrong type counts as absent.
risk_facts facts_from_buyer_info(std::string_view buyer_info_json,
                                 std::vector<risk_order> orders,
                                 std::uint32_t recent_checkouts);

// The part after the last '@', trimmed, ASCII-lowercased, without one
// trailing '.' (the fully-qualified spelling "evil.com." is the same
// domain). Empty when there is no '@' or nothing after it.
std::string email_domain(std::string_view email);

// True when `domain` is `rule_domain` or one of its subdomains:
// "evil.com" matches "evil.com" and "mail.evil.com", never "notevil.com".
// Both arguments must already be lowercase.
bool domain_matches(std::string_view domain, std::string_view rule_domain);

}  // namespace pay::domain
