#pragma once
// API keys in Stripe's shape: "sk_test_" or "sk_live_" and 43 base62
// characters (256 random bits). Only a SHA-256 of the whole key is stored:
// the key is random and long, so no salt or slow hash is needed to make a
// stolen table useless (that is what those are for with passwords), and a
// fast hash lets every request be checked without a database trip.

#include <optional>
#include <string>
#include <string_view>

namespace pay::domain {

enum class key_role { merchant, readonly, admin };
enum class key_mode { test, live };

std::string_view to_string(key_role role);
std::optional<key_role> parse_key_role(std::string_view text);
std::string_view to_string(key_mode mode);
std::optional<key_mode> parse_key_mode(std::string_view text);

inline constexpr std::size_t key_secret_chars = 43;  // 43 * log2(62) > 256
// "sk_test_" + 43 characters.
inline constexpr std::size_t key_length = 8 + key_secret_chars;
// The part shown in listings: the mode and the first four characters.
inline constexpr std::size_t key_prefix_length = 12;

// A new secret key from the operating system's CSPRNG.
std::string generate_api_key(key_mode mode);
// A new public id for an account ("acct_" + 16 base62) or a key ("key_"...).
std::string generate_account_id();
std::string generate_key_id();

// True when `text` has the exact shape of a key (mode, length, alphabet).
// Anything else is refused before hashing or lookup.
bool is_well_formed_api_key(std::string_view text);
std::optional<key_mode> mode_of_api_key(std::string_view key);

// The stored form: SHA-256 of the key, 32 raw bytes.
std::string api_key_hash(std::string_view key);
// Constant-time equality of two stored hashes.
bool same_key_hash(std::string_view a, std::string_view b);

// True for an account id of the generated shape; ids scoped to an account
// are "<account>:<client id>" (see domain/access/account_scope.hpp).
bool is_account_id(std::string_view text);

}  // namespace pay::domain
