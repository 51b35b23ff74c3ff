#include "pspsim/settlement_api.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include <boost/json.hpp>

#include "domain/common/money.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "http/form.hpp"
#include "pspsim/random_id.hpp"
#include "pspsim/settled_days.hpp"
#include "pspsim/utc_date.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view unknown_charge_amount_default = "10.00";
constexpr std::string_view unknown_charge_currency_default = "USD";
constexpr std::size_t unknown_key_hex_chars = 32;
constexpr std::string_view csv_content_type = "text/csv; charset=utf-8";

http::response bad_request(const http::request& req, std::string_view code,
                           std::string_view message, std::string_view param) {
  return http::make_json_response(
    req, 400, http::error_body("invalid_request_error", code, message, param));
}

http::response bad_date(const http::request& req, std::string_view date) {
  return bad_request(req, "parameter_invalid",
                     "date must be a calendar day as YYYY-MM-DD, not '"
                       + std::string(date) + "'.",
                     "date");
}

std::string random_hex(std::size_t chars) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(chars);
  for (std::size_t i = 0; i < chars; ++i) out.push_back(digits[engine() % 16]);
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

boost::json::object discrepancy_json(const std::string& date,
                                     const discrepancy& d) {
  boost::json::object out;
  out["date"] = date;
  out["kind"] = to_string(d.kind);
  out["reference"] = d.reference;
  if (d.kind == discrepancy_kind::unknown_charge
      || d.kind == discrepancy_kind::status_mismatch) {
    out["idempotency_key"] = d.idempotency_key;
    out["amount"] = d.amount_minor;
    out["currency"] = d.currency;
  }
  out["created"] = d.injected_unix_s;
  return out;
}

struct injection_request {
  std::string date;
  discrepancy_kind kind = discrepancy_kind::unknown_charge;
  std::string reference;
  std::optional<std::string> amount;
  std::optional<std::string> currency;
};

// Parses the JSON body; on error `refused` holds the 400.
std::optional<http::response> parse_injection(const http::request& req,
                                              injection_request& out) {
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(req.body(), ec);
  if (ec || !body.is_object()) {
    return bad_request(req, "body_invalid", "The body must be a JSON object.",
                       {});
  }
  const auto& object = body.as_object();
  for (const auto& field : object) {
    const std::string_view name = field.key();
    if (name != "date" && name != "kind" && name != "reference"
        && name != "amount" && name != "currency") {
      return bad_request(req, "parameter_unknown",
                         "Unknown field '" + std::string(name) + "'.", name);
    }
    if (!field.value().is_string()) {
      return bad_request(req, "parameter_invalid",
                         "Field '" + std::string(name) + "' must be a string.",
                         name);
    }
  }
  const auto text = [&](const char* name) -> std::optional<std::string> {
    if (const auto* v = object.if_contains(name))
      return std::string(v->as_string());
    return std::nullopt;
  };
  const auto date = text("date");
  if (!date)
    return bad_request(req, "parameter_missing", "Missing date.", "date");
  if (!domain::is_settlement_date(*date)) return bad_date(req, *date);
  out.date = *date;
  const auto kind_text = text("kind");
  const auto kind = kind_text ? parse_discrepancy_kind(*kind_text)
                              : std::nullopt;
  if (!kind) {
    return bad_request(req,
                       kind_text ? "parameter_invalid" : "parameter_missing",
                       "kind must be one of unknown_charge, missing_charge, "
                       "amount_mismatch, currency_mismatch, duplicate_line, "
                       "fee_mismatch, status_mismatch.",
                       "kind");
  }
  out.kind = *kind;
  out.reference = text("reference").value_or("");
  if (out.reference.empty() && out.kind != discrepancy_kind::unknown_charge) {
    return bad_request(req, "parameter_missing", "Missing reference.",
                       "reference");
  }
  out.amount = text("amount");
  out.currency = text("currency");
  if ((out.amount || out.currency)
      && out.kind != discrepancy_kind::unknown_charge) {
    return bad_request(req, "parameter_unknown",
                       "amount and currency are for unknown_charge only.",
                       out.amount ? "amount" : "currency");
  }
  return std::nullopt;
}

