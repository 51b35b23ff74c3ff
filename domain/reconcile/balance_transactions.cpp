#include "domain/reconcile/balance_transactions.hpp"

#include <optional>

#include <boost/json.hpp>

#include "domain/common/currency.hpp"
#include "domain/common/json_fields.hpp"
#include "domain/reconcile/utc_day.hpp"

namespace pay::domain {

namespace {

namespace json = boost::json;

// The settlement type a balance transaction is read as; nothing: skipped.
std::optional<settlement_type> line_type_of(std::string_view type,
                                            std::string_view category) {
  if (type == "charge" || type == "payment") return settlement_type::charge;
  if (type == "refund" || type == "payment_refund")
    return settlement_type::refund;
  // A seller's pay-out is a transfer to its connected account (the pay-out
  // itself is on that account's balance, not the platform's); "payout"
  // remains for the platform's own pay-outs made before Connect.
  if (type == "transfer" || type == "payout") return settlement_type::payout;
  if (type == "stripe_fee" || category == "fee") return settlement_type::fee;
  return std::nullopt;
}

// `source` as Stripe sends it: null, an id, or (expanded) the object.
struct source_view {
  std::string id;
  const json::object* object = nullptr;
};

source_view source_of(const json::object& entry) {
  const auto* source = entry.if_contains("source");
  if (source == nullptr) return {};
  if (source->is_string()) return {std::string{source->get_string()}, nullptr};
  if (source->is_object())
    return {string_at(source->get_object(), "id"), &source->get_object()};
  return {};
}

std::string metadata_of(const source_view& source, std::string_view key) {
  if (source.object == nullptr) return {};
  const auto* metadata = source.object->if_contains("metadata");
  if (metadata == nullptr || !metadata->is_object()) return {};
  return string_at(metadata->get_object(), key);
}

// Reads one entry; an empty string when it is fine.
class entry_reader {
 public:
  entry_reader(const json::object& entry, std::string head)
      : entry_(entry), head_(std::move(head)) {}

  std::string integer(std::string_view key, std::int64_t& out) const {
    const auto* v = entry_.if_contains(key);
    if (v != nullptr && v->is_int64()) {
      out = v->get_int64();
      return {};
    }
    if (v != nullptr && v->is_uint64())
      return fail(std::string{key} + " does not fit in 64 signed bits");
    return fail(std::string{key} + " is not an integer");
  }

  std::string currency(std::string& out) const {
    std::string code = string_at(entry_, "currency");
    for (char& c : code)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!find_currency(code))
      return fail("unknown currency '" + string_at(entry_, "currency") + "'");
    out = std::move(code);
    return {};
  }

  std::string created(std::int64_t& out) const {
    if (auto e = integer("created", out); !e.empty()) return e;
    if (out < 0 || out >= utc_unix_s_end)
      return fail("created " + std::to_string(out)
                  + " is not a time in 1970..9999");
    return {};
  }

  std::string fail(const std::string& why) const { return head_ + why; }

