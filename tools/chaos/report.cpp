#include "tools/chaos/report.hpp"

#include <cstdio>
#include <string>

namespace pay::chaos {

namespace {

// -1 means "not measured" (the feature is missing), shown as "n/a".
std::string figure(std::int64_t value) {
  return value < 0 ? "n/a" : std::to_string(value);
}

struct column {
  const char* title;
  std::size_t width;
};

constexpr column columns[] = {
  {"round", 5},       {"seed", 12},   {"checkouts", 9},   {"orders", 6},
  {"charges", 7},     {"retries", 7}, {"recoveries", 10}, {"faults", 6},
  {"kills", 5},       {"pg", 3},      {"pauses", 6},      {"DLQ", 4},
  {"violations", 10}, {"seconds", 7},
};
constexpr std::size_t columns_count = sizeof columns / sizeof columns[0];
// Shown only in cluster runs, so a single-node run prints what it always did.
constexpr std::size_t pauses_column = 10;

// Right-aligned cells, one space apart.
std::string row(const std::string (&cells)[columns_count], bool with_pauses) {
  std::string line;
  for (std::size_t i = 0; i < columns_count; ++i) {
    if (i == pauses_column && !with_pauses) continue;
    if (i > 0) line += ' ';
    if (cells[i].size() < columns[i].width)
      line.append(columns[i].width - cells[i].size(), ' ');
    line += cells[i];
  }
  return line + "\n";
}

std::string replay_command(const round_outcome& r, const chaos_options& o) {
  return "scripts/chaos --rounds 1 --seed " + std::to_string(r.seed)
         + " --checkouts " + std::to_string(o.checkouts)
         + " --orders-per-checkout " + std::to_string(o.orders_per_checkout)
         + " --concurrency " + std::to_string(o.concurrency) + " --kills "
         + std::to_string(o.kills) + " --pg-restarts "
         + std::to_string(o.pg_restarts) + " --faults "
         + (o.faults == fault_level::none    ? "none"
            : o.faults == fault_level::heavy ? "heavy"
                                             : "moderate")
         + " --psp-key-ttl-s " + std::to_string(o.psp_key_ttl_s)
         + (o.nodes > 1 ? " --nodes " + std::to_string(o.nodes) + " --pauses "
                            + std::to_string(o.pauses) + " --port-base "
                            + std::to_string(o.port_base)
                        : "")
         + (o.patroni ? " --patroni" : "") + " --keep-logs";
}

}  // namespace

void print_table_header(std::ostream& out, const chaos_options& options) {
  std::string titles[columns_count];
  for (std::size_t i = 0; i < columns_count; ++i) titles[i] = columns[i].title;
  out << row(titles, options.nodes > 1);
}

void print_table_row(std::ostream& out, const round_outcome& r,
                     const chaos_options& options) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", r.seconds);
  const std::string cells[columns_count] = {std::to_string(r.round),
                                            std::to_string(r.seed),
                                            std::to_string(r.checkouts),
                                            std::to_string(r.figures.orders),
                                            std::to_string(r.figures.charges),
                                            figure(r.figures.retries),
                                            figure(r.recoveries),
                                            figure(r.faults_injected),
                                            std::to_string(r.kills),
                                            std::to_string(r.pg_restarts),
                                            std::to_string(r.pauses),
                                            figure(r.figures.dlq_open),
                                            std::to_string(r.found.size()),
                                            seconds};
  out << row(cells, options.nodes > 1) << std::flush;
}

void print_round_details(std::ostream& out, const round_outcome& r,
                         const chaos_options& options) {
  out << "  round " << r.round << " (seed " << r.seed << "): features "
      << r.features << "; " << r.figures.success << " SUCCESS, "
      << r.figures.failed << " FAILED";
  if (r.figures.refunds_succeeded >= 0)
    out << "; " << r.figures.fulfilled << " fulfilled, " << r.figures.settled
        << " settled, refunds " << r.figures.refunds_succeeded
        << " SUCCEEDED / " << r.figures.refunds_failed << " FAILED, payouts "
        << r.figures.payouts_paid << " PAID / " << r.figures.payouts_failed
        << " FAILED";
  out << "\n";
  for (const auto& e : r.events) out << "    " << e << "\n";
  for (const auto& w : r.warnings) out << "    warning: " << w << "\n";
  if (r.found.empty()) return;
  out << "  VIOLATIONS in round " << r.round << " (seed " << r.seed << "):\n";
  for (const auto& v : r.found)
    out << "    [" << to_string(v.which) << "] " << v.detail << "\n";
  out << "  replay: " << replay_command(r, options) << "\n"
      << "  kept: database " << r.database_name << ", logs " << r.log_dir
      << "\n";
}

void print_summary(std::ostream& out, const std::vector<round_outcome>& rounds,
                   const chaos_options& options) {
  std::size_t violations_total = 0, failed_rounds = 0;
  std::int64_t orders = 0, faults = 0;
  std::uint32_t kills = 0, pg_faults = 0, pauses = 0;
  double seconds = 0;
  for (const auto& r : rounds) {
    violations_total += r.found.size();
    failed_rounds += r.found.empty() ? 0 : 1;
    orders += r.figures.orders;
    faults += r.faults_injected > 0 ? r.faults_injected : 0;
    kills += r.kills;
    pg_faults += r.pg_restarts;
    pauses += r.pauses;
    seconds += r.seconds;
  }
  out << "chaos: " << rounds.size() << " rounds, " << orders << " orders, "
      << faults << " faults injected, " << kills << " kills, ";
  if (options.nodes > 1) out << pauses << " pauses, ";
  if (options.patroni) out << pg_faults << " primary kills, ";
  out << violations_total << " violations in " << failed_rounds << " rounds, "
      << static_cast<long>(seconds) << " s (seed " << options.seed << ")\n";
}

}  // namespace pay::chaos
