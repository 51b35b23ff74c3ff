#include "gateway/access/gatekeeper.hpp"

#include <chrono>

#include "gateway/access/access.hpp"
#include "gateway/common/render.hpp"
#include "http/form.hpp"
#include "observability/metrics.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

void set_rate_headers(http::response& res, const rate_decision& d) {
  res.set("RateLimit-Limit", std::to_string(d.limit));
  res.set("RateLimit-Remaining", std::to_string(d.remaining));
  res.set("RateLimit-Reset", std::to_string(d.reset_s));
}

void refuse_rate(const exchange& ex, const rate_decision& d,
                 std::string_view limiter) {
  obs::metrics::get().rate_limited(limiter);
  auto res = ex.json_response(
    429, render_error(api_error{429, "rate_limit_error", "rate_limited",
                                "Too many requests: slow down and retry after "
                                  + std::to_string(d.retry_after_s) + " s.",
                                ""}));
  res.set(bhttp::field::retry_after, std::to_string(d.retry_after_s));
  set_rate_headers(res, d);
  ex.respond(std::move(res));
}

void refuse_auth(const exchange& ex, unsigned status, std::string_view code,
                 std::string message) {
  obs::metrics::get().edge_refused(code);
  auto type = status == 401 ? "authentication_error" : "permission_error";
  auto res = ex.json_response(
    status, render_error(api_error{status, type, std::string{code},
                                   std::move(message), ""}));
  if (status == 401)
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"paymentd\"");
  ex.respond(std::move(res));
}

struct class_limit {
  rate_limiter* limiter;
  const bucket_rule* rule;
};

class_limit limit_of(const context& ctx, route_class c) {
  auto& edge = *ctx.edge;
  const auto& o = ctx.options;
  switch (c) {
    case route_class::read:
      return {&edge.read, &o.read_rate};
    case route_class::write:
      return {&edge.write, &o.write_rate};
    case route_class::admin:
      return {&edge.admin, &o.admin_rate};
    case route_class::open:
      break;
  }
  return {&edge.open, &o.open_rate};
}

// Wraps the responder so every answer carries the caller's budget.
void add_rate_headers(exchange& ex, const rate_decision& d) {
  ex.respond = [d, respond = std::move(ex.respond)](http::response res) {
    if (!http::is_connection_reset(res)) set_rate_headers(res, d);
    respond(std::move(res));
  };
}

constexpr std::string_view webhook_path = "/v1/webhooks/psp";

}  // namespace

bool flooding_after_failure(const context& ctx, const exchange& ex) {
  auto d = ctx.edge->auth_failures.take(client_address(ex.req),
                                        ctx.options.auth_failure_rate,
                                        now_ms());
  if (d.allowed) return false;
  refuse_rate(ex, d, "auth_failures");
  return true;
}

bool admit(const context& ctx, exchange& ex) {
  auto target = ex.req.target();
  const auto path = http::target_path({target.data(), target.size()});
  const auto cls = classify(ex.req.method(), path, ctx.options.metrics_public);
  const auto now = now_ms();
  const auto address = client_address(ex.req);

  // Signed webhooks are not limited (the PSP sends as fast as we charge);
  // the route counts the ones whose signature fails (flooding_after_failure).
  if (path == webhook_path) return true;
  if (cls == route_class::open) {
    auto d = ctx.edge->open.take(address, ctx.options.open_rate, now);
    if (!d.allowed) {
      refuse_rate(ex, d, "open");
      return false;
    }
    return true;
  }

  // A bad key costs a SHA-256 and a map lookup, never a database trip.
  // Failures are counted per address; past the limit that address's bad
  // keys get 429 instead of 401, while its good keys are still served (a
  // shop's customers may share the attacker's NAT).
  auto key = presented_key(ex.req);
  auto check = key ? ctx.options.keys->check(*key) : key_check{};
  if (check.verdict != key_verdict::ok) {
    if (flooding_after_failure(ctx, ex)) return false;
    if (!key)
      refuse_auth(ex, 401, "api_key_missing",
                  "No API key provided: send Authorization: Bearer sk_...");
    else if (check.verdict == key_verdict::revoked)
      refuse_auth(ex, 401, "api_key_revoked", "This API key was revoked.");
    else
      refuse_auth(ex, 401, "api_key_invalid", "Invalid API key provided.");
    return false;
  }
  if (!role_allows(check.who.role, cls)) {
    refuse_auth(ex, 403, "forbidden",
                "This key's role (" + std::string{to_string(check.who.role)}
                  + ") may not "
                  + (cls == route_class::admin ? "use the admin API."
                                               : "change anything."));
    return false;
  }
  auto [limiter, rule] = limit_of(ctx, cls);
  auto d = limiter->take(check.who.key_id, *rule, now);
  if (!d.allowed) {
    refuse_rate(ex, d, to_string(cls));
    return false;
  }
  ex.who = std::move(check.who);
  if (rule->per_s != 0) add_rate_headers(ex, d);
  return true;
}

preferred_wait park_preferred_wait(const context& ctx, const exchange& ex) {
  preferred_wait out;
  out.wait_ms = preferred_wait_ms(ex.req["Prefer"], ctx.options.wait_s_max);
  out.slot = std::make_shared<wait_slot>(
    out.wait_ms > 0 ? wait_slot::acquire(ctx, ex.who) : wait_slot{});
  if (!*out.slot) out.wait_ms = 0;
  return out;
}

wait_slot wait_slot::acquire(const context& ctx, const caller& who) {
  wait_slot slot;
  auto& edge = *ctx.edge;
  const auto& o = ctx.options;
  if (edge.waits.fetch_add(1) >= o.waits_max) {
    edge.waits.fetch_sub(1);
    return slot;
  }
  {
    std::lock_guard lock(edge.waits_mutex);
    auto& mine = edge.waits_by_key[who.key_id];
    if (mine >= o.waits_per_key_max) {
      if (mine == 0) edge.waits_by_key.erase(who.key_id);
      edge.waits.fetch_sub(1);
      return slot;
    }
    ++mine;
  }
  slot.edge_ = ctx.edge;
  slot.key_id_ = who.key_id;
  return slot;
}

wait_slot::wait_slot(wait_slot&& other) noexcept
    : edge_(std::move(other.edge_)), key_id_(std::move(other.key_id_)) {
  other.edge_.reset();
}

wait_slot::~wait_slot() {
  if (!edge_) return;
  {
    std::lock_guard lock(edge_->waits_mutex);
    auto it = edge_->waits_by_key.find(key_id_);
    if (it != edge_->waits_by_key.end() && --it->second == 0)
      edge_->waits_by_key.erase(it);
  }
  edge_->waits.fetch_sub(1);
}

}  // namespace pay::gateway
