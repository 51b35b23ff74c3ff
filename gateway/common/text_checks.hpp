#pragma once
// Free text from clients: limits count characters (UTF-8 code points), not
// bytes, and control characters are refused — a NUL cuts text short in C
// APIs and PostgreSQL refuses it, and the others have no business in a name,
// reason or address.

#include <cstddef>
#include <string_view>

namespace pay::gateway {

// Code points in valid UTF-8 text (boost::json has validated it).
std::size_t utf8_chars(std::string_view text);

// True when `text` holds a C0 control character or DEL.
bool has_control_chars(std::string_view text);

}  // namespace pay::gateway
