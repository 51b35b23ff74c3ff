// decode_cursor: the opaque cursor of GET /admin/orders, as a client sends
// it back. A decoded cursor names a valid id and a non-negative time, and
// re-encodes to a cursor that decodes to the same place; every cursor the
// API hands out (encode_cursor of a real position) decodes to itself.

#include <cstring>
#include <string>

#include "domain/common/ids.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "gateway/common/order_cursor.hpp"

using namespace pay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text = pay::fuzz::as_text(data, size);
  if (const auto cursor = gateway::decode_cursor(text)) {
    FUZZ_CHECK(cursor->updated_us >= 0);
    FUZZ_CHECK(domain::is_valid_id(cursor->id));
    const auto again = gateway::decode_cursor(gateway::encode_cursor(*cursor));
    FUZZ_CHECK(again && again->updated_us == cursor->updated_us
               && again->id == cursor->id);
  }

  // A position as the listing hands it out: first 8 bytes the time, the
  // rest the id. Times stop at 18 digits (year 33658), as decode_cursor's.
  gateway::order_cursor position;
  std::memcpy(&position.updated_us, data, size < 8 ? size : 8);
  position.id = std::string{text.substr(size < 8 ? size : 8)};
  constexpr std::int64_t micros_end = 1'000'000'000'000'000'000;
  if (position.updated_us < 0 || position.updated_us >= micros_end
      || !domain::is_valid_id(position.id))
    return 0;
  const auto back = gateway::decode_cursor(gateway::encode_cursor(position));
  FUZZ_CHECK(back && back->updated_us == position.updated_us
             && back->id == position.id);
  return 0;
}
