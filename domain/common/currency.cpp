#include "domain/common/currency.hpp"

#include <algorithm>
#include <iterator>

namespace pay::domain {

namespace {

constexpr bool is_currency_code(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// Binary search needs strict ordering; a duplicate or misplaced row would
// make some currency unreachable, so the build fails instead.
constexpr bool table_is_well_formed() {
  constexpr std::size_t count = std::size(currency_table);
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_currency_code(currency_table[i].code)) return false;
    if (i > 0 && !(currency_table[i - 1].code < currency_table[i].code)) {
      return false;
    }
  }
  return true;
}

static_assert(table_is_well_formed(),
              "currency_table: codes must be 3 uppercase letters, sorted, "
              "unique");

}  // namespace

std::optional<currency_info> find_currency(std::string_view code) {
  if (!is_currency_code(code)) return std::nullopt;
  const auto* first = std::begin(currency_table);
  const auto* last = std::end(currency_table);
  const auto* found = std::lower_bound(
    first, last, code, [](const currency_info& row, std::string_view key) {
      return row.code < key;
    });
  if (found == last || found->code != code) return std::nullopt;
  return *found;
}

std::string stripe_currency(std::string_view code) {
  std::string out{code};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace pay::domain
