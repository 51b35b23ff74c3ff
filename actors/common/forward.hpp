#pragma once
// Hands a caller's request on to another actor and its answer (or error)
// back as is. Unlike delegate, the ask is bounded by `timeout`: a store
// that never answers turns into an error for the caller, not a hang.

#include <chrono>

#include <caf/all.hpp>

namespace pay {

template <class Reply, class Self, class Dest, class Message>
caf::typed_response_promise<Reply> forward_bounded(
  Self self, const Dest& dest, std::chrono::milliseconds timeout, Message msg) {
  auto rp = self->template make_response_promise<Reply>();
  self->request(dest, timeout, std::move(msg))
    .then([=](Reply& reply) mutable { rp.deliver(std::move(reply)); },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

}  // namespace pay
