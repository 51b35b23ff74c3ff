// application/x-www-form-urlencoded, as pspsim reads every /v1 body and
// its hosted page: form_decode, and url_decode_component on its own.
//   - a decoded form, encoded again, decodes to the same fields in order;
//   - any bytes survive url_encode_component -> url_decode_component;
//   - form_value finds the first field of a name.

#include <string>

#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "http/form.hpp"

using namespace pay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view body = pay::fuzz::as_text(data, size);
  if (const auto fields = http::form_decode(body)) {
    const auto again = http::form_decode(http::form_encode(*fields));
    FUZZ_CHECK(again && *again == *fields);
    for (std::size_t i = 0; i < fields->size(); ++i) {
      const auto& [name, value] = (*fields)[i];
      const auto first = http::form_value(*fields, name);
      FUZZ_CHECK(first.has_value());
      bool earlier = false;
      for (std::size_t j = 0; j < i; ++j)
        earlier = earlier || (*fields)[j].first == name;
      if (!earlier) FUZZ_CHECK(*first == value);
    }
  }
  const std::string encoded = http::url_encode_component(body);
  FUZZ_CHECK(encoded.find_first_of("+ &=?#") == std::string::npos);
  FUZZ_CHECK(http::url_decode_component(encoded, true) == std::string{body});
  FUZZ_CHECK(http::url_decode_component(encoded, false) == std::string{body});
  return 0;
}
