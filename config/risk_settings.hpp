#pragma once
// The risk.* configuration keys: parsing config strings into
// domain::risk_rules, with errors as values that name the key. Every key is
// documented in config/paymentd.conf; the defaults allow everything.
//
//   risk.block_amount / risk.review_amount   USD:5000.00,JPY:500000
//       decimal major units per the currency's exponent, never float
//   risk.velocity_window_s                   1 .. 2592000 (30 days)
//   risk.velocity_review_count / _block_count 0 (off) .. 1000000
//   risk.blocked_accounts                    acct_1,acct_2
//   risk.blocked_email_domains / review_...  evil.com,spam.example
//   risk.blocked_countries / review_...      KP,IR (ISO 3166-1 alpha-2)
// Lists are comma-separated, each entry trimmed; an empty value is none.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/risk/risk_rules.hpp"

namespace pay {

// Bounds, named so tests can sit exactly on them.
inline constexpr std::size_t risk_list_entries_max = 10'000;
inline constexpr std::uint32_t risk_velocity_window_s_max = 30 * 24 * 3600;
inline constexpr std::uint32_t risk_velocity_count_max = 1'000'000;

struct risk_key {
  const char* key;  // "risk.block_amount"
  const char* env;  // "PAYMENTD_RISK_BLOCK_AMOUNT"
};

// Every risk.* key, in the order config/paymentd.conf documents them.
const std::vector<risk_key>& risk_keys();

bool is_risk_key(std::string_view key);

// Parses `value` for `key` into `rules`. Returns "" on success, or why the
// value was refused without naming the key (settings.cpp prefixes the key or
// the environment variable itself). On error `rules` is unchanged.
std::string parse_risk_setting(std::string_view key, std::string_view value,
                               domain::risk_rules& rules);

// parse_risk_setting, with the error prefixed by the key: "risk.x: reason".
std::string apply_risk_setting(std::string_view key, std::string_view value,
                               domain::risk_rules& rules);

// Checks between keys, once every key is applied: a review threshold at or
// above its block threshold, or one country or domain listed for both, would
// never ask for review. Returns "" when consistent, else an error naming
// both keys.
std::string validate_risk_rules(const domain::risk_rules& rules);

// Appends one row per risk key to settings.cpp's key table, whose rows are
// {key, env, setter(Settings&, const std::string&) -> error}. A template so
// the table's row type can stay private to settings.cpp.
template <class KeySpec, class Settings>
void append_risk_keys(std::vector<KeySpec>& specs,
                      domain::risk_rules Settings::*rules) {
  for (const risk_key& k : risk_keys()) {
    const char* key = k.key;
    specs.push_back(KeySpec{
      k.key, k.env,
      [key, rules](Settings& s, const std::string& text) -> std::string {
        return parse_risk_setting(key, text, s.*rules);
      }});
  }
}

}  // namespace pay
