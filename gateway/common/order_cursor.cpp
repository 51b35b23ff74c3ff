#include "gateway/common/order_cursor.hpp"

#include "domain/common/ids.hpp"

namespace pay::gateway {

namespace {
constexpr std::size_t micros_digits_max = 18;  // fits std::int64_t
}

std::string encode_cursor(const order_cursor& cursor) {
  return std::to_string(cursor.updated_us) + "." + cursor.id;
}

std::optional<order_cursor> decode_cursor(std::string_view text) {
  auto dot = text.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > micros_digits_max)
    return std::nullopt;
  order_cursor out;
  for (char c : text.substr(0, dot)) {
    if (c < '0' || c > '9') return std::nullopt;
    out.updated_us = out.updated_us * 10 + (c - '0');
  }
  out.id = std::string{text.substr(dot + 1)};
  if (!domain::is_valid_id(out.id)) return std::nullopt;
  return out;
}

}  // namespace pay::gateway
