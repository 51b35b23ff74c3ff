// /admin/keys: create, list and revoke API keys (an admin key required, as
// for all of /admin). The key registry runs the SQL on its own thread and
// knows a new or revoked key at once.

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "gateway/access/key_render.hpp"
#include "gateway/common/json_body.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view keys_path = "/admin/keys";

// The cause goes to the log, for the operator; the client learns only that
// it may retry.
api_error database_error(const std::string& cause) {
  spdlog::warn("key store: {}", cause);
  return api_error{503, "api_error", "database_unavailable",
                   "The key store is not reachable; retry later.", ""};
}

// The string field `name` of `obj`, or an error naming it.
std::optional<api_error> read_string(const json::object& obj,
                                     std::string_view name, std::string& out,
                                     bool required) {
  auto it = obj.find(name);
  if (it == obj.end() || it->value().is_null()) {
    if (!required) return std::nullopt;
    return invalid("parameter_missing",
                   "Missing required param: " + std::string{name} + ".",
                   std::string{name});
  }
  if (!it->value().is_string())
    return invalid("parameter_invalid_type",
                   std::string{name} + " must be a string.", std::string{name});
  out = std::string{it->value().get_string()};
  return std::nullopt;
}

std::optional<api_error> read_new_key(const http::request& req,
                                      new_key_request& out) {
  if (!is_json_media_type(req[bhttp::field::content_type]))
    return api_error{415, "invalid_request_error", "unsupported_media_type",
                     "Send the key as application/json.", ""};
  json::error_code ec;
  auto parsed = json::parse(req.body(), ec);
  if (ec || !parsed.is_object())
    return invalid("body_invalid_json", "The body is not a JSON object.", "");
  const auto& obj = parsed.get_object();
  if (auto err = reject_unknown_fields(obj,
                                       {"name", "role", "mode", "account"}))
    return err;
  std::string role = "merchant", mode = "test";
  for (auto [field, target, required] : {std::tuple{"name", &out.name, true},
                                         {"role", &role, false},
                                         {"mode", &mode, false},
                                         {"account", &out.account_id, false}})
    if (auto err = read_string(obj, field, *target, required)) return err;
  if (out.name.empty() || out.name.size() > 100)
    return invalid("parameter_invalid", "name must be 1 to 100 characters.",
                   "name");
  auto parsed_role = domain::parse_key_role(role);
  if (!parsed_role)
    return invalid("parameter_invalid",
                   "role must be merchant, readonly or admin.", "role");
  out.role = *parsed_role;
  auto parsed_mode = domain::parse_key_mode(mode);
  if (!parsed_mode)
    return invalid("parameter_invalid", "mode must be test or live.", "mode");
  out.mode = *parsed_mode;
  if (!out.account_id.empty() && !domain::is_account_id(out.account_id))
    return invalid("parameter_invalid",
                   "account must be acct_ and 16 letters or digits.",
                   "account");
  return std::nullopt;
}

void create_key_route(const context& ctx, const exchange_ptr& ex) {
  new_key_request request;
  if (auto err = read_new_key(ex->req, request)) {
    ex->fail(*err);
    return;
  }
  ctx.options.keys->create(request, [ex](const new_key_result& result) {
    if (!result.error.empty()) {
      ex->fail(database_error(result.error));
      return;
    }
    ex->reply(201, render_new_api_key(result.row, result.secret));
  });
}

void list_keys_route(const context& ctx, const exchange_ptr& ex) {
  ctx.options.keys->list([ex](const key_registry::list_result& result) {
    if (!result.first.empty()) {
      ex->fail(database_error(result.first));
      return;
    }
    json::array data;
    for (const auto& row : result.second) data.push_back(api_key_json(row));
    ex->reply(200, json::serialize(json::object{{"object", "list"},
                                                {"data", std::move(data)}}));
  });
}

void revoke_key_route(const context& ctx, const exchange_ptr& ex,
                      std::string id) {
  ctx.options.keys->revoke(
    std::move(id), [ex](key_registry::revoke_result result) {
      if (!result.first.empty()) {
        ex->fail(database_error(result.first));
        return;
      }
      if (!result.second) {
        ex->fail(api_error{404, "invalid_request_error", "resource_missing",
                           "No such API key.", "id"});
        return;
      }
      ex->reply(200, json::serialize(api_key_json(*result.second)));
    });
}

}  // namespace

bool dispatch_key_admin_routes(const context& ctx, const exchange_ptr& ex,
                               std::string_view path) {
  if (path == keys_path) {
    if (ex->req.method() == bhttp::verb::post)
      create_key_route(ctx, ex);
    else if (ex->req.method() == bhttp::verb::get)
      list_keys_route(ctx, ex);
    else
      method_not_allowed(ex, "GET, POST");
    return true;
  }
  if (auto id = id_between(path, "/admin/keys/", "/revoke"); !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { revoke_key_route(ctx, ex, id); });
  return false;
}

}  // namespace pay::gateway
