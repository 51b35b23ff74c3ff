// The answers of the pages a buyer's browser sees (hosted checkout,
// 3-D Secure): an HTML page, or a 303 elsewhere. Never cached.
#pragma once

#include <string>

#include "http/server.hpp"

namespace pay::pspsim {

http::response html_page(const http::request& req, unsigned status,
                         std::string body);
http::response see_other(const http::request& req, const std::string& location);

}  // namespace pay::pspsim
