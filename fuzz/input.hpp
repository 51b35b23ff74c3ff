#pragma once
// Targets that take several inputs read them from one text, so a seed can
// be written (and a reproducer read) by hand: "<head>\n<rest>".

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace pay::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Everything before the first '\n', and everything after it ("" if none).
inline std::pair<std::string_view, std::string_view> split_line(
  std::string_view text) {
  const std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return {text, {}};
  return {text.substr(0, nl), text.substr(nl + 1)};
}

}  // namespace pay::fuzz
