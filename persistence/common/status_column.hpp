#pragma once
// A status column read back as its domain enum. The database's enum types
// admit only the spellings the domain knows, so an unknown one is our bug
// (a migration ahead of the code): the command fails and writes nothing.

#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "persistence/common/pg_array.hpp"

namespace pay::persistence {

// `parse`: the domain's parse_*_status, text -> optional<enum>.
template <class Parse>
auto status_column(const pqxx::field& field, Parse parse) {
  auto text = field.as<std::string>();
  auto status = parse(text);
  if (!status) throw std::logic_error("unknown status in database: " + text);
  return *status;
}

// Statuses as the text[] literal a statement compares `status::text` with;
// each spelled by its domain's to_db_string.
template <class Status>
std::string status_array(const std::vector<Status>& statuses) {
  std::vector<std::string> texts;
  texts.reserve(statuses.size());
  for (auto s : statuses) texts.emplace_back(to_db_string(s));
  return to_pg_array(texts);
}

}  // namespace pay::persistence
