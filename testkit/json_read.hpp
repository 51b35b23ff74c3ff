#pragma once
// Small readers of JSON answers, for tests and tools.

#include <initializer_list>
#include <string>

#include <boost/json.hpp>

#include "http/sync_client.hpp"

namespace pay::it {

// The body parsed as JSON; null when it is not JSON.
boost::json::value json_of(const http::sync_result& r);

// The header's value, empty when absent.
std::string header_of(const http::sync_result& r, const char* name);

// A member by path ("error", "code"), as a string; "<absent>", "<null>" or
// "<not a string>" otherwise, so a mismatch prints what was there.
std::string string_at(const boost::json::value& v,
                      std::initializer_list<const char*> path);

}  // namespace pay::it
