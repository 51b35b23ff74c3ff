#include "domain/cluster/ownership.hpp"

namespace pay::domain {

owner_verdict judge_owner(const owner_info& owner, const node_identity& me) {
  // Alone, every checkout is ours: nobody else could drive it.
  if (!me.clustered()) return owner_verdict::mine;
  if (owner.node_id == me.node_id && owner.epoch == me.epoch)
    return owner_verdict::mine;
  // Our own earlier run is as dead as any other node: its work is taken
  // over like theirs (the database ended its lease when we joined).
  if (owner.node_id.empty() || !owner.lease_current)
    return owner_verdict::orphaned;
  return owner_verdict::elsewhere;
}

namespace {

bool is_uri(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

// Node ids are [A-Za-z0-9_.-] (the database checks it), so neither the
// options string nor its percent-encoding needs escaping beyond spaces and
// '='.
std::string options_text(const node_identity& me, std::uint32_t lease_ms,
                         bool for_uri) {
  std::string space = for_uri ? "%20" : " ";
  std::string equals = for_uri ? "%3D" : "=";
  auto option = [&](const std::string& name, const std::string& value) {
    return "-c" + space + name + equals + value;
  };
  return option("pay.node_id", me.node_id) + space
         + option("pay.node_epoch", std::to_string(me.epoch)) + space
         + option("idle_in_transaction_session_timeout",
                  std::to_string(lease_ms));
}

}  // namespace

std::string with_node_settings(const std::string& database_url,
                               const node_identity& me,
                               std::uint32_t lease_ms) {
  if (!me.clustered()) return database_url;
  if (is_uri(database_url)) {
    auto separator = database_url.find('?') == std::string::npos ? '?' : '&';
    return database_url + separator
           + "options=" + options_text(me, lease_ms, true);
  }
  return database_url + " options='" + options_text(me, lease_ms, false) + "'";
}

}  // namespace pay::domain
