// What pspsim remembers about settlement files besides the money: the
// distortions injected per date and the files replaced verbatim (PUT
// /sim/settlement_files/{date}). Thread-safe; forgotten on /sim/reset.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "pspsim/settlement_discrepancy.hpp"

namespace pay::pspsim {

// Bounds the memory a test loop can pin: distortions per date, and the
// total bytes of verbatim files (a 100,000-line file is about 8 MB).
constexpr std::size_t discrepancies_per_date_max = 10'000;
constexpr std::size_t override_bytes_max = 512u << 20;

class settlement_store {
 public:
  // Held by whoever checks a new distortion against the day's file and then
  // adds it, so two injections cannot both pass the check on a stale file.
  std::unique_lock<std::mutex> lock_injections() {
    return std::unique_lock<std::mutex>(injection_mutex_);
  }

  std::vector<discrepancy> discrepancies(const std::string& date) const;
  // Every date holding a distortion.
  std::set<std::string> dates_with_discrepancies() const;
  // False when the date holds discrepancies_per_date_max already.
  bool add(const std::string& date, discrepancy d);
  // Intents listed by a status_mismatch on any date: they settle only there.
  std::set<std::string> status_mismatch_intents() const;

  std::optional<std::string> override_of(const std::string& date) const;
  // False when it would exceed override_bytes_max in total.
  bool put_override(const std::string& date, std::string body);
  bool delete_override(const std::string& date);

  void reset();

 private:
  std::mutex injection_mutex_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<discrepancy>> by_date_;
  std::unordered_map<std::string, std::string> overrides_;
  std::size_t override_bytes_ = 0;
};

}  // namespace pay::pspsim
