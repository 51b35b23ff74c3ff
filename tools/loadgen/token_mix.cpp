#include "tools/loadgen/token_mix.hpp"

#include <charconv>

#include "domain/common/assert.hpp"

namespace pay::loadgen {

namespace {

// The API's id rule (docs/api.md#ids), checked here so a bad token is an
// option error rather than thousands of 400s.
bool valid_token(std::string_view token) {
  if (token.empty() || token.size() > 255) return false;
  for (char c : token) {
    if (c < 0x21 || c > 0x7e) return false;
    if (c == '/' || c == '?' || c == '#' || c == '%') return false;
  }
  return true;
}

std::string parse_entry(std::string_view entry, token_mix& mix) {
  std::string_view token = entry;
  std::uint32_t weight = 1;
  if (auto eq = entry.find('='); eq != std::string_view::npos) {
    token = entry.substr(0, eq);
    auto digits = entry.substr(eq + 1);
    auto [end, ec] = std::from_chars(digits.data(),
                                     digits.data() + digits.size(), weight);
    if (digits.empty() || ec != std::errc{}
        || end != digits.data() + digits.size() || weight > token_weight_max)
      return "weight of '" + std::string{token} + "' must be a whole number "
             "0.." + std::to_string(token_weight_max);
  }
  if (!valid_token(token))
    return "'" + std::string{token} + "' is not a valid token";
  for (const auto& existing : mix.tokens)
    if (existing.token == token)
      return "token '" + std::string{token} + "' given twice";
  if (mix.tokens.size() == tokens_max)
    return "more than " + std::to_string(tokens_max) + " tokens";
  mix.tokens.push_back({std::string{token}, weight});
  mix.weight_total += weight;
  return {};
}

}  // namespace

token_mix_parse parse_token_mix(std::string_view text) {
  token_mix_parse out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto err = parse_entry(text.substr(start, comma - start), out.mix);
    if (!err.empty()) {
      out.error = err;
      return out;
    }
    start = comma + 1;
  }
  if (out.mix.weight_total == 0) out.error = "every weight is 0";
  return out;
}

const std::string& pick_token(const token_mix& mix, std::uint64_t ticket) {
  PAY_ASSERT(ticket < mix.weight_total);
  for (const auto& entry : mix.tokens) {
    if (ticket < entry.weight) return entry.token;
    ticket -= entry.weight;
  }
  PAY_ASSERT(false);  // weight_total is the sum of the weights
  return mix.tokens.front().token;
}

}  // namespace pay::loadgen
