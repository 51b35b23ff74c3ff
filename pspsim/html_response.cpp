#include "pspsim/html_response.hpp"

#include <boost/beast/http/field.hpp>

namespace pay::pspsim {

namespace bhttp = boost::beast::http;

http::response html_page(const http::request& req, unsigned status,
                         std::string body) {
  http::response res{static_cast<bhttp::status>(status), req.version()};
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::response see_other(const http::request& req,
                         const std::string& location) {
  http::response res{bhttp::status::see_other, req.version()};
  res.set(bhttp::field::location, location);
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

}  // namespace pay::pspsim
