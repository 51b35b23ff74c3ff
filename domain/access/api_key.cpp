#include "domain/access/api_key.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

namespace pay::domain {

namespace {

constexpr std::string_view base62 =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view test_prefix = "sk_test_";
constexpr std::string_view live_prefix = "sk_live_";
constexpr std::size_t account_chars = 16;

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
         || (c >= 'a' && c <= 'z');
}

// Uniform base62 characters by rejection sampling: a byte maps to a
// character only below 248 (= 4 * 62), so no character is more likely.
std::string random_base62(std::size_t count) {
  std::string out;
  out.reserve(count);
  std::array<unsigned char, 64> bytes{};
  while (out.size() < count) {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
      throw std::runtime_error("the system's random source failed");
    for (unsigned char b : bytes) {
      if (b >= 248) continue;
      out += base62[b % 62];
      if (out.size() == count) break;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(key_role role) {
  switch (role) {
    case key_role::merchant:
      return "merchant";
    case key_role::readonly:
      return "readonly";
    case key_role::admin:
      return "admin";
  }
  return "readonly";
}

std::optional<key_role> parse_key_role(std::string_view text) {
  if (text == "merchant") return key_role::merchant;
  if (text == "readonly") return key_role::readonly;
  if (text == "admin") return key_role::admin;
  return std::nullopt;
}

std::string_view to_string(key_mode mode) {
  return mode == key_mode::live ? "live" : "test";
}

std::optional<key_mode> parse_key_mode(std::string_view text) {
  if (text == "test") return key_mode::test;
  if (text == "live") return key_mode::live;
  return std::nullopt;
}

std::string generate_api_key(key_mode mode) {
  std::string key{mode == key_mode::live ? live_prefix : test_prefix};
  return key + random_base62(key_secret_chars);
}

std::string generate_account_id() {
  return "acct_" + random_base62(account_chars);
}

std::string generate_key_id() { return "key_" + random_base62(account_chars); }

std::optional<key_mode> mode_of_api_key(std::string_view key) {
  if (key.size() != key_length) return std::nullopt;
  std::optional<key_mode> mode;
  if (key.substr(0, 8) == test_prefix) mode = key_mode::test;
  if (key.substr(0, 8) == live_prefix) mode = key_mode::live;
  if (!mode) return std::nullopt;
  for (char c : key.substr(8))
    if (!is_base62(c)) return std::nullopt;
  return mode;
}

bool is_well_formed_api_key(std::string_view text) {
  return mode_of_api_key(text).has_value();
}

std::string api_key_hash(std::string_view key) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool same_key_hash(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool is_account_id(std::string_view text) {
  if (text.size() != 5 + account_chars || text.substr(0, 5) != "acct_")
    return false;
  for (char c : text.substr(5))
    if (!is_base62(c)) return false;
  return true;
}

}  // namespace pay::domain
