// The merchant URLs pspsim sends a buyer's browser to (return_url,
// success_url, cancel_url): what counts as one, and adding to its query.
#pragma once

#include <string>
#include <string_view>

#include "http/form.hpp"

namespace pay::pspsim {

// Stripe's limit on the URLs it redirects to.
constexpr std::size_t web_url_chars_max = 2048;

// http:// or https:// with a host; no spaces or control characters; at most
// web_url_chars_max.
bool is_web_url(std::string_view url);

// `url` with `fields` appended to its query, before any #fragment.
std::string with_query(std::string_view url, const http::form_fields& fields);

// "http://<Host>" as the caller reached pspsim: the base of the pages it
// hands to a browser (hosted checkout, 3-D Secure).
std::string page_base_of(std::string_view host_header);

}  // namespace pay::pspsim
