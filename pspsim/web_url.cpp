#include "pspsim/web_url.hpp"

namespace pay::pspsim {

bool is_web_url(std::string_view url) {
  if (url.size() > web_url_chars_max) return false;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == '?'
      || rest.front() == '#') {
    return false;
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') return false;
  }
  return true;
}

std::string with_query(std::string_view url_in,
                       const http::form_fields& fields) {
  std::string url(url_in);
  std::string fragment;
  if (const auto hash = url.find('#'); hash != std::string::npos) {
    fragment = url.substr(hash);
    url.resize(hash);
  }
  const bool has_query = url.find('?') != std::string::npos;
  const bool ends_open = !url.empty()
                         && (url.back() == '?' || url.back() == '&');
  url += ends_open ? "" : (has_query ? "&" : "?");
  return url + http::form_encode(fields) + fragment;
}

std::string page_base_of(std::string_view host_header) {
  return "http://"
         + std::string(host_header.empty() ? "127.0.0.1" : host_header);
}

}  // namespace pay::pspsim
