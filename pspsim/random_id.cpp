#include "pspsim/random_id.hpp"

#include <random>
#include <thread>

namespace pay::pspsim {

std::string random_id(std::string_view prefix) {
  static constexpr char alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 engine{
    std::random_device{}()
    ^ std::hash<std::thread::id>{}(std::this_thread::get_id())};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);
  std::string id{prefix};
  id.reserve(prefix.size() + random_id_chars);
  for (std::size_t i = 0; i < random_id_chars; ++i)
    id.push_back(alphabet[pick(engine)]);
  return id;
}

}  // namespace pay::pspsim
