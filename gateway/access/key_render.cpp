#include "gateway/access/key_render.hpp"

#include "gateway/common/render.hpp"

namespace pay::gateway {

boost::json::object api_key_json(const persistence::api_key_row& row) {
  return boost::json::object{
    {"object", "api_key"},
    {"id", row.key_id},
    {"name", row.name},
    {"role", row.role},
    {"mode", row.mode},
    {"account", row.account_id},
    {"prefix", row.prefix},
    {"created", row.created_at},
    {"last_used", null_if_empty(row.last_used_at)},
    {"revoked", null_if_empty(row.revoked_at)},
  };
}

std::string render_new_api_key(const persistence::api_key_row& row,
                               const std::string& secret) {
  auto obj = api_key_json(row);
  obj["secret"] = secret;
  return boost::json::serialize(obj);
}

}  // namespace pay::gateway
