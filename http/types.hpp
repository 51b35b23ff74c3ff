// The HTTP message types shared by every header in http/.
//
// Both the server and the client pool speak in these two types. Keeping them
// here means neither header has to include the other. Alias declarations may
// be repeated in one namespace as long as they name the same type, so a
// header that spells them out itself still compiles next to this one.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace pay::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace pay::http
