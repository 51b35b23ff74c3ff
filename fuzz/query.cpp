// Query strings of the gateway's GET listings (?limit=, ?cursor=, ?date=,
// ?status=...) and pspsim's: parse_query and target_path, then the checks
// the routes apply to the values they read. Input: a request target.
//   - the path is the target up to '?', and the query never leaks into it;
//   - decoded fields, encoded again, decode to the same fields;
//   - a value a route accepts has the shape that route relies on.

#include <string>

#include "domain/common/ids.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "gateway/common/order_cursor.hpp"
#include "http/form.hpp"

using namespace pay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view target = pay::fuzz::as_text(data, size);
  const std::string_view path = http::target_path(target);
  FUZZ_CHECK(path.find('?') == std::string_view::npos);
  FUZZ_CHECK(target.substr(0, path.size()) == path);

  const auto fields = http::parse_query(target);
  if (!fields) return 0;
  if (target.find('?') == std::string_view::npos) FUZZ_CHECK(fields->empty());
  const auto again = http::parse_query("/x?" + http::form_encode(*fields));
  FUZZ_CHECK(again && *again == *fields);

  for (const auto& [name, value] : *fields) {
    FUZZ_CHECK(http::form_value(*fields, name).has_value());
    if (name == "cursor") {
      if (const auto cursor = gateway::decode_cursor(value))
        FUZZ_CHECK(domain::is_valid_id(cursor->id) && cursor->updated_us >= 0);
    } else if (name == "date") {
      if (domain::is_settlement_date(value)) FUZZ_CHECK(value.size() == 10);
    } else if (name == "seller_account" || name == "payment_order_id") {
      if (domain::is_valid_id(value))
        FUZZ_CHECK(value.find_first_of("/?#% ") == std::string::npos);
    }
  }
  return 0;
}
