#include "actors/payout/payout_calls.hpp"

#include "domain/common/assert.hpp"
#include "domain/common/currency.hpp"
#include "http/form.hpp"

namespace pay {

namespace {

// A pay-out's lookups scan one page: a seller gets at most one pay-out per
// currency and run, so the last 100 reach back far beyond the key's life.
constexpr const char* lookup_page = "limit=100";

std::string encode(const std::string& text) {
  return http::url_encode_component(text);
}

psp_call on_account(psp_call call, const payout_view& row) {
  call.stripe_account = row.stripe_account;
  return call;
}

// The platform's transfer to the seller's account. transfer_group is the
// pay-out id, so the transfer can be found again without its key.
psp_call create_transfer(const payout_view& row, const std::string& cid) {
  PAY_ASSERT(row.amount_minor > 0 && !row.stripe_account.empty());
  http::form_fields form{{"amount", std::to_string(row.amount_minor)},
                         {"currency", domain::stripe_currency(row.currency)},
                         {"destination", row.stripe_account},
                         {"transfer_group", row.payout_id.value},
                         {"metadata[payout_id]", row.payout_id.value},
                         {"metadata[seller_account]", row.seller_account}};
  return psp_post_call("/v1/transfers", http::form_encode(form),
                       row.payout_id.value, cid);
}

// The pay-out of that money on the seller's account, to its bank.
psp_call create_payout(const payout_view& row, const std::string& cid) {
  PAY_ASSERT(row.amount_minor > 0 && !row.stripe_account.empty());
  http::form_fields form{{"amount", std::to_string(row.amount_minor)},
                         {"currency", domain::stripe_currency(row.currency)},
                         {"metadata[payout_id]", row.payout_id.value}};
  return on_account(psp_post_call("/v1/payouts", http::form_encode(form),
                                  row.payout_id.value + "-payout", cid),
                    row);
}

psp_call reverse_transfer(const payout_view& row, const std::string& cid) {
  PAY_ASSERT(!row.transfer_reference.empty());
  http::form_fields form{{"metadata[payout_id]", row.payout_id.value}};
  return psp_post_call(
    "/v1/transfers/" + encode(row.transfer_reference) + "/reversals",
    http::form_encode(form), row.payout_id.value + "-reversal", cid);
}

}  // namespace

psp_call make_payout_call(domain::payout_call call, const payout_view& row,
                          const std::string& correlation_id) {
  using domain::payout_call;
  switch (call) {
    case payout_call::create_transfer:
      return create_transfer(row, correlation_id);
    case payout_call::find_transfer:
      return psp_get_call("/v1/transfers?transfer_group="
                            + encode(row.payout_id.value) + "&" + lookup_page,
                          correlation_id);
    case payout_call::create_payout:
      return create_payout(row, correlation_id);
    case payout_call::find_payout:
      return on_account(psp_get_call(std::string{"/v1/payouts?"} + lookup_page,
                                     correlation_id),
                        row);
    case payout_call::read_payout:
      return on_account(psp_get_call("/v1/payouts/" + encode(row.psp_reference),
                                     correlation_id),
                        row);
    case payout_call::read_transfer:
      return psp_get_call("/v1/transfers/" + encode(row.transfer_reference),
                          correlation_id);
    case payout_call::reverse_transfer:
      return reverse_transfer(row, correlation_id);
    case payout_call::no_account:
    case payout_call::no_transfer:
    case payout_call::none:
      break;
  }
  PAY_ASSERT(false && "this step asks the provider nothing");
  return {};
}

psp_call make_create_account_call(const connect_seller& cmd) {
  PAY_ASSERT(!cmd.seller_account.empty() && !cmd.country.empty());
  http::form_fields form{{"type", "custom"},
                         {"country", cmd.country},
                         {"capabilities[transfers][requested]", "true"},
                         {"metadata[seller_account]", cmd.seller_account}};
  if (!cmd.email.empty()) form.emplace_back("email", cmd.email);
  return psp_post_call("/v1/accounts", http::form_encode(form),
                       "acct-" + cmd.seller_account, cmd.correlation_id);
}

psp_call make_get_account_call(const std::string& stripe_account,
                               const std::string& correlation_id) {
  return psp_get_call("/v1/accounts/" + encode(stripe_account), correlation_id);
}

}  // namespace pay
