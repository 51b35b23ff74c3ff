// application/x-www-form-urlencoded encoding and decoding, as Stripe's API
// speaks it, plus the query-string helpers the servers share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pay::http {

// Keeps the order of the fields and any duplicates: Stripe-style keys such as
// `metadata[order_id]` are kept literally, the caller interprets them.
using form_fields = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes everything except RFC 3986 unreserved characters
// (ALPHA / DIGIT / "-" / "." / "_" / "~"); a space becomes "%20".
std::string url_encode_component(std::string_view text);

// Decodes %XX escapes; with plus_as_space (form bodies, query strings) a '+'
// is a space. nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> url_decode_component(std::string_view text,
                                                bool plus_as_space = true);

std::string form_encode(const form_fields& fields);

// Empty pairs ("a=1&&b=2") are skipped; a pair without '=' is a key with an
// empty value. nullopt on a bad %-escape.
std::optional<form_fields> form_decode(std::string_view body);

// The part of a request target before '?' (the path).
std::string_view target_path(std::string_view target);

// Decodes the part of a request target after '?' (a '#fragment' is ignored);
// no '?' gives no fields. nullopt on a bad %-escape.
std::optional<form_fields> parse_query(std::string_view target);

// The value of the first field called `key`, if any.
std::optional<std::string_view> form_value(const form_fields& fields,
                                           std::string_view key);

}  // namespace pay::http
