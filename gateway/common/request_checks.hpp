#pragma once
// What every route checks before it asks an actor: which id a path names,
// the request's media type and Idempotency-Key, and the method (405 with an
// Allow header otherwise).

#include <functional>
#include <string>
#include <string_view>

#include "gateway/common/exchange.hpp"

namespace pay::gateway {

// "/v1/payments/abc" with prefix "/v1/payments/" -> "abc"; empty when the
// path is not below the prefix or the id is not a valid id.
std::string id_after(std::string_view path, std::string_view prefix);

// "/admin/dlq/po_1/requeue" with prefix "/admin/dlq/" and suffix "/requeue"
// -> "po_1"; empty otherwise.
std::string id_between(std::string_view path, std::string_view prefix,
                       std::string_view suffix);

// "application/json", any case, parameters such as charset allowed.
bool is_json_media_type(std::string_view content_type);

// Stripe's rule: 1 to 255 printable ASCII characters.
bool is_valid_idempotency_key(std::string_view key);

// 405 with an Allow header naming `allowed`.
void method_not_allowed(const exchange_ptr& ex, std::string_view allowed);

// Runs `run` when the request's method is `verb`, else answers 405. True
// either way: the request is answered.
bool only(const exchange_ptr& ex, boost::beast::http::verb verb,
          std::string_view allowed, const std::function<void()>& run);

}  // namespace pay::gateway
