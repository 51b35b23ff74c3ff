#include "gateway/ops/admin_render.hpp"

#include <boost/json.hpp>

#include "gateway/common/render.hpp"
#include "observability/metrics.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

std::int64_t whole(double gauge_value) {
  return static_cast<std::int64_t>(gauge_value);
}

}  // namespace

std::string render_actor_summary(std::size_t store_instances) {
  auto& m = obs::metrics::get();
  json::object by_status;
  for (auto s : domain::all_order_statuses)
    by_status[domain::to_string(s)] = whole(m.orders_live(s).Value());
  json::array shared;
  for (std::size_t a = 0; a < obs::shared_actors; ++a) {
    auto which = static_cast<obs::shared_actor>(a);
    shared.push_back(json::object{
      {"name", obs::to_string(which)},
      {"instances",
       which == obs::shared_actor::store ? store_instances : std::size_t{1}},
      {"backlog", whole(m.backlog(which).Value())},
    });
  }
  return json::serialize(json::object{
    {"object", "actor_summary"},
    {"checkouts_live", whole(m.live_actors(obs::actor_kind::checkout).Value())},
    {"orders_live",
     whole(m.live_actors(obs::actor_kind::payment_order).Value())},
    {"orders_by_status", std::move(by_status)},
    {"shared", std::move(shared)},
    {"dlq_open", whole(m.dlq_open().Value())},
  });
}

std::string render_order_inspection(const order_inspection& found) {
  json::array history;
  for (const auto& h : found.record.history)
    history.push_back(json::object{
      {"seq", h.seq},
      {"at", h.at},
      {"event", h.event},
      {"from_status", domain::to_string(h.from)},
      {"to_status", domain::to_string(h.to)},
      {"attempt", h.attempt},
      {"outcome", null_if_empty(h.outcome)},
      {"error", null_if_empty(h.error)},
      {"correlation_id", null_if_empty(h.correlation_id)},
    });
  json::value live = nullptr;
  const auto& row = found.record.view;
  if (found.live.in_memory)
    live = json::object{
      {"state", domain::to_string(found.live.status)},
      {"attempt", found.live.attempt},
      {"next_retry_at", null_if_empty(found.live.next_retry_at)},
      {"waiting_on", found.live.waiting_on},
      {"resident", true},
    };
  else if (row.status == domain::order_status::pending
           && !row.next_poll_at.empty())
    // Passivated: waiting for its poll in the database, as a resident
    // order waits on its timer.
    live = json::object{
      {"state", domain::to_string(row.status)},
      {"attempt", row.psp_attempts},
      {"next_retry_at", row.next_poll_at},
      {"waiting_on", "poll_timer"},
      {"resident", false},
    };
  return json::serialize(json::object{
    {"object", "order_inspection"},
    {"order", order_json(found.record.view)},
    {"live", std::move(live)},
    {"history", std::move(history)},
  });
}

std::string render_order_page(const order_page& page,
                              const std::string& next_cursor) {
  json::array data;
  for (const auto& o : page.orders) data.push_back(order_json(o));
  return json::serialize(json::object{
    {"object", "list"},
    {"data", std::move(data)},
    {"has_more", page.has_more},
    {"next_cursor", null_if_empty(next_cursor)},
  });
}

}  // namespace pay::gateway
