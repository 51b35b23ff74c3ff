#include "domain/risk/risk_facts.hpp"

#include <boost/json.hpp>

namespace pay::domain {

namespace json = boost::json;

namespace {

// Not std::isspace/toupper: those follow the C locale and are undefined for
// negative chars (any UTF-8 byte); only ASCII is meant here.
bool is_ascii_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
         || c == '\f';
}

std::string_view trim_ascii(std::string_view text) {
  while (!text.empty() && is_ascii_whitespace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_ascii_whitespace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string to_ascii_upper(std::string_view text) {
  std::string out{text};
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string to_ascii_lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The field's string value, or nullptr when it is missing or not a string.
const json::string* string_field(const json::object& object,
                                 std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value == nullptr ? nullptr : value->if_string();
}

std::string trimmed(const json::string* text) {
  if (text == nullptr) return {};
  return std::string{trim_ascii(std::string_view{text->data(), text->size()})};
}

// Top-level "country" wins; a nested address is the common shape of
// checkout forms, so it is the fallback.
const json::string* country_field(const json::object& buyer) {
  if (const json::string* top = string_field(buyer, "country")) return top;
  const json::value* address = buyer.if_contains("address");
  if (address == nullptr || !address->is_object()) return nullptr;
  return string_field(address->get_object(), "country");
}

}  // namespace

risk_facts facts_from_buyer_info(std::string_view buyer_info_json,
                                 std::vector<risk_order> orders,
                                 std::uint32_t recent_checkouts) {
  risk_facts facts;
  facts.orders = std::move(orders);
  facts.recent_checkouts = recent_checkouts;
  boost::system::error_code ec;
  const json::value root = json::parse(
    json::string_view{buyer_info_json.data(), buyer_info_json.size()}, ec);
  if (ec || !root.is_object()) return facts;
  const json::object& buyer = root.get_object();
  facts.account_id = trimmed(string_field(buyer, "account_id"));
  facts.email = trimmed(string_field(buyer, "email"));
  facts.country = to_ascii_upper(trimmed(country_field(buyer)));
  return facts;
}

std::string email_domain(std::string_view email) {
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string_view domain = trim_ascii(email.substr(at + 1));
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  return to_ascii_lower(domain);
}

bool domain_matches(std::string_view domain, std::string_view rule_domain) {
  if (domain.empty() || rule_domain.empty()) return false;
  if (domain == rule_domain) return true;
  // A subdomain ends with "." + rule_domain; the dot is what keeps
  // "notevil.com" from matching "evil.com".
  if (domain.size() <= rule_domain.size()) return false;
  const std::size_t dot = domain.size() - rule_domain.size() - 1;
  return domain[dot] == '.' && domain.substr(dot + 1) == rule_domain;
}

}  // namespace pay::domain
