#include "tools/loadgen/run_stats.hpp"

#include <cstdio>
#include <sstream>

#include <boost/json.hpp>

namespace pay::loadgen {

namespace {

double per_s(std::uint64_t count, double window_s) {
  return window_s > 0 ? static_cast<double>(count) / window_s : 0.0;
}

double ms(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string latency_row(const char* name, const latency_histogram& h) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-22s %9.1f %9.1f %9.1f %9.1f %9llu\n",
                name, ms(h.percentile_us(50)), ms(h.percentile_us(95)),
                ms(h.percentile_us(99)), ms(h.max_us()),
                static_cast<unsigned long long>(h.count()));
  return buf;
}

// Written by hand rather than through boost::json::serialize, which prints
// every double in exponent notation (1.5E0): scripts read these with sed
// and awk.
std::string latency_json(const latency_histogram& h) {
  return "{\"p50\":" + fixed(ms(h.percentile_us(50)), 2)
         + ",\"p95\":" + fixed(ms(h.percentile_us(95)), 2)
         + ",\"p99\":" + fixed(ms(h.percentile_us(99)), 2)
         + ",\"max\":" + fixed(ms(h.max_us()), 2)
         + ",\"count\":" + std::to_string(h.count()) + "}";
}

std::string quoted(const std::string& text) {
  return boost::json::serialize(boost::json::string_view{text});
}

const char* invariant_word(invariant_state s) {
  switch (s) {
    case invariant_state::ok:
      return "ok";
    case invariant_state::violated:
      return "violated";
    case invariant_state::skipped:
      break;
  }
  return "skipped";
}

}  // namespace

std::string error_name(error_kind kind, unsigned http_status) {
  switch (kind) {
    case error_kind::http_status:
      return "http_" + std::to_string(http_status);
    case error_kind::connect:
      return "connect";
    case error_kind::saturated:
      return "saturated";
    case error_kind::timeout:
      return "timeout";
    case error_kind::connection_lost:
      return "connection_lost";
    case error_kind::bad_body:
      return "bad_body";
    case error_kind::completion_timeout:
      return "completion_timeout";
  }
  return "unknown";
}

double accepted_per_s(const run_stats& s) {
  return per_s(s.checkouts_accepted, s.accept_window_s);
}

double completed_orders_per_s(const run_stats& s) {
  return per_s(s.orders_completed, s.completion_window_s);
}

std::string render_table(const run_stats& s, const run_description& d) {
  std::ostringstream out;
  out << "loadgen run " << d.run_id << ": "
      << (d.rate_per_s > 0
            ? "open loop, " + std::to_string(d.rate_per_s) + " checkouts/s"
            : "closed loop, " + std::to_string(d.concurrency)
                + " checkouts in flight")
      << ", " << d.orders_per_checkout << " orders per checkout"
      << (d.no_wait ? ", no wait" : "") << "\n";
  out << "  checkouts started      " << s.checkouts_started << "\n"
      << "  checkouts accepted     " << s.checkouts_accepted << "  ("
      << fixed(accepted_per_s(s), 1) << "/s over "
      << fixed(s.accept_window_s, 1) << " s)\n";
  if (!d.no_wait)
    out << "  checkouts completed    " << s.checkouts_completed << "\n"
        << "  orders completed       " << s.orders_completed << "  ("
        << fixed(completed_orders_per_s(s), 1) << "/s over "
        << fixed(s.completion_window_s, 1) << " s; " << s.orders_succeeded
        << " succeeded, " << s.orders_failed << " failed)\n";
  if (s.checkouts_skipped > 0)
    out << "  checkouts skipped      " << s.checkouts_skipped
        << "  (open loop: --in-flight-max reached)\n";
  out << "  latency (ms)                 p50       p95       p99       max"
         "     count\n"
      << latency_row("accept", s.accept);
  if (!d.no_wait) out << latency_row("completion", s.completion);
  out << "  errors";
  if (s.errors.empty())
    out << "                 none\n";
  else {
    out << "\n";
    for (const auto& [kind, n] : s.errors)
      out << "    " << kind << "  " << n << "\n";
  }
  if (d.invariants == invariant_state::ok)
    out << "invariants: ok\n";
  else if (d.invariants == invariant_state::skipped)
    out << "invariants: skipped (" << d.invariants_note << ")\n";
  else {
    out << "invariants: " << d.violations.size() << " violated\n";
    for (const auto& v : d.violations) out << "  " << v << "\n";
  }
  return out.str();
}

std::string render_json_line(const run_stats& s, const run_description& d) {
  std::string errors = "{";
  for (const auto& [kind, n] : s.errors) {
    if (errors.size() > 1) errors += ",";
    errors += quoted(kind) + ":" + std::to_string(n);
  }
  errors += "}";
  auto field = [](const char* name, const std::string& value) {
    return std::string{"\""} + name + "\":" + value;
  };
  auto count = [&](const char* name, std::uint64_t value) {
    return field(name, std::to_string(value));
  };
  std::string out = "loadgen-json: {";
  for (const auto& part :
       {field("run_id", quoted(d.run_id)),
        field("mode", d.rate_per_s > 0 ? "\"open\"" : "\"closed\""),
        count("concurrency", d.concurrency),
        count("rate_per_s", d.rate_per_s),
        count("orders_per_checkout", d.orders_per_checkout),
        field("no_wait", d.no_wait ? "true" : "false"),
        count("checkouts_started", s.checkouts_started),
        count("checkouts_accepted", s.checkouts_accepted),
        count("checkouts_completed", s.checkouts_completed),
        count("checkouts_skipped", s.checkouts_skipped),
        count("orders_completed", s.orders_completed),
        count("orders_succeeded", s.orders_succeeded),
        count("orders_failed", s.orders_failed),
        field("accepted_per_s", fixed(accepted_per_s(s), 1)),
        field("completed_orders_per_s", fixed(completed_orders_per_s(s), 1)),
        field("accept_ms", latency_json(s.accept)),
        field("completion_ms", latency_json(s.completion)),
        field("errors", errors),
        field("invariants", quoted(invariant_word(d.invariants))),
        count("violations", d.violations.size())}) {
    if (out.back() != '{') out += ",";
    out += part;
  }
  return out + "}";
}

}  // namespace pay::loadgen
