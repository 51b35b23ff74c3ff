#pragma once
// What buyer_info may hold so that it is stored exactly as given: bounded
// size and member count (one client added 580 MB in 15 s before), strings of
// at most `string_chars_max` characters without control characters (an
// e-mail of 2.7 KB broke an index), and only numbers that survive the trip
// unchanged: integers within +-2^53 (I-JSON, RFC 7493). A fraction or an
// exponent (2.5, 1e400) must come as a string.

#include <cstddef>
#include <optional>

#include <boost/json/object.hpp>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

struct buyer_info_limits {
  std::size_t bytes_max = 4 * 1024;  // of its canonical JSON text
  std::size_t members_max = 32;      // object members and array items, nested
  std::size_t string_chars_max = 512;
};

std::optional<api_error> check_buyer_info(const boost::json::object& buyer,
                                          std::size_t canonical_bytes,
                                          const buyer_info_limits& limits);

}  // namespace pay::gateway
