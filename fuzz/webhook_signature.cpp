// verify_webhook, which reads the Stripe-Signature header before anything
// else of a webhook is trusted. Input: "<header>\n<body>", checked at a
// fixed clock (seeds sign with t=1700000000). Properties:
//   - only a header carrying the right HMAC for its own t is accepted
//     (an independent reading of the header finds that HMAC in it);
//   - what sign_webhook writes for this body verifies, and stops verifying
//     under another secret, another body or a clock past the tolerance.

#include <string>
#include <vector>

#include "domain/payin/webhook_signature.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"

namespace {

using namespace pay::domain;

constexpr std::int64_t now_s = 1'700'000'000;
const std::vector<std::string> secrets{"whsec_fuzz", "whsec_rotated"};

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// True when some "v1=" item equals the HMAC of the header's "t=" under one
// of the secrets. Deliberately simpler than the real reader: it only has to
// confirm an acceptance, never explain a refusal.
bool carries_valid_hmac(std::string_view header, std::string_view body) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t comma = header.find(',');
    items.push_back(trimmed(header.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  std::int64_t t = -1;
  for (auto item : items)
    if (item.substr(0, 2) == "t=") t = std::stoll(std::string{item.substr(2)});
  if (t < 0) return false;
  for (const auto& secret : secrets) {
    const std::string expected = webhook_signature_hex(secret, t, body);
    for (auto item : items)
      if (item.substr(0, 3) == "v1=" && item.substr(3) == expected) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto [header,
              body] = pay::fuzz::split_line(pay::fuzz::as_text(data, size));
  const webhook_verify_result result = verify_webhook(header, body, secrets,
                                                      now_s);
  FUZZ_CHECK(to_string(result) != "unknown");
  if (result == webhook_verify_result::ok)
    FUZZ_CHECK(carries_valid_hmac(header, body));
  if (header.empty())
    FUZZ_CHECK(result == webhook_verify_result::missing_header);

  const std::string signed_header = sign_webhook(secrets[1], now_s, body);
  FUZZ_CHECK(verify_webhook(signed_header, body, secrets, now_s)
             == webhook_verify_result::ok);
  FUZZ_CHECK(verify_webhook(signed_header, body, {"whsec_other"}, now_s)
             == webhook_verify_result::signature_mismatch);
  FUZZ_CHECK(
    verify_webhook(signed_header, std::string{body} + "x", secrets, now_s)
    == webhook_verify_result::signature_mismatch);
  FUZZ_CHECK(verify_webhook(signed_header, body, secrets,
                            now_s + webhook_tolerance_s_default + 1)
             == webhook_verify_result::timestamp_outside_tolerance);
  return 0;
}
