#include "pspsim/balance_transaction_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "domain/common/currency.hpp"

namespace pay::pspsim {
namespace {

using domain::settlement_type;

constexpr std::uint64_t fnv_offset = 14'695'981'039'346'656'037ULL;
constexpr std::uint64_t fnv_prime = 1'099'511'628'211ULL;

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= fnv_prime;
  }
  return hash;
}

void append_base62(std::uint64_t value, std::size_t chars, std::string& out) {
  static constexpr char alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (std::size_t i = 0; i < chars; ++i) {
    out.push_back(alphabet[value % 62]);
    value /= 62;
  }
}

std::string_view reporting_category(const settled_item& item) {
  switch (item.source.kind) {
    case source_kind::transfer:
      return "transfer";
    case source_kind::transfer_reversal:
      return "transfer_reversal";
    case source_kind::charge:
    case source_kind::refund:
    case source_kind::payout:
      break;
  }
  // Stripe's categories for these are the settlement types' own names.
  return domain::to_string(item.line.type);
}

std::string description_of(const settled_item& item) {
  switch (item.source.kind) {
    case source_kind::transfer:
      return "Transfer " + item.source.id;
    case source_kind::transfer_reversal:
      return "Transfer reversal " + item.source.id;
    case source_kind::charge:
    case source_kind::refund:
    case source_kind::payout:
      break;
  }
  switch (item.line.type) {
    case settlement_type::charge:
      return "Payment " + item.source.payment_intent;
    case settlement_type::refund:
      return "Refund of " + item.source.payment_intent;
    case settlement_type::payout:
      return "Payout " + item.source.id;
    case settlement_type::fee:
      return "Payout fee of " + item.source.id;
  }
  return {};
}

boost::json::object source_object(const settled_item& item,
                                  std::int64_t amount_minor,
                                  const std::string& currency) {
  boost::json::object out;
  out["id"] = item.source.id;
  switch (item.source.kind) {
    case source_kind::charge:
      out["object"] = "charge";
      out["payment_intent"] = item.source.payment_intent;
      break;
    case source_kind::refund:
      out["object"] = "refund";
      out["payment_intent"] = item.source.payment_intent;
      break;
    case source_kind::payout:
      out["object"] = "payout";
      break;
    case source_kind::transfer:
    case source_kind::transfer_reversal:
      // Rendered whole from object_json (balance_transaction_json).
      break;
  }
  out["amount"] = amount_minor;
  out["currency"] = currency;
  boost::json::object metadata;
  for (const auto& [key, value] : item.source.metadata) metadata[key] = value;
  out["metadata"] = std::move(metadata);
  return out;
}

}  // namespace

std::string balance_transaction_id(const settled_item& item,
                                   std::uint32_t occurrence) {
  const std::string seed = std::string(balance_transaction_type(item)) + "|"
                           + item.line.psp_reference + "|"
                           + std::to_string(occurrence);
  std::string id = "txn_";
  append_base62(fnv1a(seed, fnv_offset), 12, id);
  append_base62(fnv1a(seed, fnv_offset ^ 0x9e3779b97f4a7c15ULL), 12, id);
  return id;
}

std::string_view balance_transaction_type(const settled_item& item) {
  switch (item.source.kind) {
    case source_kind::transfer:
      return "transfer";
    case source_kind::transfer_reversal:
      return "transfer_refund";  // Stripe's type; its category says reversal
    case source_kind::charge:
    case source_kind::refund:
    case source_kind::payout:
      break;
  }
  return item.line.type == settlement_type::fee ? "stripe_fee"
                                                : reporting_category(item);
}

boost::json::object balance_transaction_json(const settled_item& item,
                                             const std::string& id,
                                             std::int64_t created_unix_s,
                                             bool expand_source) {
  const auto& line = item.line;
  const bool fee_line = line.type == settlement_type::fee;
  // Stripe's signs: a fee line is money out (-F) with no fee of its own.
  const std::int64_t amount = fee_line ? -line.fee_minor : line.gross_minor;
  const std::int64_t fee = fee_line ? 0 : line.fee_minor;
  const std::string currency = domain::stripe_currency(line.currency);
  boost::json::object out;
  out["id"] = id;
  out["object"] = "balance_transaction";
  out["amount"] = amount;
  out["currency"] = currency;
  out["fee"] = fee;
  out["net"] = amount - fee;
  boost::json::array fee_details;
  if (fee != 0) {
    fee_details.push_back(
      boost::json::object{{"amount", fee},
                          {"currency", currency},
                          {"type", "stripe_fee"},
                          {"description", "Stripe processing fees"}});
  }
  out["fee_details"] = std::move(fee_details);
  out["type"] = balance_transaction_type(item);
  out["reporting_category"] = reporting_category(item);
  out["status"] = "available";
  out["created"] = created_unix_s;
  out["available_on"] = created_unix_s;
  out["description"] = description_of(item);
  if (expand_source && !item.source.object_json.empty()) {
    out["source"] = boost::json::parse(item.source.object_json);
  } else if (expand_source) {
    out["source"] = source_object(item, amount < 0 ? -amount : amount,
                                  currency);
  } else {
    out["source"] = item.source.id;
  }
  return out;
}

}  // namespace pay::pspsim
