#include "domain/common/ids.hpp"

namespace pay::domain {

bool is_valid_id(const std::string& id) {
  if (id.empty() || id.size() > id_length_max) return false;
  for (unsigned char c : id)
    if (c <= 0x20 || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '%')
      return false;
  return true;
}

bool is_stripe_account_id(std::string_view id) {
  constexpr std::string_view prefix = "acct_";
  constexpr std::size_t rest_max = 250;
  if (id.size() <= prefix.size() || id.size() > prefix.size() + rest_max
      || id.substr(0, prefix.size()) != prefix)
    return false;
  for (char c : id.substr(prefix.size()))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

bool is_country_code(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A'
         && code[1] <= 'Z';
}

}  // namespace pay::domain
