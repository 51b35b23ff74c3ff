#include "pspsim/balance_transactions_api.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include <boost/json/serialize.hpp>

#include "pspsim/balance_transaction_json.hpp"
#include "pspsim/settled_days.hpp"
#include "pspsim/stripe_list.hpp"
#include "pspsim/utc_date.hpp"
#include "pspsim/v1_common.hpp"

namespace pay::pspsim {
namespace {

struct list_query {
  std::int64_t from_unix_s = 0;  // inclusive
  std::int64_t to_unix_s = std::numeric_limits<std::int64_t>::max();
  std::int64_t limit = list_limit_default;
  std::optional<std::string> starting_after;
  std::optional<std::string> type;
  bool expand_source = false;
};

std::optional<param_error> parse_list_query(const http::form_fields& fields,
                                            const sim_time& now,
                                            list_query& q) {
  // The paging and created[...] rules every Stripe list shares (ending_before
  // is not in this endpoint's allow-list, so it never arrives here).
  page_query page;
  if (auto e = parse_page_query(fields, page)) return e;
  q.from_unix_s = std::max<std::int64_t>(q.from_unix_s, page.created_from);
  // Nothing settles after now: the default end keeps the scan bounded.
  q.to_unix_s = std::min(page.created_to, now.unix_s + 1);
  q.limit = static_cast<std::int64_t>(page.limit);
  if (!page.starting_after.empty()) q.starting_after = page.starting_after;
  if (const auto type = http::form_value(fields, "type")) {
    q.type = std::string(*type);
  }
  if (const auto expand = http::form_value(fields, "expand[0]")) {
    if (*expand != "data.source") {
      return param_error{400, "parameter_invalid",
                         "pspsim can expand data.source only, not "
                           + std::string(*expand) + ".",
                         "expand[0]"};
    }
    q.expand_source = true;
  }
  return std::nullopt;
}

struct listed {
  std::string id;
  std::int64_t created_unix_s = 0;
  settled_item item;
};

// Every transaction in the range, newest first (ties: larger id first).
std::vector<listed> transactions(const list_query& q, const sim_parts& parts,
                                 const sim_time& now) {
  std::vector<listed> out;
  if (q.from_unix_s >= q.to_unix_s) return out;
  for (auto& [date, items] :
       settled_days(q.from_unix_s, q.to_unix_s, parts, now)) {
    const std::int64_t day_start = utc_day_start(date).value();
    std::map<std::string, std::uint32_t> seen;
    for (auto& item : items) {
      const std::string id = balance_transaction_id(
        item, seen[std::string(balance_transaction_type(item)) + "|"
                   + item.line.psp_reference]++);
      // A distortion injected later still belongs to its file's day.
      const std::int64_t created = std::clamp(item.settled_unix_s, day_start,
                                              day_start + seconds_per_day - 1);
      if (created < q.from_unix_s || created >= q.to_unix_s) continue;
      if (q.type && *q.type != balance_transaction_type(item)) continue;
      out.push_back({id, created, std::move(item)});
    }
  }
  std::sort(out.begin(), out.end(), [](const listed& a, const listed& b) {
    if (a.created_unix_s != b.created_unix_s) {
      return a.created_unix_s > b.created_unix_s;
    }
    return a.id > b.id;
  });
  return out;
}

}  // namespace

http::response list_balance_transactions(const http::request& req,
                                         const sim_parts& parts,
                                         const sim_time& now) {
  auto query = read_query(req, stripe_endpoint::list_balance_transactions);
  if (query.refused) return std::move(*query.refused);
  list_query q;
  if (auto e = parse_list_query(query.fields, now, q)) {
    return param_error_response(req, *e);
  }
  const std::vector<listed> all = transactions(q, parts, now);
  std::size_t first = 0;
  if (q.starting_after) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const listed& t) {
      return t.id == *q.starting_after;
    });
    if (it == all.end()) {
      return error(req, 400, "invalid_request_error", "resource_missing",
                   "No such balance_transaction: '" + *q.starting_after + "'",
                   "starting_after");
    }
    first = static_cast<std::size_t>(it - all.begin()) + 1;
  }
  const std::size_t end = std::min(all.size(),
                                   first + static_cast<std::size_t>(q.limit));
  boost::json::array data;
  for (std::size_t i = first; i < end; ++i) {
    data.push_back(balance_transaction_json(
      all[i].item, all[i].id, all[i].created_unix_s, q.expand_source));
  }
  boost::json::object body;
  body["object"] = "list";
  body["url"] = balance_transactions_path;
  body["has_more"] = end < all.size();
  body["data"] = std::move(data);
  return http::make_json_response(req, 200, boost::json::serialize(body));
}

}  // namespace pay::pspsim
