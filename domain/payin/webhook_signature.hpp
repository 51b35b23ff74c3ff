#pragma once
// Webhook signatures in Stripe's format, both sides: the PSP (pspsim) signs,
// paymentd verifies before it parses a single byte of the body.
//
//   Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// A header may carry several v1 values (the PSP signs with every secret of a
// rotation) and schemes we do not know (v0, ...), which are ignored. The
// verifier likewise accepts a list of secrets, so an endpoint can roll its
// secret without losing events. Pure: no clock, no I/O; errors are values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pay::domain {

// Stripe's default: a replayed or delayed event older (or newer, for a clock
// ahead of ours) than this is refused.
constexpr std::int64_t webhook_tolerance_s_default = 300;
// A real header is ~100 bytes; a few rotated signatures stay far below this.
// Anything longer is refused before it is scanned.
constexpr std::size_t webhook_header_chars_max = 4096;
constexpr std::size_t webhook_signatures_max = 16;

enum class webhook_verify_result : std::uint8_t {
  ok = 0,
  missing_header = 1,               // empty header
  malformed_header = 2,             // no t, t not a whole number, bad pairs
  no_v1_signature = 3,              // well formed, but no v1 to check
  timestamp_outside_tolerance = 4,  // |now - t| > tolerance
  signature_mismatch = 5,           // no v1 matches any secret
};

// "ok", "missing_header", ... (stable: used as error codes and log fields).
std::string_view to_string(webhook_verify_result result);

// The hex HMAC-SHA256 of "<t_s>.<body>" with `secret` (64 lowercase hex).
std::string webhook_signature_hex(std::string_view secret, std::int64_t t_s,
                                  std::string_view body);

// The full header value: "t=<t_s>,v1=<hex>".
std::string sign_webhook(std::string_view secret, std::int64_t t_s,
                         std::string_view body);

// Checks the header against every secret; constant-time comparison of each
// candidate. The timestamp is checked before any HMAC is computed.
webhook_verify_result verify_webhook(
  std::string_view header, std::string_view body,
  const std::vector<std::string>& secrets, std::int64_t now_s,
  std::int64_t tolerance_s = webhook_tolerance_s_default);

}  // namespace pay::domain