 private:
  const json::object& entry_;
  std::string head_;
};

// References and keys of a line from its (expanded) source.
std::string identify(settlement_type type, const source_view& source,
                     const std::string& transaction_id,
                     const entry_reader& reader, settlement_line& line) {
  if (type != settlement_type::fee
      && (source.object == nullptr || source.id.empty()))
    return reader.fail(
      "source is not an expanded object with an id (ask with "
      "expand[]=data.source)");
  switch (type) {
    case settlement_type::charge: {
      // Our orders know the PaymentIntent; a charge made without one can
      // still match by its metadata.
      line.psp_reference = string_at(*source.object, "payment_intent");
      if (line.psp_reference.empty()) line.psp_reference = source.id;
      line.idempotency_key = metadata_of(source, "payment_order_id");
      break;
    }
    case settlement_type::refund:
      line.psp_reference = source.id;
      line.idempotency_key = metadata_of(source, "refund_id");
      break;
    case settlement_type::payout:
      line.psp_reference = source.id;
      line.idempotency_key = metadata_of(source, "payout_id");
      break;
    case settlement_type::fee:
      line.psp_reference = source.id.empty() ? transaction_id : source.id;
      line.idempotency_key = metadata_of(source, "payout_id");
      break;
  }
  return {};
}

std::string amounts(settlement_type type, const entry_reader& reader,
                    settlement_line& line) {
  std::int64_t amount = 0, fee = 0, net = 0;
  for (auto [key, target] : {std::pair{"amount", &amount},
                             std::pair{"fee", &fee}, std::pair{"net", &net}})
    if (auto e = reader.integer(key, *target); !e.empty()) return e;
  line.gross_minor = amount;
  line.fee_minor = fee;
  line.net_minor = net;
  if (type == settlement_type::fee) {
    // Stripe: amount -F, fee 0. Ours: gross 0, fee F (booked to psp_fees).
    line.gross_minor = 0;
    if (__builtin_sub_overflow(fee, amount, &line.fee_minor))
      return reader.fail("fee minus amount does not fit in 64 signed bits");
  }
  return {};
}

// One entry into `page`; an empty string when it is fine.
std::string read_entry(const json::value& value, std::size_t index,
                       balance_page& page) {
  const std::string at = "data[" + std::to_string(index) + "]";
  if (!value.is_object()) return at + ": not an object";
  const auto& entry = value.get_object();
  std::string id = string_at(entry, "id");
  if (id.empty()) return at + ": no id";
  page.last_transaction_id = id;
  const entry_reader reader{entry, at + " (" + id + "): "};
  const std::string type = string_at(entry, "type");
  const auto line_type = line_type_of(type,
                                      string_at(entry, "reporting_category"));
  if (!line_type) {
    page.skipped.push_back({std::move(id), type});
    return {};
  }
  balance_line out;
  out.line.type = *line_type;
  if (auto e = reader.created(out.created_unix_s); !e.empty()) return e;
  if (auto e = reader.currency(out.line.currency); !e.empty()) return e;
  if (auto e = amounts(*line_type, reader, out.line); !e.empty()) return e;
  if (auto e = identify(*line_type, source_of(entry), id, reader, out.line);
      !e.empty())
    return e;
  out.line.settled_date = utc_date_of(out.created_unix_s);
  out.transaction_id = std::move(id);
  if (*line_type == settlement_type::payout && out.line.fee_minor != 0) {
    // An Instant Payout carries its fee on the payout's own transaction;
    // our lines take a payout at fee 0 and its fee as a fee line. The
    // payout keeps net - gross as it was, so a net that did not add up
    // still does not.
    balance_line fee = out;
    fee.line.type = settlement_type::fee;
    fee.line.gross_minor = 0;
    if (__builtin_sub_overflow(0, out.line.fee_minor, &fee.line.net_minor)
        || __builtin_add_overflow(out.line.net_minor, out.line.fee_minor,
                                  &out.line.net_minor))
      return reader.fail("net plus fee does not fit in 64 signed bits");
    out.line.fee_minor = 0;
    page.lines.push_back(std::move(out));
    page.lines.push_back(std::move(fee));
    return {};
  }
  page.lines.push_back(std::move(out));
  return {};
}

balance_page_parse_result failed(std::string error) {
  balance_page_parse_result out;
  out.error = std::move(error);
  return out;
}

}  // namespace

balance_page_parse_result parse_balance_transactions_page(
  std::string_view json_text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json_text, ec);
  if (ec) return failed("not JSON: " + ec.message());
  if (!doc.is_object()) return failed("not a JSON object");
  const auto& list = doc.get_object();
  if (const auto* kind = list.if_contains("object");
      kind != nullptr && !(kind->is_string() && kind->get_string() == "list"))
    return failed("object is not \"list\"");
  const auto* has_more = list.if_contains("has_more");
  if (has_more == nullptr || !has_more->is_bool())
    return failed("has_more is not true or false");
  const auto* data = list.if_contains("data");
  if (data == nullptr || !data->is_array()) return failed("data is not a list");
  balance_page_parse_result result;
  result.page.has_more = has_more->get_bool();
  const auto& entries = data->get_array();
  result.page.lines.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (auto e = read_entry(entries[i], i, result.page); !e.empty())
      return failed(std::move(e));
  return result;
}

}  // namespace pay::domain
