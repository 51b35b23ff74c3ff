#include "pspsim/settled_days.hpp"

#include <set>

#include "pspsim/transfer_json.hpp"
#include "pspsim/utc_date.hpp"

namespace pay::pspsim {
namespace {

item_source charge_source(const settled_charge& c) {
  return {
    source_kind::charge, c.charge.id, c.charge.payment_intent, c.metadata, {}};
}

item_source refund_source(const refund_record& r) {
  return {source_kind::refund, r.id, r.payment_intent, r.metadata, {}};
}

item_source payout_source(const payout_record& p) {
  return {source_kind::payout, p.id, {}, p.metadata, {}};
}

item_source transfer_source(const transfer_record& t) {
  return {source_kind::transfer, t.id, {}, t.params.metadata, transfer_json(t)};
}

item_source reversal_source(const reversal_record& r) {
  item_source source;
  source.kind = source_kind::transfer_reversal;
  source.id = r.id;
  source.metadata = r.params.metadata;
  source.object_json = reversal_json(r);
  return source;
}

}  // namespace

std::map<std::string, std::vector<settled_item>> settled_days(
  std::int64_t from_unix_s, std::int64_t to_unix_s, const sim_parts& parts,
  const sim_time& now) {
  // Whole days, so a day's distortions always see its whole file.
  const std::int64_t from = from_unix_s - from_unix_s % seconds_per_day;
  const std::int64_t to = to_unix_s % seconds_per_day == 0
                            ? to_unix_s
                            : to_unix_s - to_unix_s % seconds_per_day
                                + seconds_per_day;
  const settlement_terms& terms = parts.terms;
  std::map<std::string, std::vector<settled_item>> raw;
  const std::set<std::string> listed_elsewhere =
    parts.settlement.status_mismatch_intents();
  for (const auto& c : parts.store.charges_between(from, to, now)) {
    if (listed_elsewhere.count(c.charge.payment_intent) != 0) continue;
    // What was captured, when it was: a manual capture's part only, on
    // the day of the capture.
    settled_item item = charge_item(c.charge.payment_intent,
                                    c.charge.idempotency_key,
                                    c.charge.amount_captured_minor,
                                    c.charge.currency, c.charge.captured_unix_s,
                                    terms);
    item.source = charge_source(c);
    raw[utc_date_of(item.settled_unix_s)].push_back(std::move(item));
  }
  for (const auto& r : parts.refunds.settled_between(from, to, now)) {
    settled_item item = refund_item(r.id, r.idempotency_key, r.amount_minor,
                                    r.currency, r.settled_unix_s);
    item.source = refund_source(r);
    raw[utc_date_of(item.settled_unix_s)].push_back(std::move(item));
  }
  for (const auto& p : parts.payouts.paid_between(from, to, now)) {
    settled_item payout = payout_item(p.id, p.idempotency_key, p.amount_minor,
                                      p.currency, p.resolved_unix_s);
    payout.source = payout_source(p);
    settled_item fee = payout_fee_item(p.fee_reference, p.idempotency_key,
                                       p.currency, p.resolved_unix_s, terms);
    fee.source = payout_source(p);
    auto& day = raw[utc_date_of(p.resolved_unix_s)];
    day.push_back(std::move(payout));
    day.push_back(std::move(fee));
  }
  // The platform's side of Connect: money out to a connected account at
  // once, and back when reversed. A connected account's own pay-outs are
  // its balance's, not the platform's: paid_between leaves them out.
  for (const auto& t : parts.connect.transfers_between(from, to)) {
    // A transfer leaves the platform's balance like a pay-out: a payout
    // line -T (fee 0) under the transfer's reference and key.
    settled_item item = payout_item(t.id, t.idempotency_key,
                                    t.params.amount_minor, t.params.currency,
                                    t.created_unix_s);
    item.source = transfer_source(t);
    raw[utc_date_of(item.settled_unix_s)].push_back(std::move(item));
  }
  for (const auto& r : parts.connect.reversals_between(from, to)) {
    settled_item item = transfer_reversal_item(r.id, r.idempotency_key,
                                               r.amount_minor, r.currency,
                                               r.created_unix_s);
    item.source = reversal_source(r);
    raw[utc_date_of(item.settled_unix_s)].push_back(std::move(item));
  }
  for (const auto& date : parts.settlement.dates_with_discrepancies()) {
    const auto start = utc_day_start(date);
    if (start && *start >= from && *start < to) raw[date];
  }
  std::map<std::string, std::vector<settled_item>> out;
  for (auto& [date, items] : raw) {
    auto ordered = distort_and_order(std::move(items),
                                     parts.settlement.discrepancies(date),
                                     terms);
    if (!ordered.empty()) out.emplace(date, std::move(ordered));
  }
  return out;
}

}  // namespace pay::pspsim
