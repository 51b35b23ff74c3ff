#include "tools/loadgen/options.hpp"

#include <limits>
#include <random>

#include "domain/access/api_key.hpp"
#include "domain/common/currency.hpp"
#include "http/client_pool.hpp"
#include "testkit/command_line.hpp"

namespace pay::loadgen {

namespace {

struct parse_state {
  loadgen_options options;
  bool duration_given = false;
  bool seed_given = false;
  bool tokens_given = false;
};

using option_spec = testkit::option_spec<parse_state>;
using setter = decltype(option_spec::set);
using testkit::parse_number;

constexpr const char* default_tokens =
  "pm_card_visa=90,pm_card_chargeDeclined=5,pm_card_processing=5";

template <typename T>
setter number_field(T loadgen_options::*field, std::uint64_t min,
                    std::uint64_t max) {
  return [=](parse_state& s, const std::string& text) {
    std::uint64_t value = 0;
    auto err = parse_number(text, min, max, value);
    if (err.empty()) s.options.*field = static_cast<T>(value);
    return err;
  };
}

setter url_field(std::string loadgen_options::*field) {
  return [=](parse_state& s, const std::string& text) {
    const auto url = http::parse_base_url(text);
    // parse_base_url takes https too, but loadgen's clients speak plain
    // HTTP: it would send clear text to a TLS port.
    if (!url || url->is_https())
      return "not an http://host[:port] URL: '" + text + "'";
    s.options.*field = text;
    return std::string{};
  };
}

std::string set_currencies(parse_state& s, const std::string& text) {
  std::vector<std::string> codes;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    auto code = text.substr(start, comma - start);
    if (!domain::find_currency(code))
      return "'" + code + "' is not a supported currency (docs/api.md#money)";
    codes.push_back(code);
    start = comma + 1;
  }
  s.options.currencies = std::move(codes);
  return {};
}

std::string set_run_id(parse_state& s, const std::string& text) {
  // Ids are built as lg_<run>_<n>_<k>: keep the run id to safe characters.
  if (text.empty() || text.size() > 32) return "1 to 32 characters";
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '-'))
      return "letters, digits and '-' only";
  s.options.run_id = text;
  return {};
}

