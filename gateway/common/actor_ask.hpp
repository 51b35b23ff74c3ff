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
         const std::function<void(Reply&)>& on_reply,
         const std::function<void(const caf::error&)>& on_error) {
  // The message travels as a spawn argument: CAF 0.17 spawns a function
  // actor without arguments through a null tuple pointer (UBSan flags it).
  // Hidden: shutdown must not wait for an ask whose answer will never come
  // (a promise dropped by a stopping actor) until its timeout runs out.
  sys.spawn<caf::hidden>(
    [=](caf::event_based_actor* self, const Message& msg) {
      self->request(target, timeout, msg)
        .then([=](Reply& reply) { on_reply(reply); },
              [=](caf::error& err) { on_error(err); });
    },
    std::move(message));
}

}  // namespace pay::gateway
