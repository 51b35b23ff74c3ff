#include "gateway/common/request_checks.hpp"

#include <cctype>

#include "domain/common/ids.hpp"
#include "gateway/common/render.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

std::string id_after(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return {};
  std::string id{path.substr(prefix.size())};
  return domain::is_valid_id(id) ? id : std::string{};
}

std::string id_between(std::string_view path, std::string_view prefix,
                       std::string_view suffix) {
  if (path.size() <= prefix.size() + suffix.size()
      || path.substr(path.size() - suffix.size()) != suffix)
    return {};
  return id_after(path.substr(0, path.size() - suffix.size()), prefix);
}

bool is_json_media_type(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  constexpr std::string_view json_type = "application/json";
  if (media.size() != json_type.size()) return false;
  for (std::size_t i = 0; i < media.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(media[i])) != json_type[i])
      return false;
  return true;
}

bool is_valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

void method_not_allowed(const exchange_ptr& ex, std::string_view allowed) {
  auto res = http::make_json_response(
    ex->req, 405,
    render_error(api_error{
      405, "invalid_request_error", "method_not_allowed",
      "Method not allowed here; allowed: " + std::string{allowed} + ".", ""}));
  res.set(bhttp::field::allow, allowed);
  res.set("Request-Id", ex->request_id);
  ex->respond(std::move(res));
}

bool only(const exchange_ptr& ex, bhttp::verb verb, std::string_view allowed,
          const std::function<void()>& run) {
  if (ex->req.method() != verb)
    method_not_allowed(ex, allowed);
  else
    run();
  return true;
}

}  // namespace pay::gateway
