#pragma once
// A status column read back as its domain enum. The database's enum types
// admit only the spellings the domain knows, so an unknown one is our bug
// (a migration ahead of the code): the command fails and writes nothing.

#include <stdexcept>
#include <string>

#include <pqxx/pqxx>

namespace pay::persistence {

// `parse`: the domain's parse_*_status, text -> optional<enum>.
template <class Parse>
auto status_column(const pqxx::field& field, Parse parse) {
  auto text = field.as<std::string>();
  auto status = parse(text);
  if (!status) throw std::logic_error("unknown status in database: " + text);
  return *status;
}

}  // namespace pay::persistence