// Which lines of the day's file a kind may refer to.
bool reference_fits(const domain::settlement_file& file,
                    const injection_request& in) {
  const bool charges_only = in.kind == discrepancy_kind::missing_charge
                            || in.kind == discrepancy_kind::amount_mismatch
                            || in.kind == discrepancy_kind::fee_mismatch;
  return std::any_of(
    file.lines.begin(), file.lines.end(), [&](const auto& line) {
      return line.psp_reference == in.reference
             && (!charges_only || line.type == domain::settlement_type::charge);
    });
}

http::response inject(const http::request& req, const sim_parts& parts,
                      const sim_time& now) {
  injection_request in;
  if (auto refused = parse_injection(req, in)) return std::move(*refused);
  const auto lock = parts.settlement.lock_injections();
  discrepancy d;
  d.kind = in.kind;
  d.reference = in.reference;
  d.injected_unix_s = now.unix_s;
  if (in.kind == discrepancy_kind::unknown_charge) {
    const std::string currency = in.currency.value_or(
      std::string(unknown_charge_currency_default));
    const auto money = domain::parse_money(
      in.amount.value_or(std::string(unknown_charge_amount_default)), currency);
    if (money.error != domain::money_error::ok) {
      const bool currency_bad =
        money.error == domain::money_error::currency_unknown
        || money.error == domain::money_error::currency_not_uppercase;
      return bad_request(req, "parameter_invalid",
                         domain::to_message(money.error),
                         currency_bad ? "currency" : "amount");
    }
    d.reference = random_id("pi_");
    d.idempotency_key = "po_unknown_" + random_hex(unknown_key_hex_chars);
    d.metadata = {{"payment_order_id", d.idempotency_key}};
    d.amount_minor = money.value.amount_minor;
    d.currency = std::string(money.value.currency.code);
  } else if (in.kind == discrepancy_kind::status_mismatch) {
    // One call reads and (when pending) finishes the intent, so it cannot
    // succeed by itself in between; succeeded or declined, nothing changed.
    const auto before = parts.store.succeed_silently_if_pending(in.reference,
                                                                now);
    if (!before) {
      return bad_request(req, "resource_missing",
                         "No such payment_intent: '" + in.reference + "'",
                         "reference");
    }
    if (before->status == intent_status::succeeded) {
      return bad_request(
        req, "parameter_invalid",
        "PaymentIntent " + in.reference
          + " succeeded: a status_mismatch needs one that did not.",
        "reference");
    }
    d.idempotency_key = before->idempotency_key;
    d.metadata = before->metadata;
    d.amount_minor = before->amount_minor;
    d.currency = upper(before->currency);
  } else if (!reference_fits(settlement_file_of(in.date, parts, now), in)) {
    return bad_request(req, "parameter_invalid",
                       "'" + in.reference + "' is not a "
                         + (in.kind == discrepancy_kind::currency_mismatch
                                || in.kind == discrepancy_kind::duplicate_line
                              ? "line"
                              : "charge line")
                         + " of the settlement file of " + in.date + ".",
                       "reference");
  }
  const boost::json::object answer = discrepancy_json(in.date, d);
  if (!parts.settlement.add(in.date, std::move(d))) {
    return bad_request(req, "discrepancies_exhausted",
                       "Too many discrepancies for this date; POST /sim/reset.",
                       "date");
  }
  return http::make_json_response(req, 200, boost::json::serialize(answer));
}

http::response list_discrepancies(const http::request& req,
                                  const sim_parts& parts) {
  const auto query = http::parse_query(req.target());
  const auto date = query ? http::form_value(*query, "date") : std::nullopt;
  if (!date)
    return bad_request(req, "parameter_missing", "Missing date.", "date");
  if (!domain::is_settlement_date(*date)) return bad_date(req, *date);
  const std::string day(*date);
  boost::json::array data;
  for (const auto& d : parts.settlement.discrepancies(day)) {
    data.push_back(discrepancy_json(day, d));
  }
  boost::json::object body;
  body["date"] = day;
  body["data"] = std::move(data);
  return http::make_json_response(req, 200, boost::json::serialize(body));
}

