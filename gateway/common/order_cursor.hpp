#pragma once
// The cursor of GET /admin/orders: where the previous page ended, as the
// (updated_at, payment_order_id) key the listing is ordered by. Opaque to
// clients; "<microseconds since epoch>.<payment_order_id>".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::gateway {

struct order_cursor {
  std::int64_t updated_us = 0;
  std::string id;
};

std::string encode_cursor(const order_cursor& cursor);
// nullopt: not a cursor this API handed out.
std::optional<order_cursor> decode_cursor(std::string_view text);

}  // namespace pay::gateway
