#include "tools/chaos/dlq_requeue.hpp"

#include <set>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "http/sync_client.hpp"
#include "testkit/api.hpp"

namespace pay::chaos {

namespace {

namespace json = boost::json;

// GET /admin/dlq's largest page; a round has far fewer orders in the DLQ.
constexpr std::uint32_t list_limit_max = 1'000;

constexpr const char* open_dead_letters_sql =
  "SELECT payment_order_id FROM dead_letter WHERE status = 'open'";

std::set<std::string> open_in_table(const std::string& database_url) {
  pqxx::connection conn{database_url};
  pqxx::read_transaction txn{conn};
  std::set<std::string> out;
  for (const auto& row : txn.exec(open_dead_letters_sql))
    out.insert(row[0].c_str());
  return out;
}

// Empty error on success.
std::string open_in_api(http::sync_client& api, const it::header_list& auth,
                        std::set<std::string>& out) {
  const auto r = api.get(
    "/admin/dlq?status=open&limit=" + std::to_string(list_limit_max), auth);
  if (!r.ok) return "GET /admin/dlq: " + r.error;
  const auto v = it::json_of(r);
  const auto* data = v.is_object() ? v.as_object().if_contains("data")
                                   : nullptr;
  if (r.res.result_int() != 200 || !data || !data->is_array())
    return "GET /admin/dlq answered " + std::to_string(r.res.result_int())
           + ": " + r.res.body();
  for (const auto& entry : data->as_array())
    out.insert(it::string_at(entry, {"payment_order_id"}));
  return {};
}

}  // namespace

requeue_report requeue_open_dead_letters(
  const std::string& database_url,
  const std::atomic<std::uint16_t>& paymentd_port,
  const std::string& admin_key) {
  requeue_report out;
  http::sync_client api{"127.0.0.1", paymentd_port.load()};
  const it::header_list auth{{"Authorization", "Bearer " + admin_key}};
  std::set<std::string> listed;
  if (auto err = open_in_api(api, auth, listed); !err.empty()) {
    out.found.push_back({invariant::client_answer, err});
    return out;
  }
  out.listed = static_cast<std::uint32_t>(listed.size());
  try {
    const auto in_table = open_in_table(database_url);
    for (const auto& id : in_table)
      if (!listed.count(id))
        out.found.push_back(
          {invariant::client_answer,
           "order " + id
             + " has an open dead letter, but "
               "GET /admin/dlq?status=open does not list it"});
    for (const auto& id : listed)
      if (!in_table.count(id))
        out.found.push_back(
          {invariant::client_answer, "GET /admin/dlq?status=open lists " + id
                                       + ", which has no open dead letter"});
  } catch (const std::exception& e) {
    out.found.push_back({invariant::harness,
                         std::string{"cannot read dead_letter: "} + e.what()});
  }
  for (const auto& id : listed) {
    const auto r = api.post("/admin/dlq/" + id + "/requeue", "",
                            "application/json", auth);
    if (r.ok && r.res.result_int() == 200) {
      ++out.requeued;
      continue;
    }
    out.found.push_back(
      {invariant::client_answer,
       "POST /admin/dlq/" + id + "/requeue: "
         + (r.ok ? std::to_string(r.res.result_int()) + " " + r.res.body()
                 : r.error)});
  }
  return out;
}

requeue_report requeue_money_dead_letters(
  const std::atomic<std::uint16_t>& paymentd_port,
  const std::string& admin_key) {
  requeue_report out;
  http::sync_client api{"127.0.0.1", paymentd_port.load()};
  const it::header_list auth{{"Authorization", "Bearer " + admin_key}};
  struct queue {
    const char* path;
    const char* id_field;
  };
  for (const queue q : {queue{"/admin/dlq/refunds", "refund_id"},
                        queue{"/admin/dlq/payouts", "payout_id"}}) {
    const auto r = api.get(std::string{q.path} + "?status=open&limit="
                             + std::to_string(list_limit_max),
                           auth);
    const auto v = r.ok ? it::json_of(r) : json::value{};
    const auto* data = v.is_object() ? v.as_object().if_contains("data")
                                     : nullptr;
    if (!r.ok || r.res.result_int() != 200 || !data || !data->is_array()) {
      out.found.push_back(
        {invariant::client_answer,
         std::string{"GET "} + q.path + ": "
           + (r.ok ? std::to_string(r.res.result_int()) + " " + r.res.body()
                   : r.error)});
      continue;
    }
    for (const auto& entry : data->as_array()) {
      ++out.listed;
      const auto id = it::string_at(entry, {q.id_field});
      const auto path = std::string{q.path} + "/" + id + "/requeue";
      const auto done = api.post(path, "", "application/json", auth);
      if (done.ok && done.res.result_int() == 200) {
        ++out.requeued;
        continue;
      }
      out.found.push_back({invariant::client_answer,
                           "POST " + path + ": "
                             + (done.ok ? std::to_string(done.res.result_int())
                                            + " " + done.res.body()
                                        : done.error)});
    }
  }
  return out;
}

}  // namespace pay::chaos