http::response override_file(const http::request& req, std::string_view date,
                             const sim_parts& parts) {
  if (!domain::is_settlement_date(date)) return bad_date(req, date);
  const std::string day(date);
  boost::json::object body;
  body["date"] = day;
  if (req.method() == bhttp::verb::delete_) {
    body["deleted"] = parts.settlement.delete_override(day);
    return http::make_json_response(req, 200, boost::json::serialize(body));
  }
  body["bytes"] = req.body().size();
  if (!parts.settlement.put_override(day, req.body())) {
    return bad_request(req, "overrides_too_large",
                       "The replaced files would exceed 512 MiB; DELETE some.",
                       "date");
  }
  return http::make_json_response(req, 200, boost::json::serialize(body));
}

http::response fail_payout(const http::request& req, std::string_view id,
                           const sim_parts& parts, const sim_time& now) {
  const auto result = parts.payouts.force_fail(id, now);
  switch (result.status) {
    case payout_fail_status::failed:
      return http::make_json_response(req, 200, result.json);
    case payout_fail_status::not_pending:
      return http::make_json_response(
        req, 409,
        http::error_body("invalid_request_error", "payout_unexpected_state",
                         "The payout is not pending.", "payout"));
    case payout_fail_status::not_found:
      break;
  }
  return http::make_json_response(
    req, 404,
    http::error_body("invalid_request_error", "resource_missing",
                     "No such payout: '" + std::string(id) + "'", "payout"));
}

}  // namespace

domain::settlement_file settlement_file_of(const std::string& date,
                                           const sim_parts& parts,
                                           const sim_time& now) {
  const std::int64_t from = utc_day_start(date).value();
  auto days = settled_days(from, from + seconds_per_day, parts, now);
  std::vector<settled_item> items;
  if (const auto it = days.find(date); it != days.end()) {
    items = std::move(it->second);
  }
  // Already distorted and ordered: build only numbers and totals.
  return build_settlement_file(date, std::move(items), {}, parts.terms);
}

http::response get_settlement_file(const http::request& req,
                                   std::string_view date,
                                   const sim_parts& parts,
                                   const sim_time& now) {
  if (!domain::is_settlement_date(date)) return bad_date(req, date);
  const std::string day(date);
  if (auto verbatim = parts.settlement.override_of(day)) {
    return http::make_response(req, 200, csv_content_type,
                               std::move(*verbatim));
  }
  return http::make_response(req, 200, csv_content_type,
                             domain::format_settlement_csv(
                               settlement_file_of(day, parts, now)));
}

std::optional<http::response> handle_settlement_sim(const http::request& req,
                                                    const sim_parts& parts,
                                                    const sim_time& now) {
  const std::string_view path = http::target_path(req.target());
  const auto method = req.method();
  if (path == "/sim/settlement_discrepancies") {
    if (method == bhttp::verb::post) return inject(req, parts, now);
    if (method == bhttp::verb::get) return list_discrepancies(req, parts);
    return std::nullopt;
  }
  const std::string_view files = sim_settlement_files_path;
  if (path.substr(0, files.size()) == files
      && (method == bhttp::verb::put || method == bhttp::verb::delete_)) {
    const std::string_view date = path.substr(files.size());
    if (date.find('/') == std::string_view::npos)
      return override_file(req, date, parts);
  }
  constexpr std::string_view payouts = "/sim/payouts/";
  constexpr std::string_view fail = "/fail";
  if (method == bhttp::verb::post && path.size() > payouts.size() + fail.size()
      && path.substr(0, payouts.size()) == payouts
      && path.substr(path.size() - fail.size()) == fail) {
    const std::string_view id = path.substr(
      payouts.size(), path.size() - payouts.size() - fail.size());
    if (id.find('/') == std::string_view::npos)
      return fail_payout(req, id, parts, now);
  }
  return std::nullopt;
}

}  // namespace pay::pspsim
