#include "app/keys_command.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include <boost/json.hpp>

#include "config/settings.hpp"
#include "gateway/access/key_registry.hpp"
#include "gateway/access/key_render.hpp"
#include "persistence/common/db_session.hpp"
#include "persistence/common/migrations.hpp"

namespace pay {

namespace {

constexpr const char* usage =
  "usage: paymentd keys create --name NAME [--role merchant|readonly|admin]\n"
  "                            [--mode test|live] [--account acct_...] [--quiet]\n"
  "       paymentd keys list\n"
  "       paymentd keys revoke KEY_ID\n"
  "       paymentd keys verify          (reads a key on stdin; exit 0 if live)\n"
  "  each also takes --config FILE; the database is database.url / DATABASE_URL\n"
  "  create prints the key once (with --quiet: only the key); it is never\n"
  "  shown again.\n";

struct parsed_args {
  std::string verb;
  std::string positional;
  std::map<std::string, std::string> options;
  bool quiet = false;
  std::string error;
};

parsed_args parse(int argc, char** argv) {
  parsed_args out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quiet") {
      out.quiet = true;
    } else if (arg.rfind("--", 0) == 0) {
      if (i + 1 >= argc) {
        out.error = arg + " needs a value";
        return out;
      }
      out.options[arg.substr(2)] = argv[++i];
    } else if (out.verb.empty()) {
      out.verb = arg;
    } else if (out.positional.empty()) {
      out.positional = arg;
    } else {
      out.error = "unexpected argument: " + arg;
      return out;
    }
  }
  for (const auto& [name, value] : out.options)
    if (name != "name" && name != "role" && name != "mode" && name != "account"
        && name != "config")
      out.error = "unknown option: --" + name;
  return out;
}

int fail(const std::string& message) {
  std::cerr << "paymentd keys: " << message << "\n" << usage;
  return 2;
}

std::string option(const parsed_args& args, const std::string& name,
                   const std::string& fallback = {}) {
  auto it = args.options.find(name);
  return it == args.options.end() ? fallback : it->second;
}

int create(persistence::db_session& db, const parsed_args& args) {
  gateway::new_key_request req;
  req.name = option(args, "name");
  if (req.name.empty()) return fail("create needs --name");
  auto role = domain::parse_key_role(option(args, "role", "merchant"));
  if (!role) return fail("--role must be merchant, readonly or admin");
  auto mode = domain::parse_key_mode(option(args, "mode", "test"));
  if (!mode) return fail("--mode must be test or live");
  req.role = *role;
  req.mode = *mode;
  req.account_id = option(args, "account");
  gateway::new_key_result result;
  auto err = db.in_transaction(
    [&](pqxx::work& txn) { result = gateway::create_api_key(txn, req); });
  if (!err.empty()) return fail("database: " + err);
  if (!result.error.empty()) return fail(result.error);
  if (args.quiet)
    std::cout << result.secret << "\n";
  else
    std::cout << gateway::render_new_api_key(result.row, result.secret) << "\n";
  return 0;
}

int list(persistence::db_session& db) {
  std::vector<persistence::api_key_row> rows;
  auto err = db.in_transaction(
    [&](pqxx::work& txn) { rows = persistence::list_api_keys(txn); });
  if (!err.empty()) return fail("database: " + err);
  for (const auto& row : rows)
    std::cout << boost::json::serialize(gateway::api_key_json(row)) << "\n";
  return 0;
}

int revoke(persistence::db_session& db, const parsed_args& args) {
  if (args.positional.empty()) return fail("revoke needs a key id (key_...)");
  std::optional<persistence::api_key_row> row;
  auto err = db.in_transaction([&](pqxx::work& txn) {
    row = persistence::revoke_api_key(txn, args.positional);
  });
  if (!err.empty()) return fail("database: " + err);
  if (!row) {
    std::cerr << "paymentd keys: no such key: " << args.positional << "\n";
    return 1;
  }
  std::cout << boost::json::serialize(gateway::api_key_json(*row)) << "\n";
  return 0;
}

// The key on stdin, not in argv, where `ps` would show it.
int verify(persistence::db_session& db) {
  std::string key;
  std::getline(std::cin, key);
  if (!domain::is_well_formed_api_key(key)) return 1;
  std::optional<persistence::api_key_row> row;
  auto err = db.in_transaction([&](pqxx::work& txn) {
    row = persistence::find_api_key_by_hash(txn, domain::api_key_hash(key));
  });
  if (!err.empty()) return fail("database: " + err);
  return row && row->revoked_at.empty() ? 0 : 1;
}

}  // namespace

int run_keys_command(int argc, char** argv) {
  auto args = parse(argc, argv);
  if (!args.error.empty()) return fail(args.error);
  if (args.verb.empty() || args.verb == "help" || args.verb == "--help") {
    std::cout << usage;
    return args.verb.empty() ? 2 : 0;
  }
  auto loaded = load_settings(option(args, "config"), std::getenv);
  if (!loaded.error.empty()) return fail("configuration: " + loaded.error);
  try {
    pqxx::connection conn{loaded.value.database_url};
    persistence::apply_migrations(conn);
  } catch (const std::exception& e) {
    return fail(std::string{"database: "} + e.what());
  }
  persistence::db_session db{loaded.value.database_url};
  if (args.verb == "create") return create(db, args);
  if (args.verb == "list") return list(db);
  if (args.verb == "revoke") return revoke(db, args);
  if (args.verb == "verify") return verify(db);
  return fail("unknown command: " + args.verb);
}

}  // namespace pay
