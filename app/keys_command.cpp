#include "app/keys_command.hpp"

#include <iostream>

namespace pay {

int run_keys_command(int, char**) {
  std::cerr << "paymentd keys: not built yet\n";
  return 2;
}

}  // namespace pay
