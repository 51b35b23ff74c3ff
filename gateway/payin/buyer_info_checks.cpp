#include "gateway/payin/buyer_info_checks.hpp"

#include <string>

#include <boost/json.hpp>

#include "gateway/common/text_checks.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

struct walker {
  const buyer_info_limits& limits;
  std::size_t members = 0;

  std::optional<api_error> text(std::string_view s,
                                const std::string& path) const {
    if (utf8_chars(s) > limits.string_chars_max)
      return invalid("parameter_too_long",
                     path + " is longer than "
                       + std::to_string(limits.string_chars_max)
                       + " characters.",
                     path);
    if (has_control_chars(s))
      return invalid("parameter_invalid",
                     path + " must not contain control characters.", path);
    return std::nullopt;
  }

  std::optional<api_error> value(const json::value& v,
                                 const std::string& path) {
    switch (v.kind()) {
      case json::kind::string:
        return text(v.get_string(), path);
      case json::kind::double_:
        // A fraction or exponent is read as a binary double, and written
        // back as that double's digits, not the client's: 0.1 stays 0.1 but
        // 1.50000000000000000001 does not, nor does 1e400. Only integers
        // come back exactly, so only they are taken (as with amounts).
        return invalid("parameter_invalid",
                       path + " is a number with a fraction or exponent, "
                              "which cannot be stored exactly; send it as a "
                              "string.",
                       path);
      case json::kind::int64:
      case json::kind::uint64: {
        // Compared, not negated: -2^63 has no absolute value in int64.
        constexpr std::int64_t limit = std::int64_t{1} << 53;
        bool exact = v.is_int64()
                       ? v.get_int64() > -limit && v.get_int64() < limit
                       : v.get_uint64() < static_cast<std::uint64_t>(limit);
        if (!exact)
          return invalid("parameter_invalid",
                         path + " is an integer beyond +-2^53, which JSON "
                                "readers round; send it as a string.",
                         path);
        return std::nullopt;
      }
      case json::kind::object:
        for (const auto& kv : v.get_object()) {
          auto child = path + "." + std::string{kv.key()};
          if (++members > limits.members_max) return too_many();
          if (auto err = text(kv.key(), child)) return err;
          if (auto err = value(kv.value(), child)) return err;
        }
        return std::nullopt;
      case json::kind::array: {
        std::size_t i = 0;
        for (const auto& item : v.get_array()) {
          if (++members > limits.members_max) return too_many();
          if (auto err = value(item, path + "[" + std::to_string(i++) + "]"))
            return err;
        }
        return std::nullopt;
      }
      default:
        return std::nullopt;
    }
  }

  api_error too_many() const {
    return invalid("parameter_too_large",
                   "buyer_info holds more than "
                     + std::to_string(limits.members_max)
                     + " fields and items.",
                   "buyer_info");
  }
};

}  // namespace

std::optional<api_error> check_buyer_info(const json::object& buyer,
                                          std::size_t canonical_bytes,
                                          const buyer_info_limits& limits) {
  if (canonical_bytes > limits.bytes_max)
    return api_error{413, "invalid_request_error", "parameter_too_large",
                     "buyer_info is larger than "
                       + std::to_string(limits.bytes_max) + " bytes.",
                     "buyer_info"};
  walker w{limits};
  return w.value(json::value(buyer), "buyer_info");
}

}  // namespace pay::gateway
