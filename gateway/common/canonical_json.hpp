#pragma once
// Canonical JSON (object keys sorted, no whitespace) and its SHA-256: two
// requests that mean the same thing hash the same, whatever their key order
// or spacing.

#include <string>

#include <boost/json.hpp>

namespace pay::gateway {

std::string canonical_json(const boost::json::value& value);
std::string sha256_hex(const std::string& text);

}  // namespace pay::gateway
