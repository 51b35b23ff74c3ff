#pragma once
// Who may drive a checkout in a cluster of paymentd nodes: the incarnation
// (node id, epoch) recorded as its owner, while that incarnation's lease is
// current. Pure: the database says who owns what and whose lease holds;
// this says what a node does about it.

#include <cstdint>
#include <string>

namespace pay::domain {

// One run of one node: a restart of the same node id is a new epoch.
// Empty node_id: paymentd runs alone, not in a cluster.
struct node_identity {
  std::string node_id;
  std::uint64_t epoch = 0;
  bool clustered() const { return !node_id.empty(); }
};

// The owner as stored with the checkout, and what the database says of its
// lease. Empty node_id: no owner recorded (work of a single-node paymentd).
struct owner_info {
  std::string node_id;
  std::uint64_t epoch = 0;
  bool lease_current = false;
  std::string address;  // where the owner answers HTTP
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_info& x) {
  return f(x.node_id, x.epoch, x.lease_current, x.address);
}

enum class owner_verdict : std::uint8_t {
  mine,       // drive it here
  elsewhere,  // a live node drives it: send the request there
  orphaned,   // its owner is dead (or none): take it over, then drive it
};

owner_verdict judge_owner(const owner_info& owner, const node_identity& me);

// `database_url` with libpq options naming the incarnation every write of
// the connection is made for (pay.node_id, pay.node_epoch): the database
// refuses those writes once the incarnation's lease is gone. And a
// transaction left waiting on its client for a whole lease is ended by the
// server (idle_in_transaction_session_timeout): a node paused between a
// write and its commit would otherwise hold the lock every takeover of its
// work waits for until it wakes up. Works for a postgresql:// URI and for a
// "key=value ..." string alike.
std::string with_node_settings(const std::string& database_url,
                               const node_identity& me, std::uint32_t lease_ms);

}  // namespace pay::domain
