#pragma once
// SHA-256 as lower-case hex (request fingerprints, settlement file digests).

#include <string>
#include <string_view>

namespace pay::domain {

std::string sha256_hex(std::string_view text);

}  // namespace pay::domain
