// The load itself: starts checkouts against paymentd (closed loop: a fixed
// number in flight; open loop: a fixed start rate), follows each one until
// it is settled, and counts what happened. One thread runs the schedule and
// the bookkeeping; the project's client pool moves the bytes on its own
// thread over many keep-alive connections.
#pragma once

#include "http/client_pool.hpp"
#include "tools/loadgen/options.hpp"
#include "tools/loadgen/run_stats.hpp"

namespace pay::loadgen {

// Blocks until every started checkout is settled, failed or given up on.
run_stats run_load(const loadgen_options& options,
                   const http::base_url& paymentd);

}  // namespace pay::loadgen
