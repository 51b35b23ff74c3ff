#include "pspsim/router.hpp"

#include "http/form.hpp"
#include "pspsim/payment_intents_api.hpp"
#include "pspsim/sim_api.hpp"

namespace pay::pspsim {

router::router(intent_store& store, delay_queue& delays, std::string api_key,
               std::chrono::milliseconds latency)
    : store_(store),
      delays_(delays),
      api_key_(std::move(api_key)),
      latency_(latency) {}

void router::operator()(http::request&& req, http::responder reply) const {
  const std::string_view path = http::target_path(req.target());
  const sim_time now = sim_time::now();
  if (path == "/healthz") {
    return reply(http::make_json_response(req, 200, R"({"status":"ok"})"));
  }
  if (path.substr(0, 5) == "/sim/") return reply(handle_sim(req, store_, now));
  if (path.substr(0, 4) != "/v1/") {
    return reply(http::make_json_response(
        req, 404,
        http::error_body("invalid_request_error", "url_unrecognized",
                         "Unrecognized request URL: " + std::string(path))));
  }
  store_.note_request();
  http::response res = handle_v1(req, store_, api_key_, now);
  if (latency_.count() == 0) return reply(std::move(res));
  delays_.after(latency_, [reply = std::move(reply), res = std::move(res)]() mutable {
    reply(std::move(res));
  });
}

}  // namespace pay::pspsim
