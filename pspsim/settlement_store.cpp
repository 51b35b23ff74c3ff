#include "pspsim/settlement_store.hpp"

#include "pspsim/check.hpp"

namespace pay::pspsim {

std::string_view to_string(discrepancy_kind kind) {
  switch (kind) {
    case discrepancy_kind::unknown_charge:
      return "unknown_charge";
    case discrepancy_kind::missing_charge:
      return "missing_charge";
    case discrepancy_kind::amount_mismatch:
      return "amount_mismatch";
    case discrepancy_kind::currency_mismatch:
      return "currency_mismatch";
    case discrepancy_kind::duplicate_line:
      return "duplicate_line";
    case discrepancy_kind::fee_mismatch:
      return "fee_mismatch";
    case discrepancy_kind::status_mismatch:
      return "status_mismatch";
  }
  return "unknown";
}

std::optional<discrepancy_kind> parse_discrepancy_kind(std::string_view text) {
  for (const auto kind :
       {discrepancy_kind::unknown_charge, discrepancy_kind::missing_charge,
        discrepancy_kind::amount_mismatch, discrepancy_kind::currency_mismatch,
        discrepancy_kind::duplicate_line, discrepancy_kind::fee_mismatch,
        discrepancy_kind::status_mismatch}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::vector<discrepancy> settlement_store::discrepancies(
  const std::string& date) const {
  std::lock_guard lock(mutex_);
  const auto it = by_date_.find(date);
  return it == by_date_.end() ? std::vector<discrepancy>{} : it->second;
}

std::set<std::string> settlement_store::dates_with_discrepancies() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> out;
  for (const auto& entry : by_date_) out.insert(entry.first);
  return out;
}

bool settlement_store::add(const std::string& date, discrepancy d) {
  std::lock_guard lock(mutex_);
  auto& list = by_date_[date];
  if (list.size() >= discrepancies_per_date_max) return false;
  list.push_back(std::move(d));
  return true;
}

std::set<std::string> settlement_store::status_mismatch_intents() const {
  std::lock_guard lock(mutex_);
  std::set<std::string> out;
  for (const auto& [date, list] : by_date_) {
    for (const auto& d : list) {
      if (d.kind == discrepancy_kind::status_mismatch) out.insert(d.reference);
    }
  }
  return out;
}

std::optional<std::string> settlement_store::override_of(
  const std::string& date) const {
  std::lock_guard lock(mutex_);
  const auto it = overrides_.find(date);
  if (it == overrides_.end()) return std::nullopt;
  return it->second;
}

bool settlement_store::put_override(const std::string& date, std::string body) {
  std::lock_guard lock(mutex_);
  const auto it = overrides_.find(date);
  const std::size_t replaced = it == overrides_.end() ? 0 : it->second.size();
  PSPSIM_CHECK(override_bytes_ >= replaced);
  if (override_bytes_ - replaced + body.size() > override_bytes_max)
    return false;
  override_bytes_ = override_bytes_ - replaced + body.size();
  overrides_[date] = std::move(body);
  return true;
}

bool settlement_store::delete_override(const std::string& date) {
  std::lock_guard lock(mutex_);
  const auto it = overrides_.find(date);
  if (it == overrides_.end()) return false;
  PSPSIM_CHECK(override_bytes_ >= it->second.size());
  override_bytes_ -= it->second.size();
  overrides_.erase(it);
  return true;
}

void settlement_store::reset() {
  std::lock_guard lock(mutex_);
  by_date_.clear();
  overrides_.clear();
  override_bytes_ = 0;
}

}  // namespace pay::pspsim
