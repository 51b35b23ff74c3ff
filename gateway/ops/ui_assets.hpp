#pragma once
// The operator page's static files (gateway/ui/), embedded into the binary at
// configure time so paymentd serves them with no path to find.

#include <string_view>

namespace pay::gateway {

struct ui_asset {
  std::string_view name;  // file name, e.g. "app.js"
  std::string_view body;
};

// nullptr when there is no such file.
const ui_asset* find_ui_asset(std::string_view name);
std::string_view ui_content_type(std::string_view name);

}  // namespace pay::gateway
