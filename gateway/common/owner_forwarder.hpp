#pragma once
// In a cluster, a request about a checkout that a live node elsewhere
// drives is sent on to that node and its answer returned verbatim: the
// client gets the same answer wherever the load balancer sent it (a
// duplicate POST joins the live checkout and waits for its outcome, a
// webhook pokes the actor that is waiting for it, an operator sees the
// live actor). Hop by hop: a request that was forwarded once is never
// forwarded again; if ownership moved meanwhile the client is asked to
// retry (503 owner_moved).

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/client_pool.hpp"

namespace pay::gateway {

struct exchange;

class owner_forwarder {
 public:
  // `node_id`: this node, named in the header that marks a forwarded
  // request. `request_timeout_ms` outlasts the longest wait a request may
  // ask for.
  owner_forwarder(std::string node_id, std::uint32_t request_timeout_ms);

  // Answers `ex` with the owner's answer, or with 503 when the owner is
  // unreachable or the request was forwarded already.
  void forward(const exchange& original, const std::string& owner_address);

  static constexpr const char* forwarded_header = "Pay-Forwarded-By";

 private:
  http::client_pool* pool_for(const std::string& address);

  std::string node_id_;
  std::uint32_t request_timeout_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<http::client_pool>> pools_;
};

}  // namespace pay::gateway
