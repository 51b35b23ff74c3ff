#pragma once
// Publishes a shared actor's mailbox length. Only the actor itself may read
// its mailbox, so it samples it whenever it handles a message: a backlog that
// builds up shows while it is there.

#include "observability/metrics.hpp"

namespace pay {

template <class Self>
void note_backlog(Self* self, obs::shared_actor which) {
  obs::metrics::get().backlog(which).Set(
    static_cast<double>(self->mailbox().size()));
}

}  // namespace pay
