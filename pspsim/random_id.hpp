// Stripe-looking object ids: a prefix and 24 random alphanumerics.
#pragma once

#include <string>
#include <string_view>

namespace pay::pspsim {

constexpr std::size_t random_id_chars = 24;

// e.g. random_id("pi_") -> "pi_3Nq8Zx...". Thread-safe (per-thread engine).
std::string random_id(std::string_view prefix);

}  // namespace pay::pspsim
