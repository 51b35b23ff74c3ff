// The weighted mix of PSP test tokens a load run pays with, e.g.
// "pm_card_visa=90,pm_card_chargeDeclined=5,pm_card_processing=5". Tokens are
// opaque here: whatever pspsim learns next (3-D Secure, ...) works unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pay::loadgen {

struct weighted_token {
  std::string token;
  std::uint32_t weight;
};

struct token_mix {
  std::vector<weighted_token> tokens;  // in the order given
  std::uint64_t weight_total = 0;
};

// Bounds, so a typo cannot make a mix that overflows or never ends.
inline constexpr std::size_t tokens_max = 64;
inline constexpr std::uint32_t token_weight_max = 1'000'000;

struct token_mix_parse {
  token_mix mix;
  std::string error;  // empty on success
};

// "a=3,b=1": weights are whole numbers 0..token_weight_max, at least one
// positive; a token may not repeat; a bare "a" means "a=1".
token_mix_parse parse_token_mix(std::string_view text);

// The token for a uniform draw `ticket` in [0, weight_total).
const std::string& pick_token(const token_mix& mix, std::uint64_t ticket);

}  // namespace pay::loadgen
