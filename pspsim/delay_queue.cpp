#include "pspsim/delay_queue.hpp"

#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace pay::pspsim {

namespace net = boost::asio;

struct delay_queue::impl {
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work{
    net::make_work_guard(ioc)};
  std::thread thread{[this] { ioc.run(); }};
};

delay_queue::delay_queue() : impl_(std::make_unique<impl>()) {}

delay_queue::~delay_queue() {
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

void delay_queue::after(std::chrono::milliseconds delay,
                        std::function<void()> callback) {
  auto timer = std::make_shared<net::steady_timer>(impl_->ioc, delay);
  timer->async_wait(
    [timer, callback = std::move(callback)](boost::system::error_code ec) {
      if (!ec) callback();
    });
}

}  // namespace pay::pspsim
