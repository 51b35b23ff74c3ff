#pragma once
// Asks an actor from outside the actor system (an asio thread) without
// blocking: a short-lived actor sends the request and hands the answer to a
// callback, which must not block either (it posts the HTTP reply).

#include <chrono>
#include <functional>

#include <caf/all.hpp>

namespace pay::gateway {

template <class Reply, class Handle, class Message>
void ask(caf::actor_system& sys, const Handle& target,
         std::chrono::milliseconds timeout, Message message,
         std::function<void(Reply&)> on_reply,
         std::function<void(const caf::error&)> on_error) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(target, timeout, message)
      .then([=](Reply& reply) { on_reply(reply); },
            [=](caf::error& err) { on_error(err); });
  });
}

}  // namespace pay::gateway
