#pragma once
// The GETs a settlement source sends the PSP, as a function it is handed:
// production opens one keep-alive http::sync_client per run (https checked
// against psp.ca_file), a test hands in canned answers. The source owns the
// protocol (target, headers, paging); this owns the connection.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace pay {

using psp_headers = std::vector<std::pair<std::string, std::string>>;

struct psp_answer {
  // Why there is no answer (a bad base URL, no connection, TLS, a timeout);
  // empty: http_status and body are the PSP's.
  std::string error;
  unsigned http_status = 0;
  std::string body;
};

// One GET of `target` (path and query) with `headers`.
using psp_get =
  std::function<psp_answer(const std::string& target, const psp_headers&)>;
// One psp_get per run: its pages share a connection, and no connection sits
// idle for the day between two runs.
using psp_opener = std::function<psp_get()>;

struct psp_endpoint {
  std::string base_url;  // psp.base_url: http(s)://host[:port]
  std::string ca_file;   // verifies an https PSP; "": the system's CAs
  std::uint32_t timeout_ms = 120'000;  // per request
};

psp_opener psp_opener_for(psp_endpoint endpoint);

}  // namespace pay
