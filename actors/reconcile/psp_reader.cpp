#include "actors/reconcile/psp_reader.hpp"

#include <memory>

#include "http/client_pool.hpp"
#include "http/sync_client.hpp"

namespace pay {

psp_opener psp_opener_for(psp_endpoint endpoint) {
  return [endpoint = std::move(endpoint)]() -> psp_get {
    auto url = http::parse_base_url(endpoint.base_url);
    if (!url)
      return [](const std::string&, const psp_headers&) {
        return psp_answer{"psp.base_url is not an http(s)://host:port URL",
                          0,
                          {}};
      };
    // Shared: a std::function must be copyable, a sync_client is not.
    auto client = std::make_shared<http::sync_client>(
      url->host, url->port, endpoint.timeout_ms,
      http::client_tls_for(*url, endpoint.ca_file));
    return [client](const std::string& target, const psp_headers& headers) {
      auto got = client->get(target, headers);
      if (!got.ok) return psp_answer{got.error, 0, {}};
      return psp_answer{{},
                        static_cast<unsigned>(got.res.result_int()),
                        std::move(got.res.body())};
    };
  };
}

}  // namespace pay
