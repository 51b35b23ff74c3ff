// Ids from the outside and the paths they arrive in: is_valid_id, the
// gateway's id_after / id_between (which id a path names) and route_label
// (the metrics label of a path). Input: a candidate id, or a path.
//   - is_valid_id is exactly "1..255 bytes, printable ASCII, none of
//     space / ? # %" (read independently here);
//   - a path names an id only when that id is valid and the path is exactly
//     prefix + id (+ suffix);
//   - a label is always one of a few fixed labels, whatever the path.

#include <set>
#include <string>

#include "domain/common/ids.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/route_label.hpp"

namespace {

using namespace pay;

bool valid_by_rule(std::string_view id) {
  if (id.empty() || id.size() > 255) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c > 0x7e || c == '/' || c == '?' || c == '#' || c == '%')
      return false;
  return true;
}

// route_label's promise is a bounded set of label strings, whatever the
// paths: every label is one of its own literals (lowercase, digits, '/',
// '_' and "{id}"-style placeholders), and a whole run never sees more than
// a few dozen of them.
bool is_label(std::string_view label) {
  static std::set<std::string> seen;
  for (char c : label)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/'
          || c == '_' || c == '{' || c == '}'))
      return false;
  seen.emplace(label);
  return seen.size() <= 100;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text = pay::fuzz::as_text(data, size);
  const std::string id{text};
  const bool valid = domain::is_valid_id(id);
  FUZZ_CHECK(valid == valid_by_rule(text));

  // The input as the id inside a path...
  const std::string after = gateway::id_after("/v1/payments/" + id,
                                              "/v1/payments/");
  FUZZ_CHECK(after == (valid ? id : std::string{}));
  const std::string between = gateway::id_between(
    "/admin/dlq/" + id + "/requeue", "/admin/dlq/", "/requeue");
  FUZZ_CHECK(between == (valid ? id : std::string{}));
  if (valid) {
    FUZZ_CHECK(gateway::route_label("/v1/payments/" + id)
               == "/v1/payments/{id}");
    FUZZ_CHECK(gateway::route_label("/admin/dlq/" + id + "/resolve")
               == "/admin/dlq/{id}/resolve");
  }

  // ...and as a whole path.
  FUZZ_CHECK(is_label(gateway::route_label(text)));
  const std::string named = gateway::id_after(text, "/admin/orders/");
  if (!named.empty()) {
    FUZZ_CHECK(domain::is_valid_id(named));
    FUZZ_CHECK("/admin/orders/" + named == text);
  }
  const std::string framed = gateway::id_between(text, "/admin/reviews/",
                                                 "/approve");
  if (!framed.empty()) {
    FUZZ_CHECK(domain::is_valid_id(framed));
    FUZZ_CHECK("/admin/reviews/" + framed + "/approve" == text);
  }
  return 0;
}
