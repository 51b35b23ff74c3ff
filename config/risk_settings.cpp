#include "config/risk_settings.hpp"

#include <charconv>
#include <map>
#include <set>

#include "domain/common/money.hpp"

namespace pay {

namespace {

using domain::risk_rules;

// Parses one value into `rules`: "" on success, else the reason.
using risk_parser = std::string (*)(std::string_view value, risk_rules& rules);

bool is_ascii_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
         || c == '\f';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_ascii_whitespace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_ascii_whitespace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string quoted(std::string_view text) {
  return "'" + std::string{text} + "'";
}

// "a, b,c" -> {"a", "b", "c"}; "" -> {}. A stray comma ("a,,b", "a,") is an
// error rather than silently ignored: it is usually a value cut short.
std::string split_list(std::string_view value,
                       std::vector<std::string_view>& entries) {
  entries.clear();
  value = trim(value);
  if (value.empty()) return {};
  for (std::size_t position = 1;; ++position) {
    const std::size_t comma = value.find(',');
    const std::string_view entry = trim(value.substr(0, comma));
    if (entry.empty()) {
      return "entry " + std::to_string(position) + " is empty (a stray comma?)";
    }
    if (entries.size() == risk_list_entries_max) {
      return "more than " + std::to_string(risk_list_entries_max) + " entries";
    }
    entries.push_back(entry);
    if (comma == std::string_view::npos) return {};
    value.remove_prefix(comma + 1);
  }
}

// "USD:5000.00" -> {"USD", 500000}, in the currency's own exponent.
std::string parse_amount_entry(std::string_view entry,
                               std::map<std::string, std::int64_t>& out) {
  const std::size_t colon = entry.find(':');
  if (colon == std::string_view::npos) {
    return "entry " + quoted(entry)
           + " is not CURRENCY:AMOUNT, e.g. 'USD:5000.00'";
  }
  const std::string_view code = trim(entry.substr(0, colon));
  const std::string_view amount = trim(entry.substr(colon + 1));
  const domain::money_parse_result parsed = domain::parse_money(amount, code);
  if (parsed.error != domain::money_error::ok) {
    return "entry " + quoted(entry) + ": "
           + std::string{domain::to_message(parsed.error)} + " ("
           + std::string{domain::to_code(parsed.error)} + ")";
  }
  const std::string currency{parsed.value.currency.code};
  if (!out.emplace(currency, parsed.value.amount_minor).second) {
    return "currency " + currency + " appears twice";
  }
  return {};
}

std::string parse_amounts(std::string_view value,
                          std::map<std::string, std::int64_t>& field) {
  std::vector<std::string_view> entries;
  if (std::string err = split_list(value, entries); !err.empty()) return err;
  std::map<std::string, std::int64_t> parsed;
  for (std::string_view entry : entries) {
    if (std::string err = parse_amount_entry(entry, parsed); !err.empty()) {
      return err;
    }
  }
  field = std::move(parsed);
  return {};
}

std::string parse_count(std::string_view value, std::uint32_t min,
                        std::uint32_t max, std::uint32_t& field) {
  value = trim(value);
  std::uint32_t parsed = 0;
  const char* end = value.data() + value.size();
  const auto [stop, ec] = std::from_chars(value.data(), end, parsed);
  if (value.empty() || ec == std::errc::invalid_argument || stop != end) {
    return "not a whole number: " + quoted(value);
  }
  if (ec == std::errc::result_out_of_range || parsed < min || parsed > max) {
    return "out of range [" + std::to_string(min) + ", " + std::to_string(max)
           + "]: " + std::string{value};
  }
  field = parsed;
  return {};
}

// A list whose entries each pass `check` (which may normalise the entry).
template <class Check>
std::string parse_set(std::string_view value, std::set<std::string>& field,
                      Check check) {
  std::vector<std::string_view> entries;
  if (std::string err = split_list(value, entries); !err.empty()) return err;
  std::set<std::string> parsed;
  for (std::string_view entry : entries) {
    std::string normalised{entry};
    if (std::string err = check(normalised); !err.empty()) {
      return "entry " + quoted(entry) + ": " + err;
    }
    parsed.insert(std::move(normalised));
  }
  field = std::move(parsed);
  return {};
}

std::string check_account(std::string&) { return {}; }

// Lowercases `domain` in place; letters, digits and '-' in non-empty
// dot-separated labels, at most 253 characters (DNS limits).
std::string check_domain(std::string& domain) {
  if (domain.find('@') != std::string::npos) {
    return "a domain, not an e-mail address: write 'evil.com'";
  }
  if (domain.find('*') != std::string::npos) {
    return "no wildcards: 'evil.com' already covers its subdomains";
  }
  if (domain.size() > 253) return "longer than 253 characters";
  std::size_t label_size = 0;
  for (char& c : domain) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool label_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                            || c == '-';
    if (c == '.') {
      if (label_size == 0) return "empty label (a leading or double '.')";
      label_size = 0;
    } else if (!label_char) {
      return "only letters, digits, '-' and '.' are allowed in a domain";
    } else if (++label_size > 63) {
      return "a label is longer than 63 characters";
    }
  }
  if (label_size == 0) return "empty label (a trailing '.')";
  return {};
}

// Strict like currency codes: "us" or "USA" is refused, not guessed at.
std::string check_country(std::string& code) {
  const bool two_uppercase = code.size() == 2 && code[0] >= 'A'
                             && code[0] <= 'Z' && code[1] >= 'A'
                             && code[1] <= 'Z';
  if (two_uppercase) return {};
  return "not an ISO 3166-1 alpha-2 code (two uppercase letters, e.g. 'US')";
}

struct risk_key_spec {
  risk_key names;
  risk_parser parse;
};

const std::vector<risk_key_spec>& specs() {
  static const std::vector<risk_key_spec> all = {
    {{"risk.block_amount", "PAYMENTD_RISK_BLOCK_AMOUNT"},
     [](std::string_view v, risk_rules& r) {
       return parse_amounts(v, r.block_amount_minor);
     }},
    {{"risk.review_amount", "PAYMENTD_RISK_REVIEW_AMOUNT"},
     [](std::string_view v, risk_rules& r) {
       return parse_amounts(v, r.review_amount_minor);
     }},
    {{"risk.velocity_window_s", "PAYMENTD_RISK_VELOCITY_WINDOW_S"},
     [](std::string_view v, risk_rules& r) {
       return parse_count(v, 1, risk_velocity_window_s_max,
                          r.velocity_window_s);
     }},
    {{"risk.velocity_review_count", "PAYMENTD_RISK_VELOCITY_REVIEW_COUNT"},
     [](std::string_view v, risk_rules& r) {
       return parse_count(v, 0, risk_velocity_count_max,
                          r.velocity_review_count);
     }},
    {{"risk.velocity_block_count", "PAYMENTD_RISK_VELOCITY_BLOCK_COUNT"},
     [](std::string_view v, risk_rules& r) {
       return parse_count(v, 0, risk_velocity_count_max,
                          r.velocity_block_count);
     }},
    {{"risk.blocked_accounts", "PAYMENTD_RISK_BLOCKED_ACCOUNTS"},
     [](std::string_view v, risk_rules& r) {
       return parse_set(v, r.blocked_accounts, check_account);
     }},
    {{"risk.blocked_email_domains", "PAYMENTD_RISK_BLOCKED_EMAIL_DOMAINS"},
     [](std::string_view v, risk_rules& r) {
       return parse_set(v, r.blocked_email_domains, check_domain);
     }},
    {{"risk.review_email_domains", "PAYMENTD_RISK_REVIEW_EMAIL_DOMAINS"},
     [](std::string_view v, risk_rules& r) {
       return parse_set(v, r.review_email_domains, check_domain);
     }},
    {{"risk.blocked_countries", "PAYMENTD_RISK_BLOCKED_COUNTRIES"},
     [](std::string_view v, risk_rules& r) {
       return parse_set(v, r.blocked_countries, check_country);
     }},
    {{"risk.review_countries", "PAYMENTD_RISK_REVIEW_COUNTRIES"},
     [](std::string_view v, risk_rules& r) {
       return parse_set(v, r.review_countries, check_country);
     }},
  };
  return all;
}

const risk_key_spec* find_spec(std::string_view key) {
  for (const risk_key_spec& spec : specs()) {
    if (key == spec.names.key) return &spec;
  }
  return nullptr;
}

std::string first_in_both(const std::set<std::string>& a,
                          const std::set<std::string>& b) {
  for (const std::string& entry : a) {
    if (b.count(entry) != 0) return entry;
  }
  return {};
}

}  // namespace

