#pragma once
// The per-entity actors a supervising service spawned (one per checkout,
// refund or pay-out), by entity id, and back from a down message to the id:
// the service's answer to "is it running?" and "which one just ended?".

#include <optional>
#include <string>
#include <unordered_map>

#include <caf/all.hpp>

namespace pay {

template <class Handle>
class live_actors {
 public:
  using map_type = std::unordered_map<std::string, Handle>;

  void add(const std::string& id, Handle actor) {
    id_by_actor_[caf::actor_cast<caf::actor_addr>(actor)] = id;
    by_id_.insert_or_assign(id, std::move(actor));
  }

  // The id of the actor a down message is about, forgotten now; nothing for
  // an actor this registry never had.
  std::optional<std::string> forget(const caf::actor_addr& source) {
    auto it = id_by_actor_.find(source);
    if (it == id_by_actor_.end())
      return std::nullopt;
    auto id = std::move(it->second);
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
  map_type by_id_;
  std::unordered_map<caf::actor_addr, std::string> id_by_actor_;
};

}  // namespace pay
