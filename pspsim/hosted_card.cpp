#include "pspsim/hosted_card.hpp"

namespace pay::pspsim {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// Digits only, spaces dropped; nullopt for anything else.
std::optional<std::string> card_digits(std::string_view number) {
  std::string digits;
  for (const char c : number) {
    if (c == ' ') continue;
    if (!is_digit(c)) return std::nullopt;
    digits.push_back(c);
  }
  return digits;
}

std::string brand_of(std::string_view digits) {
  if (digits.front() == '4') return "visa";
  const int two = (digits[0] - '0') * 10 + (digits[1] - '0');
  const int four = std::stoi(std::string(digits.substr(0, 4)));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
    return "mastercard";
  }
  if (two == 34 || two == 37) return "amex";
  return "card";
}

// "MM/YY" -> months since year 0, or nullopt.
std::optional<int> expiry_months(std::string_view expiry) {
  const std::size_t slash = expiry.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view mm = trimmed(expiry.substr(0, slash));
  const std::string_view yy = trimmed(expiry.substr(slash + 1));
  if (mm.size() != 2 || yy.size() != 2) return std::nullopt;
  for (const char c : std::string(mm) + std::string(yy)) {
    if (!is_digit(c)) return std::nullopt;
  }
  const int month = (mm[0] - '0') * 10 + (mm[1] - '0');
  const int year = 2000 + (yy[0] - '0') * 10 + (yy[1] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  return year * 12 + (month - 1);
}

card_check refuse(std::string error, std::string field) {
  return {std::nullopt, std::move(error), std::move(field)};
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool doubled = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int d = *it - '0';
    if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

card_outcome hosted_card_outcome(std::string_view digits) {
  if (digits == "4000000000000002") return card_outcome::declined_generic;
  if (digits == "4000000000009995") {
    return card_outcome::declined_insufficient_funds;
  }
  if (digits == "4000002760003184") return card_outcome::three_ds_required;
  return card_outcome::succeeds;
}

refund_behaviour hosted_card_refund_behaviour(std::string_view digits) {
  if (digits == "4000000000007726") {
    return refund_behaviour::pending_then_succeeds;
  }
  if (digits == "4000000000005126") return refund_behaviour::fails_later;
  return refund_behaviour::normal;
}

card_checks hosted_card_checks(std::string_view digits) {
  constexpr auto fail = check_result::fail;
  constexpr auto unavailable = check_result::unavailable;
  card_checks checks;
  if (digits == "4000000000000101") checks.cvc = fail;
  if (digits == "4000000000000028" || digits == "4000000000000010") {
    checks.address_line1 = fail;
  }
  if (digits == "4000000000000036" || digits == "4000000000000010") {
    checks.address_postal_code = fail;
  }
  if (digits == "4000000000000044") {
    checks.address_line1 = unavailable;
    checks.address_postal_code = unavailable;
  }
  return checks;
}

risk_level hosted_card_risk(std::string_view digits) {
  if (digits == "4000000000009235") return risk_level::elevated;
  if (digits == "4100000000000019") return risk_level::highest;
  return risk_level::normal;
}

card_check check_card(const card_form& form, int now_year, int now_month) {
  if (form.number.size() > card_field_chars_max) {
    return refuse("Your card number is invalid.", "card-number");
  }
  const auto digits = card_digits(form.number);
  if (!digits || digits->empty()) {
    return refuse("Enter your card number (digits only).", "card-number");
  }
  if (digits->size() < card_digits_min || digits->size() > card_digits_max) {
    return refuse("Your card number must have 13 to 19 digits.", "card-number");
  }
  if (!luhn_valid(*digits)) {
    return refuse("Your card number is invalid.", "card-number");
  }
  const auto expiry = expiry_months(
    form.expiry.substr(0, card_field_chars_max));
  if (!expiry) return refuse("Enter the expiry date as MM/YY.", "card-expiry");
  if (*expiry < now_year * 12 + (now_month - 1)) {
    return refuse("Your card has expired.", "card-expiry");
  }
  const std::string_view cvc = trimmed(form.cvc);
  const bool cvc_ok = (cvc.size() == 3 || cvc.size() == 4)
                      && card_digits(cvc).value_or("").size() == cvc.size();
  if (!cvc_ok)
    return refuse("The security code must be 3 or 4 digits.", "card-cvc");
  const std::string_view name = trimmed(form.name);
  if (name.empty() || name.size() > cardholder_name_chars_max) {
    return refuse("Enter the name on the card (at most 100 characters).",
                  "card-name");
  }
  accepted_card card;
  card.brand = brand_of(*digits);
  card.last4 = digits->substr(digits->size() - 4);
  card.outcome = hosted_card_outcome(*digits);
  card.refunds = hosted_card_refund_behaviour(*digits);
  card.checks = hosted_card_checks(*digits);
  card.risk = hosted_card_risk(*digits);
  return {std::move(card), {}, {}};
}

}  // namespace pay::pspsim
