#include "domain/access/account_scope.hpp"

#include "domain/access/api_key.hpp"

namespace pay::domain {

account_scope account_scope::of(std::string_view account_id) {
  account_scope scope;
  if (!account_id.empty()) scope.prefix_ = std::string{account_id} + ":";
  return scope;
}

std::string account_scope::account_id() const {
  return prefix_.empty() ? std::string{}
                         : prefix_.substr(0, prefix_.size() - 1);
}

std::string account_scope::in(std::string_view client_id) const {
  return prefix_ + std::string{client_id};
}

std::string account_scope::out(std::string_view stored_id) const {
  if (owns(stored_id)) stored_id.remove_prefix(prefix_.size());
  return std::string{stored_id};
}

bool account_scope::owns(std::string_view stored_id) const {
  return stored_id.substr(0, prefix_.size()) == prefix_;
}

std::string_view account_of(std::string_view stored_id) {
  auto colon = stored_id.find(':');
  if (colon == std::string_view::npos) return {};
  auto account = stored_id.substr(0, colon);
  return is_account_id(account) ? account : std::string_view{};
}

}  // namespace pay::domain
