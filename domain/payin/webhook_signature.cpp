#include "domain/payin/webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "domain/common/assert.hpp"

namespace pay::domain {
namespace {

constexpr std::size_t sha256_hex_chars = 64;
// 18 digits cannot overflow int64 and reach year 31 billion.
constexpr std::size_t timestamp_digits_max = 18;

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

bool parse_timestamp(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > timestamp_digits_max) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                         out);
  return ec == std::errc{} && end == text.data() + text.size();
}

struct parsed_header {
  bool well_formed = false;
  bool has_timestamp = false;
  std::int64_t t_s = 0;
  std::vector<std::string_view> v1;
};

// "k=v" pairs separated by ','; exactly one t; any number of v1 (bounded);
// other schemes are skipped.
parsed_header parse_header(std::string_view header) {
  parsed_header out;
  std::size_t pairs = 0;
  while (!header.empty()) {
    if (++pairs > webhook_signatures_max + 1) return out;
    const std::size_t comma = header.find(',');
    const std::string_view item = trimmed(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{}
                                             : header.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return out;
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (out.has_timestamp || !parse_timestamp(value, out.t_s)) return out;
      out.has_timestamp = true;
    } else if (key == "v1") {
      out.v1.push_back(value);
    }
  }
  out.well_formed = out.has_timestamp;
  return out;
}

// Unsigned difference: no overflow for any pair of int64 values.
std::uint64_t distance_s(std::int64_t a, std::int64_t b) {
  const auto ua = static_cast<std::uint64_t>(a);
  const auto ub = static_cast<std::uint64_t>(b);
  return a >= b ? ua - ub : ub - ua;
}

bool matches(std::string_view candidate, const std::string& expected) {
  PAY_ASSERT(expected.size() == sha256_hex_chars);
  return candidate.size() == expected.size()
         && CRYPTO_memcmp(candidate.data(), expected.data(), expected.size())
              == 0;
}

}  // namespace

std::string_view to_string(webhook_verify_result result) {
  switch (result) {
    case webhook_verify_result::ok:
      return "ok";
    case webhook_verify_result::missing_header:
      return "missing_header";
    case webhook_verify_result::malformed_header:
      return "malformed_header";
    case webhook_verify_result::no_v1_signature:
      return "no_v1_signature";
    case webhook_verify_result::timestamp_outside_tolerance:
      return "timestamp_outside_tolerance";
    case webhook_verify_result::signature_mismatch:
      return "signature_mismatch";
  }
  return "unknown";
}

std::string webhook_signature_hex(std::string_view secret, std::int64_t t_s,
                                  std::string_view body) {
  std::string payload = std::to_string(t_s);
  payload.reserve(payload.size() + 1 + body.size());
  payload.push_back('.');
  payload.append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const unsigned char* result = HMAC(
    EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
    reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
    digest, &length);
  PAY_ASSERT(result != nullptr && length * 2 == sha256_hex_chars);
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(sha256_hex_chars);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(hex_digits[digest[i] >> 4]);
    hex.push_back(hex_digits[digest[i] & 0x0f]);
  }
  return hex;
}

std::string sign_webhook(std::string_view secret, std::int64_t t_s,
                         std::string_view body) {
  PAY_ASSERT(t_s >= 0);
  return "t=" + std::to_string(t_s)
         + ",v1=" + webhook_signature_hex(secret, t_s, body);
}

webhook_verify_result verify_webhook(std::string_view header,
                                     std::string_view body,
                                     const std::vector<std::string>& secrets,
                                     std::int64_t now_s,
                                     std::int64_t tolerance_s) {
  PAY_ASSERT(tolerance_s >= 0);
  if (header.empty()) return webhook_verify_result::missing_header;
  if (header.size() > webhook_header_chars_max) {
    return webhook_verify_result::malformed_header;
  }
  const parsed_header parsed = parse_header(header);
  if (!parsed.well_formed) return webhook_verify_result::malformed_header;
  if (parsed.v1.empty()) return webhook_verify_result::no_v1_signature;
  if (distance_s(now_s, parsed.t_s) > static_cast<std::uint64_t>(tolerance_s)) {
    return webhook_verify_result::timestamp_outside_tolerance;
  }
  // Every candidate against every secret, without stopping early: the time
  // taken says nothing about which one matched.
  bool any_match = false;
  for (const std::string& secret : secrets) {
    const std::string expected = webhook_signature_hex(secret, parsed.t_s,
                                                       body);
    for (const std::string_view candidate : parsed.v1) {
      any_match = matches(candidate, expected) || any_match;
    }
  }
  return any_match ? webhook_verify_result::ok
                   : webhook_verify_result::signature_mismatch;
}

}  // namespace pay::domain
