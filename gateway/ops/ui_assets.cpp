#include "gateway/ops/ui_assets.hpp"

#include <iterator>

namespace pay::gateway {

// Defined in the generated embedded_ui.cpp.
extern const ui_asset embedded_ui_assets[];
extern const std::size_t embedded_ui_asset_count;

const ui_asset* find_ui_asset(std::string_view name) {
  for (std::size_t i = 0; i < embedded_ui_asset_count; ++i)
    if (embedded_ui_assets[i].name == name) return &embedded_ui_assets[i];
  return nullptr;
}

std::string_view ui_content_type(std::string_view name) {
  auto ends_with = [&](std::string_view ext) {
    return name.size() >= ext.size()
           && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace pay::gateway
