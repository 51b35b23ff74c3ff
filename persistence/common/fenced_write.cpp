#include "persistence/common/fenced_write.hpp"

#include <atomic>

namespace pay::persistence {

namespace {

std::atomic<fenced_write_hook> installed{nullptr};

}  // namespace

void on_fenced_write(fenced_write_hook hook) { installed.store(hook); }

bool report_if_fenced(const pqxx::sql_error& error) {
  if (error.sqlstate() != "PF001") return false;
  if (auto hook = installed.load()) hook();
  return true;
}

}  // namespace pay::persistence
