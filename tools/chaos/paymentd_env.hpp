// The environment every paymentd of a round runs with, single or one node of
// a cluster: the round's database, pspsim, the short PSP settings and the
// limits turned off (stack.hpp says why each is so).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tools/chaos/stack.hpp"

namespace pay::chaos {

std::map<std::string, std::string> paymentd_environment(
  const stack_options& options, const std::string& database_url,
  std::uint16_t pspsim_port);

}  // namespace pay::chaos
