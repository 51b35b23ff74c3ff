#include "gateway/common/exchange.hpp"

#include <random>

#include <spdlog/spdlog.h>

#include "actors/common/actor_errors.hpp"
#include "domain/common/ids.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/owner_forwarder.hpp"
#include "gateway/common/render.hpp"

namespace pay::gateway {

http::response exchange::json_response(unsigned status,
                                       std::string body) const {
  auto res = http::make_json_response(req, status, std::move(body));
  res.set("Request-Id", request_id);
  return res;
}

void exchange::reply(unsigned status, std::string body, bool replayed) const {
  auto res = json_response(status, std::move(body));
  if (replayed) res.set("Idempotent-Replayed", "true");
  respond(std::move(res));
}

void exchange::fail(const api_error& err) const {
  auto res = json_response(err.http_status, render_error(err));
  if (err.retry_after_s > 0)
    res.set("Retry-After", std::to_string(err.retry_after_s));
  respond(std::move(res));
}

void exchange::fail(const caf::error& err) const {
  if (auto owner = owner_address_of(err); !owner.empty() && forwarder) {
    forwarder->forward(*this, owner);
    return;
  }
  // Shedding is counted in /metrics; a line per refused request would add
  // to the load it sheds.
  if (!is_overloaded(err))
    spdlog::error("request {} {} failed: {}", request_id,
                  std::string{req.target()}, caf::to_string(err));
  fail(system_error_to_api(err));
}

std::string request_id_of(const http::request& req) {
  // A client's id is kept, prefixed, only when it is plainly an id: it
  // lands in logs and order history, where unprefixed names such as
  // "operator" or "recovery" are ours.
  auto given = req["X-Request-Id"];
  if (!given.empty() && given.size() <= 64
      && given.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
           == boost::beast::string_view::npos)
    return "cli_" + std::string{given};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "req_";
  auto bits = rng();
  for (int i = 0; i < 16; ++i, bits >>= 4) id += hex[bits & 0xf];
  return id;
}

}  // namespace pay::gateway
