#include "actors/common/psp_client.hpp"

// The pool's callbacks run on its own io thread. They never touch actor
// state: they mail the result back to the actor, which fulfils the stored
// promise from its own context.

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/common/psp_request.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

struct psp_client_state {
  std::shared_ptr<http::client_pool> pool;
  psp_identity identity;
  std::uint64_t next_call_id = 1;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<psp_reply>>
    in_flight;
  static inline const char* name = "psp_client";
};

using psp_self = psp_client_actor::stateful_pointer<psp_client_state>;

domain::psp_transport to_transport(http::send_outcome outcome) {
  switch (outcome) {
    case http::send_outcome::responded:
      return domain::psp_transport::responded;
    case http::send_outcome::not_sent_connect_failed:
    case http::send_outcome::not_sent_pool_saturated:
      return domain::psp_transport::not_sent;
    case http::send_outcome::unknown_timeout:
    case http::send_outcome::unknown_connection_lost:
      return domain::psp_transport::outcome_unknown;
  }
  return domain::psp_transport::outcome_unknown;
}

psp_client_actor::behavior_type psp_client_behavior(psp_self self,
                                                    psp_client_options options,
                                                    http::base_url url) {
  auto& st = self->state;
  st.pool = std::make_shared<http::client_pool>(
    url.host, url.port, options.limits,
    http::client_tls_for(url, options.ca_file));
  st.identity = psp_identity{url.host + ":" + std::to_string(url.port),
                             options.api_key, options.stripe_version};
  self->attach_functor([pool = st.pool]() mutable {
    // Stopping the pool joins its threads: do it off the pool's own thread.
    pool.reset();
  });
  return {
    [=](const psp_call& call) -> caf::result<psp_reply> {
      auto& st = self->state;
      auto rp = self->make_response_promise<psp_reply>();
      auto id = st.next_call_id++;
      st.in_flight.emplace(id, rp);
      // Calls accepted and not yet answered: what waits on the PSP.
      obs::metrics::get()
        .backlog(obs::shared_actor::psp_client)
        .Set(static_cast<double>(st.in_flight.size()));
      auto handle = caf::actor_cast<psp_client_actor>(self);
      st.pool->async_send(
        make_psp_request(st.identity, call), [handle, id](http::send_result r) {
          psp_reply reply;
          reply.transport = to_transport(r.outcome);
          reply.http_status = r.res.result_int();
          reply.body = std::move(r.res.body());
          reply.error = std::move(r.error);
          reply.elapsed_ms = r.elapsed_ms;
          caf::anon_send(handle, psp_call_done{id, std::move(reply)});
        });
      return rp;
    },
    [=](psp_call_done& done) {
      auto& st = self->state;
      auto it = st.in_flight.find(done.call_id);
      if (it == st.in_flight.end()) return;
      it->second.deliver(std::move(done.reply));
      st.in_flight.erase(it);
      obs::metrics::get()
        .backlog(obs::shared_actor::psp_client)
        .Set(static_cast<double>(st.in_flight.size()));
    },
  };
}

}  // namespace

psp_client_actor spawn_psp_client(caf::actor_system& sys,
                                  psp_client_options options,
                                  std::string& error) {
  auto url = http::parse_base_url(options.base_url);
  if (!url) {
    error = "psp.base_url is not an http(s)://host:port URL: "
            + options.base_url;
    return {};
  }
  // A CA file that cannot be loaded is a setting to fix now, not a reason
  // for every charge to fail as not sent.
  auto tls_error = http::check_client_tls(
    http::client_tls_for(*url, options.ca_file));
  if (!tls_error.empty()) {
    error = "psp.ca_file: " + tls_error;
    return {};
  }
  return sys.spawn(psp_client_behavior, std::move(options), *url);
}

}  // namespace pay
