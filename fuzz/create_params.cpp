// pspsim's create parameters, from a form body: parse_create_params
// (POST /v1/payment_intents), whose amount, currency and metadata checks
// the sessions, refunds and payouts APIs share. Exactly one of params and
// error; accepted params are within Stripe's limits (amount, lowercase
// ISO-shaped currency, metadata sorted, unique and bounded, a known test
// card); and the form, re-encoded, parses to the same result.

#include <string>

#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "http/form.hpp"
#include "pspsim/create_params.hpp"

namespace {

using namespace pay;
using namespace pay::pspsim;

void check_amount_currency(std::int64_t amount_minor,
                           const std::string& currency) {
  FUZZ_CHECK(amount_minor >= 1 && amount_minor <= pspsim::amount_minor_max);
  FUZZ_CHECK(currency.size() == 3);
  for (char c : currency) FUZZ_CHECK(c >= 'a' && c <= 'z');
}

void check_metadata(const metadata_map& metadata) {
  FUZZ_CHECK(metadata.size() <= metadata_keys_max);
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    FUZZ_CHECK(!metadata[i].first.empty());
    FUZZ_CHECK(metadata[i].first.size() <= metadata_key_chars_max);
    FUZZ_CHECK(metadata[i].second.size() <= metadata_value_chars_max);
    if (i > 0) FUZZ_CHECK(metadata[i - 1].first < metadata[i].first);
  }
}

void check_error(const param_error& e) {
  FUZZ_CHECK(e.http_status == 400 && !e.code.empty() && !e.message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto fields = http::form_decode(pay::fuzz::as_text(data, size));
  if (!fields) return 0;
  const auto reencoded = http::form_decode(http::form_encode(*fields));
  FUZZ_CHECK(reencoded.has_value());

  const parsed_create_params intent = parse_create_params(*fields);
  if (intent.params) {
    check_amount_currency(intent.params->amount_minor, intent.params->currency);
    check_metadata(intent.params->metadata);
    FUZZ_CHECK(find_test_token(intent.params->payment_method).has_value());
  } else {
    check_error(intent.error);
  }
  const parsed_create_params intent_again = parse_create_params(*reencoded);
  FUZZ_CHECK(intent.params.has_value() == intent_again.params.has_value());
  if (intent.params) {
    FUZZ_CHECK(intent.params->amount_minor
               == intent_again.params->amount_minor);
    FUZZ_CHECK(intent.params->metadata == intent_again.params->metadata);
  } else {
    FUZZ_CHECK(intent.error.code == intent_again.error.code);
  }
  return 0;
}
