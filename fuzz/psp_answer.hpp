#pragma once
// The input of the PSP answer targets: "<how>\n<body>", where <how> is
// "not_sent", "unknown" (no answer) or the HTTP status the PSP answered,
// e.g. "200\n{\"id\":\"pi_1\",\"status\":\"succeeded\"}".

#include <string_view>

#include "domain/common/psp_outcome.hpp"
#include "fuzz/input.hpp"

namespace pay::fuzz {

struct psp_answer {
  domain::psp_transport transport = domain::psp_transport::responded;
  unsigned http_status = 0;
  std::string_view body;
};

inline psp_answer read_psp_answer(std::string_view text) {
  const auto [how, body] = split_line(text);
  psp_answer out;
  out.body = body;
  if (how == "not_sent") {
    out.transport = domain::psp_transport::not_sent;
  } else if (how == "unknown") {
    out.transport = domain::psp_transport::outcome_unknown;
  } else {
    // Any digits at all: statuses beyond 599 must not surprise the reader.
    for (char c : how.substr(0, 9))
      if (c >= '0' && c <= '9')
        out.http_status = out.http_status * 10 + (c - '0');
  }
  return out;
}

}  // namespace pay::fuzz
