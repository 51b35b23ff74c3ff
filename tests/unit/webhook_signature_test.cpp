#include "domain/payin/webhook_signature.hpp"

#include <cctype>
#include <limits>

#include <gtest/gtest.h>

namespace {

using pay::domain::sign_webhook;
using pay::domain::verify_webhook;
using pay::domain::webhook_signature_hex;
using result = pay::domain::webhook_verify_result;

constexpr std::int64_t t0 = 1'700'000'000;
const std::string secret = "whsec_test";
const std::string body = R"({"id":"evt_1"})";
const std::vector<std::string> secrets{secret};

result verify(const std::string& header, const std::string& b = body,
              std::int64_t now_s = t0,
              const std::vector<std::string>& s = secrets) {
  return verify_webhook(header, b, s, now_s);
}

TEST(webhook_signature, hex_is_hmac_sha256_of_timestamp_dot_body) {
  // Computed independently: printf '%s' '1700000000.{"id":"evt_1"}' |
  //   openssl dgst -sha256 -hmac whsec_test
  EXPECT_EQ(webhook_signature_hex(secret, t0, body),
            "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925");
  EXPECT_EQ(sign_webhook(secret, t0, body),
            "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78"
            "230f3942d632925");
}

TEST(webhook_signature, valid_signature_is_accepted) {
  EXPECT_EQ(verify(sign_webhook(secret, t0, body)), result::ok);
}

TEST(webhook_signature, tampered_body_is_a_mismatch) {
  EXPECT_EQ(verify(sign_webhook(secret, t0, body), R"({"id":"evt_2"})"),
            result::signature_mismatch);
  EXPECT_EQ(verify(sign_webhook(secret, t0, body), body + " "),
            result::signature_mismatch);
}

TEST(webhook_signature, tampered_timestamp_is_a_mismatch) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  EXPECT_EQ(verify("t=1700000001,v1=" + hex), result::signature_mismatch);
}

TEST(webhook_signature, tampered_signature_hex_is_a_mismatch) {
  std::string header = sign_webhook(secret, t0, body);
  header.back() = header.back() == '0' ? '1' : '0';
  EXPECT_EQ(verify(header), result::signature_mismatch);
}

TEST(webhook_signature, uppercase_or_truncated_hex_is_a_mismatch) {
  std::string hex = webhook_signature_hex(secret, t0, body);
  for (char& c : hex) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(verify("t=1700000000,v1=" + hex), result::signature_mismatch);
  EXPECT_EQ(verify("t=1700000000,v1=" + hex.substr(0, 63)),
            result::signature_mismatch);
  EXPECT_EQ(verify("t=1700000000,v1="), result::signature_mismatch);
}

TEST(webhook_signature, wrong_secret_is_a_mismatch) {
  EXPECT_EQ(verify(sign_webhook("whsec_other", t0, body)),
            result::signature_mismatch);
}

TEST(webhook_signature, no_secrets_match_nothing) {
  EXPECT_EQ(verify(sign_webhook(secret, t0, body), body, t0, {}),
            result::signature_mismatch);
}

TEST(webhook_signature, clock_edges_accept_299_and_300_reject_301_both_ways) {
  const std::string header = sign_webhook(secret, t0, body);
  EXPECT_EQ(verify(header, body, t0 + 299), result::ok);
  EXPECT_EQ(verify(header, body, t0 - 299), result::ok);
  EXPECT_EQ(verify(header, body, t0 + 300), result::ok);
  EXPECT_EQ(verify(header, body, t0 - 300), result::ok);
  EXPECT_EQ(verify(header, body, t0 + 301),
            result::timestamp_outside_tolerance);
  EXPECT_EQ(verify(header, body, t0 - 301),
            result::timestamp_outside_tolerance);
}

TEST(webhook_signature, tolerance_is_a_parameter) {
  const std::string header = sign_webhook(secret, t0, body);
  EXPECT_EQ(verify_webhook(header, body, secrets, t0 + 10, 10), result::ok);
  EXPECT_EQ(verify_webhook(header, body, secrets, t0 + 11, 10),
            result::timestamp_outside_tolerance);
}

