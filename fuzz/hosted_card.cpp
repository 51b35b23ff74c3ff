// The hosted page's card form as pspsim's POST /pay/{session} reads it:
// form_decode, then check_card. Input: the form body (card_number,
// card_expiry, card_cvc, card_name); optionally a first line "YYYY-MM" as
// today's date, else 2026-03. A card is accepted exactly when it has 13-19
// digits that pass Luhn, an expiry not before this month, a 3-4 digit CVC
// and a name; what is kept is the brand and the last four digits only.

#include <string>

#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "http/form.hpp"
#include "pspsim/hosted_card.hpp"

using namespace pay;
using namespace pay::pspsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text = pay::fuzz::as_text(data, size);
  int year = 2026;
  int month = 3;
  const auto [head, rest] = pay::fuzz::split_line(text);
  if (head.size() == 7 && head[4] == '-' && !rest.empty()) {
    int y = 0, m = 0;
    bool digits = true;
    for (int i : {0, 1, 2, 3})
      digits = digits && head[i] >= '0' && head[i] <= '9';
    for (int i : {5, 6}) digits = digits && head[i] >= '0' && head[i] <= '9';
    if (digits) {
      y = (head[0] - '0') * 1000 + (head[1] - '0') * 100 + (head[2] - '0') * 10
          + (head[3] - '0');
      m = (head[5] - '0') * 10 + (head[6] - '0');
    }
    if (digits && m >= 1 && m <= 12) {
      year = y;
      month = m;
      text = rest;
    }
  }
  const auto fields = http::form_decode(text);
  if (!fields) return 0;
  const auto value = [&](std::string_view name) {
    return http::form_value(*fields, name).value_or("");
  };
  const card_form form{value("card_number"), value("card_expiry"),
                       value("card_cvc"), value("card_name")};
  const card_check checked = check_card(form, year, month);
  FUZZ_CHECK(checked.card.has_value() == checked.error.empty());
  if (!checked.card) {
    FUZZ_CHECK(!checked.field.empty());
    return 0;
  }
  std::string digits;
  for (char c : form.number)
    if (c != ' ') digits.push_back(c);
  FUZZ_CHECK(digits.size() >= card_digits_min
             && digits.size() <= card_digits_max);
  FUZZ_CHECK(luhn_valid(digits));
  FUZZ_CHECK(checked.card->last4 == digits.substr(digits.size() - 4));
  const auto& brand = checked.card->brand;
  FUZZ_CHECK(brand == "visa" || brand == "mastercard" || brand == "amex"
             || brand == "card");
  FUZZ_CHECK(checked.card->outcome == hosted_card_outcome(digits));
  return 0;
}