const std::vector<risk_key>& risk_keys() {
  static const std::vector<risk_key> all = [] {
    std::vector<risk_key> keys;
    for (const risk_key_spec& spec : specs()) keys.push_back(spec.names);
    return keys;
  }();
  return all;
}

bool is_risk_key(std::string_view key) { return find_spec(key) != nullptr; }

std::string parse_risk_setting(std::string_view key, std::string_view value,
                               domain::risk_rules& rules) {
  const risk_key_spec* spec = find_spec(key);
  if (spec == nullptr) return "unknown risk key " + quoted(key);
  return spec->parse(value, rules);
}

std::string apply_risk_setting(std::string_view key, std::string_view value,
                               domain::risk_rules& rules) {
  std::string err = parse_risk_setting(key, value, rules);
  if (err.empty()) return err;
  return std::string{key} + ": " + err;
}

std::string validate_risk_rules(const domain::risk_rules& rules) {
  if (rules.velocity_review_count > 0 && rules.velocity_block_count > 0
      && rules.velocity_review_count >= rules.velocity_block_count) {
    return "risk.velocity_review_count ("
           + std::to_string(rules.velocity_review_count)
           + ") must be below risk.velocity_block_count ("
           + std::to_string(rules.velocity_block_count) + ")";
  }
  for (const auto& [currency, review_minor] : rules.review_amount_minor) {
    const auto block = rules.block_amount_minor.find(currency);
    if (block != rules.block_amount_minor.end()
        && review_minor >= block->second) {
      return "risk.review_amount for " + currency
             + " must be below risk.block_amount for " + currency;
    }
  }
  if (std::string both = first_in_both(rules.blocked_email_domains,
                                       rules.review_email_domains);
      !both.empty()) {
    return "domain " + quoted(both) +
           " is in both risk.blocked_email_domains and "
           "risk.review_email_domains";
  }
  if (std::string both = first_in_both(rules.blocked_countries,
                                       rules.review_countries);
      !both.empty()) {
    return "country " + quoted(both)
           + " is in both risk.blocked_countries and risk.review_countries";
  }
  return {};
}

}  // namespace pay
