#pragma once
// The per-entity actors a supervising service spawned (one per checkout,
// refund or pay-out), by entity id, and back from a down message to the id:
// the service's answer to "is it running?" and "which one just ended?".

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

namespace pay {

template <class Handle>
class live_actors {
 public:
  using map_type = std::unordered_map<std::string, Handle>;

  // `tag`: a small fact the service keeps about the entity while it runs
  // (for a checkout, a fingerprint of the request that created it).
  void add(const std::string& id, Handle actor, std::uint64_t tag = 0) {
    id_by_actor_[caf::actor_cast<caf::actor_addr>(actor)] = named{id, tag};
    by_id_.insert_or_assign(id, std::move(actor));
  }

  // The tag of the running entity `id`; nothing when none runs.
  std::optional<std::uint64_t> tag_of(const std::string& id) const {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    auto named_it = id_by_actor_.find(
      caf::actor_cast<caf::actor_addr>(it->second));
    if (named_it == id_by_actor_.end()) return std::nullopt;
    return named_it->second.tag;
  }

  // The id of the actor a down message is about, forgotten now; nothing for
  // an actor this registry never had.
  std::optional<std::string> forget(const caf::actor_addr& source) {
    auto it = id_by_actor_.find(source);
    if (it == id_by_actor_.end()) return std::nullopt;
    auto id = std::move(it->second.id);
    id_by_actor_.erase(it);
    by_id_.erase(id);
    return id;
  }

  bool knows(const caf::actor_addr& source) const {
    return id_by_actor_.count(source) != 0;
  }
  bool count(const std::string& id) const { return by_id_.count(id) != 0; }
  typename map_type::const_iterator find(const std::string& id) const {
    return by_id_.find(id);
  }
  typename map_type::const_iterator begin() const { return by_id_.begin(); }
  typename map_type::const_iterator end() const { return by_id_.end(); }
  std::size_t size() const { return by_id_.size(); }

 private:
  struct named {
    std::string id;
    std::uint64_t tag = 0;
  };
  map_type by_id_;
  std::unordered_map<caf::actor_addr, named> id_by_actor_;
};

}  // namespace pay
