#include "gateway/common/text_checks.hpp"

namespace pay::gateway {

std::size_t utf8_chars(std::string_view text) {
  std::size_t chars = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++chars;
  return chars;
}

bool has_control_chars(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

}  // namespace pay::gateway
