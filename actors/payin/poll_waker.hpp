#pragma once

#include <chrono>

#include <caf/all.hpp>

#include "messages/payin/payment_service_protocol.hpp"
#include "messages/payin/poll_waker_protocol.hpp"
#include "messages/payin/store_protocol.hpp"

namespace pay {

struct poll_waker_options {
  std::chrono::milliseconds interval{1'000};
  std::uint32_t batch_max = 1'000;  // orders taken off the queue at once
  std::chrono::milliseconds request_timeout{30'000};
};

poll_waker_actor spawn_poll_waker(caf::actor_system& sys, store_pool stores,
                                  payment_service_actor service,
                                  poll_waker_options options);

}  // namespace pay
