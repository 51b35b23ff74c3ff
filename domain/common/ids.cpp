#include "domain/common/ids.hpp"

namespace pay::domain {

bool is_valid_id(const std::string& id) {
  if (id.empty() || id.size() > id_length_max) return false;
  for (unsigned char c : id)
    if (c <= 0x20 || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '%')
      return false;
  return true;
}

}  // namespace pay::domain
