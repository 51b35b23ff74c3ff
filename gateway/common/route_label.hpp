#pragma once
// The route a request matched, as a metrics label: ids are replaced by
// placeholders and unknown paths collapse into one label, so the number of
// time series stays bounded whatever clients send.

#include <string_view>

namespace pay::gateway {

std::string_view route_label(std::string_view path);

}  // namespace pay::gateway
