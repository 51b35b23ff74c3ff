#include "pspsim/charge_json.hpp"

#include "pspsim/charge_outcome.hpp"
#include "pspsim/check.hpp"
#include "pspsim/json_values.hpp"

namespace pay::pspsim {
namespace {

boost::json::object outcome_json(const charge_outcome& outcome) {
  boost::json::object out;
  out["network_status"] = outcome.network_status;
  out["reason"] = optional_json(outcome.reason);
  out["risk_level"] = to_string(outcome.risk);
  out["risk_score"] = outcome.risk_score;
  out["seller_message"] = outcome.seller_message;
  out["type"] = outcome.type;
  return out;
}

boost::json::object card_details_json(const card_profile& card) {
  boost::json::object checks;
  checks["cvc_check"] = to_string(card.checks.cvc);
  checks["address_line1_check"] = to_string(card.checks.address_line1);
  checks["address_postal_code_check"] = to_string(
    card.checks.address_postal_code);
  boost::json::object details;
  details["brand"] = card.brand;
  details["last4"] = card.last4;
  details["checks"] = std::move(checks);
  boost::json::object out;
  out["type"] = "card";
  out["card"] = std::move(details);
  return out;
}

}  // namespace

boost::json::object charge_object(const payment_intent& intent) {
  PSPSIM_CHECK(!intent.latest_charge.empty());
  const bool captured = intent.captured_unix_s != 0;
  boost::json::object out;
  out["id"] = intent.latest_charge;
  out["object"] = "charge";
  // Stripe's charge.amount is what was authorized; amount_captured what
  // was taken of it.
  out["amount"] = intent.amount_minor;
  out["amount_captured"] = captured ? intent.amount_received_minor : 0;
  out["captured"] = captured;
  out["currency"] = intent.currency;
  out["created"] = intent.charge_created_unix_s;
  if (intent.charge_paid) {
    out["failure_code"] = nullptr;
    out["failure_message"] = nullptr;
  } else {
    const payment_error& error = *intent.last_payment_error;
    out["failure_code"] = error.code;
    out["failure_message"] = error.message;
  }
  out["livemode"] = false;
  out["metadata"] = metadata_json(intent.metadata);
  out["outcome"] = outcome_json(outcome_of(intent));
  out["paid"] = intent.charge_paid;
  out["payment_intent"] = intent.id;
  out["payment_method"] = intent.payment_method;
  out["payment_method_details"] = card_details_json(intent.card);
  out["status"] = intent.charge_paid ? "succeeded" : "failed";
  return out;
}

boost::json::object charge_summary(const payment_intent& intent) {
  PSPSIM_CHECK(!intent.latest_charge.empty());
  const bool captured = intent.captured_unix_s != 0;
  boost::json::object out;
  out["id"] = intent.latest_charge;
  out["object"] = "charge";
  out["amount"] = intent.amount_minor;
  out["amount_captured"] = captured ? intent.amount_received_minor : 0;
  out["captured"] = captured;
  out["currency"] = intent.currency;
  out["payment_intent"] = intent.id;
  out["paid"] = intent.charge_paid;
  out["status"] = intent.charge_paid ? "succeeded" : "failed";
  out["metadata"] = metadata_json(intent.metadata);
  out["created"] = intent.charge_created_unix_s;
  return out;
}

boost::json::value latest_charge_json(const payment_intent& intent,
                                      bool expand) {
  if (intent.latest_charge.empty()) return nullptr;
  if (!expand) return boost::json::string(intent.latest_charge);
  return charge_object(intent);
}

}  // namespace pay::pspsim