TEST(webhook_signature, stale_timestamp_is_refused_even_with_a_valid_hmac) {
  // A replay of a genuine, old event: right signature, wrong time.
  EXPECT_EQ(verify(sign_webhook(secret, t0, body), body, t0 + 86'400),
            result::timestamp_outside_tolerance);
}

TEST(webhook_signature, extreme_clock_values_do_not_overflow) {
  const std::string header = sign_webhook(secret, t0, body);
  EXPECT_EQ(verify(header, body, std::numeric_limits<std::int64_t>::min()),
            result::timestamp_outside_tolerance);
  EXPECT_EQ(verify(header, body, std::numeric_limits<std::int64_t>::max()),
            result::timestamp_outside_tolerance);
}

TEST(webhook_signature, second_v1_matching_is_accepted) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  const std::string other = webhook_signature_hex("whsec_old", t0, body);
  EXPECT_EQ(verify("t=1700000000,v1=" + other + ",v1=" + hex), result::ok);
}

TEST(webhook_signature, second_secret_matching_is_accepted) {
  const std::string header = sign_webhook("whsec_new", t0, body);
  EXPECT_EQ(verify(header, body, t0, {"whsec_old", "whsec_new"}), result::ok);
}

TEST(webhook_signature, unknown_schemes_are_ignored) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  EXPECT_EQ(verify("t=1700000000,v0=abc,v1=" + hex + ",v9=zz"), result::ok);
  EXPECT_EQ(verify(" t=1700000000 , v1=" + hex), result::ok);
}

TEST(webhook_signature, v0_only_has_no_v1_signature) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  EXPECT_EQ(verify("t=1700000000,v0=" + hex), result::no_v1_signature);
  EXPECT_EQ(verify("t=1700000000"), result::no_v1_signature);
}

TEST(webhook_signature, empty_header_is_missing) {
  EXPECT_EQ(verify(""), result::missing_header);
}

TEST(webhook_signature, header_without_timestamp_is_malformed) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  EXPECT_EQ(verify("v1=" + hex), result::malformed_header);
}

TEST(webhook_signature, timestamp_that_is_not_a_whole_number_is_malformed) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  for (const char* t : {"t=", "t=abc", "t=-1700000000", "t=1.7e9", "t=+17",
                        "t=1700000000x", "t=9999999999999999999"}) {
    EXPECT_EQ(verify(std::string(t) + ",v1=" + hex), result::malformed_header)
      << t;
  }
}

TEST(webhook_signature, two_timestamps_are_malformed) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  EXPECT_EQ(verify("t=1700000000,t=1700000000,v1=" + hex),
            result::malformed_header);
}

TEST(webhook_signature, garbage_is_malformed) {
  for (const char* header : {"garbage", ",", "t", "=1", "t=1700000000,,v1=ab",
                             "t=1700000000;v1=ab", "\x01\x02\x03"}) {
    EXPECT_EQ(verify(header), result::malformed_header) << header;
  }
}

TEST(webhook_signature, huge_header_is_malformed_before_any_scan) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  std::string header = "t=1700000000,v1=" + hex;
  header.append(pay::domain::webhook_header_chars_max, 'a');
  EXPECT_EQ(verify(header), result::malformed_header);
}

TEST(webhook_signature, more_signatures_than_the_maximum_are_malformed) {
  const std::string hex = webhook_signature_hex(secret, t0, body);
  std::string at_limit = "t=1700000000";
  for (std::size_t i = 0; i < pay::domain::webhook_signatures_max; ++i) {
    at_limit += ",v1=" + hex;
  }
  EXPECT_EQ(verify(at_limit), result::ok);
  EXPECT_EQ(verify(at_limit + ",v1=" + hex), result::malformed_header);
}

TEST(webhook_signature, every_result_has_a_stable_name) {
  EXPECT_EQ(to_string(result::ok), "ok");
  EXPECT_EQ(to_string(result::missing_header), "missing_header");
  EXPECT_EQ(to_string(result::malformed_header), "malformed_header");
  EXPECT_EQ(to_string(result::no_v1_signature), "no_v1_signature");
  EXPECT_EQ(to_string(result::timestamp_outside_tolerance),
            "timestamp_outside_tolerance");
  EXPECT_EQ(to_string(result::signature_mismatch), "signature_mismatch");
}

}  // namespace
