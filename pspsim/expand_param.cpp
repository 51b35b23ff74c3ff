#include "pspsim/expand_param.hpp"

#include <string>

namespace pay::pspsim {

std::optional<param_error> parse_charge_expand(const http::form_fields& fields,
                                               bool& expand_charge) {
  const auto value = http::form_value(fields, "expand[0]");
  if (!value) return std::nullopt;
  if (*value != "latest_charge") {
    return param_error{400, "parameter_invalid",
                       "This property cannot be expanded ("
                         + std::string(*value)
                         + "). pspsim expands latest_charge only.",
                       "expand[0]"};
  }
  expand_charge = true;
  return std::nullopt;
}

}  // namespace pay::pspsim