const std::vector<option_spec>& specs() {
  using o = loadgen_options;
  static const std::vector<option_spec> all = {
    {"url", true, url_field(&o::url)},
    {"psp-url", true, url_field(&o::psp_url)},
    {"database-url", true,
     [](parse_state& s, const std::string& text) {
       s.options.database_url = text;
       return std::string{};
     }},
    {"api-key", true,
     [](parse_state& s, const std::string& text) {
       s.options.api_key = text;
       return std::string{};
     }},
    {"concurrency", true, number_field(&o::concurrency, 1, 20'000)},
    {"rate", true, number_field(&o::rate_per_s, 1, 1'000'000)},
    {"duration-s", true,
     [](parse_state& s, const std::string& text) {
       s.duration_given = true;
       return number_field(&o::duration_s, 0, 86'400)(s, text);
     }},
    {"checkouts", true, number_field(&o::checkouts, 1, 100'000'000)},
    // 100 is paymentd's api.orders_per_checkout_max.
    {"orders-per-checkout", true,
     number_field(&o::orders_per_checkout, 1, 100)},
    {"sellers", true, number_field(&o::sellers, 1, 10'000'000)},
    {"currencies", true, set_currencies},
    {"tokens", true,
     [](parse_state& s, const std::string& text) {
       auto parsed = parse_token_mix(text);
       if (parsed.error.empty()) {
         s.options.tokens = std::move(parsed.mix);
         s.tokens_given = true;
       }
       return parsed.error;
     }},
    {"seed", true,
     [](parse_state& s, const std::string& text) {
       s.seed_given = true;
       return number_field(&o::seed, 0,
                           std::numeric_limits<std::uint64_t>::max())(s, text);
     }},
    {"run-id", true, set_run_id},
    {"no-wait", false,
     [](parse_state& s, const std::string&) {
       s.options.no_wait = true;
       return std::string{};
     }},
    {"completion", true,
     [](parse_state& s, const std::string& text) {
       if (text == "wait")
         s.options.completion = completion_mode::wait;
       else if (text == "poll")
         s.options.completion = completion_mode::poll;
       else
         return "wait or poll, not '" + text + "'";
       return std::string{};
     }},
    {"connections", true, number_field(&o::connections, 1, 20'000)},
    {"request-timeout-ms", true,
     number_field(&o::request_timeout_ms, 100, 600'000)},
    {"completion-timeout-s", true,
     number_field(&o::completion_timeout_s, 1, 86'400)},
    {"settle-timeout-s", true, number_field(&o::settle_timeout_s, 0, 86'400)},
    {"in-flight-max", true, number_field(&o::in_flight_max, 1, 10'000'000)},
    {"no-invariants", false,
     [](parse_state& s, const std::string&) {
       s.options.invariants = false;
       return std::string{};
     }},
  };
  return all;
}

std::string random_run_id() {
  std::random_device device;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) out += hex[device() % 16];
  return out;
}

// Defaults that depend on other options, and combinations that make no sense.
std::string finish(parse_state& s, const std::string& database_url_env,
                   const std::string& api_key_env) {
  auto& o = s.options;
  if (o.api_key.empty()) o.api_key = api_key_env;
  if (o.api_key.empty())
    return "--api-key KEY (or LOADGEN_API_KEY) is required: paymentd refuses"
           " /v1 requests without a key; `paymentd keys create` makes one";
  // Checked here, not by a run of 401s: paymentd refuses any other shape.
  if (!domain::is_well_formed_api_key(o.api_key))
    return "--api-key: not an API key (sk_test_ or sk_live_ and "
           + std::to_string(domain::key_secret_chars) + " letters or digits)";
  if (!s.duration_given && o.checkouts > 0) o.duration_s = 0;
  if (o.duration_s == 0 && o.checkouts == 0)
    return "--duration-s 0 needs --checkouts N, or the run never ends";
  if (!s.tokens_given) o.tokens = parse_token_mix(default_tokens).mix;
  if (!s.seed_given) {
    std::random_device device;
    o.seed = ((std::uint64_t{device()} << 32) | device()) % 1'000'000'000;
  }
  if (o.run_id.empty()) o.run_id = random_run_id();
  if (o.database_url.empty()) o.database_url = database_url_env;
  if (o.connections == 0)
    o.connections = o.rate_per_s > 0 ? 1024 : o.concurrency;
  return {};
}

}  // namespace

const char* usage() {
  return "usage: loadgen [options]\n"
         "  --url URL                 paymentd (http://127.0.0.1:8080)\n"
         "  --psp-url URL             pspsim, for the invariants "
         "(http://127.0.0.1:8090)\n"
         "  --api-key KEY             paymentd API key, sent as Authorization:\n"
         "                            Bearer (default $LOADGEN_API_KEY;\n"
         "                            required)\n"
         "  --database-url URL        paymentd's database, for the invariants\n"
         "                            (default $DATABASE_URL; none: skipped)\n"
         "  --concurrency N           closed loop: N checkouts in flight (64)\n"
         "  --rate R                  open loop: start R checkouts/s instead\n"
         "  --duration-s S            stop starting checkouts after S s (10;\n"
         "                            0 or absent with --checkouts: no limit)\n"
         "  --checkouts N             stop after starting N checkouts\n"
         "  --orders-per-checkout K   payment orders per checkout (2)\n"
         "  --sellers M               seller accounts to spread orders over "
         "(100)\n"
         "  --currencies USD,EUR,JPY  currencies to pick from\n"
         "  --tokens T=W,...          PSP test tokens and weights\n"
         "                            (pm_card_visa=90,pm_card_chargeDeclined=5,"
         "\n"
         "                             pm_card_processing=5)\n"
         "  --seed S                  seeds amounts, sellers, currencies, "
         "tokens\n"
         "  --run-id ID               part of every id (random); ids are\n"
         "                            lg_<ID>_<n>[_<k>]\n"
         "  --no-wait                 only create checkouts; do not wait for\n"
         "                            outcomes and skip the invariants\n"
         "  --completion wait|poll    how outcomes are awaited (wait: POST the\n"
         "                            same request with Prefer: wait; poll:\n"
         "                            GET /v1/checkouts/{id} with backoff)\n"
         "  --connections C           keep-alive connections to paymentd\n"
         "                            (concurrency; open loop 1024)\n"
         "  --request-timeout-ms MS   one HTTP request (40000)\n"
         "  --completion-timeout-s S  give up waiting for a checkout (120)\n"
         "  --settle-timeout-s S      invariants first wait for this (120)\n"
         "  --in-flight-max N         open loop: skip starts beyond N in "
         "flight\n"
         "  --no-invariants           skip the invariant check\n"
         "Prints a table and one line starting with 'loadgen-json: '.\n"
         "Exit: 0 ok, 1 invariant violations, 2 bad options, no paymentd or\n"
         "a refused key.\n";
}

parse_result parse_options(int argc, const char* const* argv,
                           const std::string& database_url_env,
                           const std::string& api_key_env) {
  parse_result out;
  parse_state state;
  out.error = testkit::apply_options(argc, argv, specs(), state, out.help);
  if (!out.error.empty() || out.help) return out;
  out.error = finish(state, database_url_env, api_key_env);
  out.options = std::move(state.options);
  return out;
}

}  // namespace pay::loadgen
