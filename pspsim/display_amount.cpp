#include "pspsim/display_amount.hpp"

#include "domain/common/display_amount.hpp"
#include "pspsim/stripe_amounts.hpp"

namespace pay::pspsim {

std::string display_amount(std::int64_t amount_minor,
                           std::string_view currency) {
  std::string code{currency};
  for (char& c : code)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  auto iso = domain::find_currency(code);
  const int wire = stripe_decimals(currency);
  if (!iso) return domain::display_amount(amount_minor, {code, 2});
  // Stripe's extra decimals (ISK, HUF): dropped when they are zero.
  std::int64_t scale = 1;
  for (int i = iso->exponent; i < wire; ++i) scale *= 10;
  if (amount_minor % scale == 0)
    return domain::display_amount(amount_minor / scale, *iso);
  return domain::display_amount(
    amount_minor,
    domain::currency_info{iso->code, static_cast<std::uint8_t>(wire)});
}

}  // namespace pay::pspsim
