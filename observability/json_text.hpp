#pragma once
// JSON string escaping for log lines (RFC 8259: quote, backslash and control
// characters). Bytes >= 0x80 pass through, so UTF-8 stays UTF-8.

#include <string>
#include <string_view>

namespace pay::obs {

void append_json_escaped(std::string_view text, std::string& out);

}  // namespace pay::obs
