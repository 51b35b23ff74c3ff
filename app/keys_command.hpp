#pragma once
// `paymentd keys create|list|revoke|verify`: API keys managed from the
// command line against the database, with no server running.

namespace pay {

// argv[0] is "keys". Returns the process exit code.
int run_keys_command(int argc, char** argv);

}  // namespace pay
