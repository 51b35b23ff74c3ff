#include "pspsim/settlement_builder.hpp"

#include <algorithm>
#include <cctype>

#include "domain/common/currency.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "pspsim/check.hpp"

namespace pay::pspsim {
namespace {

using domain::settlement_type;

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

settled_item make_item(std::string reference, std::string key,
                       settlement_type type, std::int64_t gross,
                       std::int64_t fee, std::string_view currency,
                       std::int64_t settled_unix_s) {
  settled_item item;
  item.line.psp_reference = std::move(reference);
  item.line.idempotency_key = std::move(key);
  item.line.type = type;
  item.line.gross_minor = gross;
  item.line.fee_minor = fee;
  item.line.net_minor = gross - fee;
  item.line.currency = upper(currency);
  item.settled_unix_s = settled_unix_s;
  return item;
}

// One major unit: 100 for USD, 1 for JPY, 1000 for BHD.
std::int64_t major_unit_minor(std::string_view currency) {
  const auto found = domain::find_currency(currency);
  std::int64_t unit = 1;
  for (int i = 0; i < (found ? found->exponent : 2); ++i) unit *= 10;
  return unit;
}

bool has_reference(const std::vector<settled_item>& items,
                   std::string_view reference) {
  return std::any_of(items.begin(), items.end(), [&](const settled_item& i) {
    return i.line.psp_reference == reference;
  });
}

template <class Change>
void for_each_line(std::vector<settled_item>& items,
                   const std::string& reference, bool charges_only,
                   Change change) {
  for (settled_item& item : items) {
    if (item.line.psp_reference != reference) continue;
    if (charges_only && item.line.type != settlement_type::charge) continue;
    change(item.line);
  }
}

settled_item distortion_charge(const discrepancy& d,
                               const settlement_terms& terms) {
  settled_item item = charge_item(d.reference, d.idempotency_key,
                                  d.amount_minor, d.currency, d.injected_unix_s,
                                  terms);
  item.source = distortion_source(d);
  return item;
}

void apply(std::vector<settled_item>& items, const discrepancy& d,
           const settlement_terms& terms) {
  switch (d.kind) {
    case discrepancy_kind::unknown_charge:
      items.push_back(distortion_charge(d, terms));
      return;
    case discrepancy_kind::status_mismatch:
      // Listed once: if the intent did settle on this day after all, its
      // own line already says so.
      if (!has_reference(items, d.reference)) {
        items.push_back(distortion_charge(d, terms));
      }
      return;
    case discrepancy_kind::missing_charge:
      items.erase(std::remove_if(items.begin(), items.end(),
                                 [&](const settled_item& i) {
                                   return i.line.type == settlement_type::charge
                                          && i.line.psp_reference
                                               == d.reference;
                                 }),
                  items.end());
      return;
    case discrepancy_kind::amount_mismatch:
      for_each_line(items, d.reference, true, [&](domain::settlement_line& l) {
        l.gross_minor += major_unit_minor(l.currency);
        l.fee_minor = domain::agreed_fee_minor(l.gross_minor, terms.fees);
        l.net_minor = l.gross_minor - l.fee_minor;
      });
      return;
    case discrepancy_kind::fee_mismatch:
      for_each_line(items, d.reference, true, [&](domain::settlement_line& l) {
        l.fee_minor = domain::agreed_fee_minor(l.gross_minor, terms.fees)
                      + fee_mismatch_extra_minor;
        l.net_minor = l.gross_minor - l.fee_minor;
      });
      return;
    case discrepancy_kind::currency_mismatch:
      for_each_line(items, d.reference, false, [](domain::settlement_line& l) {
        l.currency = l.currency == "USD" ? "EUR" : "USD";
      });
      return;
    case discrepancy_kind::duplicate_line: {
      const auto it = std::find_if(items.begin(), items.end(),
                                   [&](const settled_item& i) {
                                     return i.line.psp_reference == d.reference;
                                   });
      if (it != items.end()) items.insert(it + 1, settled_item(*it));
      return;
    }
  }
  check_failed("a known discrepancy_kind", __FILE__, __LINE__);
}

}  // namespace

settled_item charge_item(std::string reference, std::string key,
                         std::int64_t amount_minor, std::string_view currency,
                         std::int64_t settled_unix_s,
                         const settlement_terms& terms) {
  PSPSIM_CHECK(amount_minor > 0);
  return make_item(std::move(reference), std::move(key),
                   settlement_type::charge, amount_minor,
                   domain::agreed_fee_minor(amount_minor, terms.fees), currency,
                   settled_unix_s);
}

settled_item refund_item(std::string reference, std::string key,
                         std::int64_t amount_minor, std::string_view currency,
                         std::int64_t settled_unix_s) {
  PSPSIM_CHECK(amount_minor > 0);
  return make_item(std::move(reference), std::move(key),
                   settlement_type::refund, -amount_minor, 0, currency,
                   settled_unix_s);
}

settled_item payout_item(std::string reference, std::string key,
                         std::int64_t amount_minor, std::string_view currency,
                         std::int64_t settled_unix_s) {
  PSPSIM_CHECK(amount_minor > 0);
  return make_item(std::move(reference), std::move(key),
                   settlement_type::payout, -amount_minor, 0, currency,
                   settled_unix_s);
}

settled_item payout_fee_item(std::string reference, std::string key,
                             std::string_view currency,
                             std::int64_t settled_unix_s,
                             const settlement_terms& terms) {
  return make_item(std::move(reference), std::move(key), settlement_type::fee,
                   0, terms.payout_fee_minor, currency, settled_unix_s);
}

settled_item transfer_reversal_item(std::string reference, std::string key,
                                    std::int64_t amount_minor,
                                    std::string_view currency,
                                    std::int64_t settled_unix_s) {
  PSPSIM_CHECK(amount_minor > 0);
  return make_item(std::move(reference), std::move(key),
                   settlement_type::payout, amount_minor, 0, currency,
                   settled_unix_s);
}

bool in_settlement_file(const settled_item& item) {
  return item.source.kind != source_kind::transfer_reversal;
}

item_source distortion_source(const discrepancy& d) {
  item_source source;
  source.kind = source_kind::charge;
  // "pi_X" -> "ch_X": stable, so every listing names the same charge.
  source.id = "ch_" + d.reference.substr(d.reference.find('_') + 1);
  source.payment_intent = d.reference;
  source.metadata = d.metadata;
  return source;
}

std::vector<settled_item> distort_and_order(
  std::vector<settled_item> items, const std::vector<discrepancy>& distortions,
  const settlement_terms& terms) {
  for (const discrepancy& d : distortions) apply(items, d, terms);
  // Stable: a duplicated line stays next to its original.
  std::stable_sort(items.begin(), items.end(),
                   [](const settled_item& a, const settled_item& b) {
                     if (a.line.type != b.line.type)
                       return a.line.type < b.line.type;
                     if (a.settled_unix_s != b.settled_unix_s) {
                       return a.settled_unix_s < b.settled_unix_s;
                     }
                     return a.line.psp_reference < b.line.psp_reference;
                   });
  return items;
}

domain::settlement_file build_settlement_file(
  const std::string& date, std::vector<settled_item> items,
  const std::vector<discrepancy>& distortions, const settlement_terms& terms) {
  items = distort_and_order(std::move(items), distortions, terms);
  domain::settlement_file file;
  file.date = date;
  file.lines.reserve(items.size());
  for (settled_item& item : items) {
    if (!in_settlement_file(item)) continue;
    item.line.settled_date = date;
    item.line.line_no = static_cast<std::uint32_t>(file.lines.size() + 1);
    file.lines.push_back(std::move(item.line));
  }
  file.totals = domain::settlement_totals_of(file.lines);
  return file;
}

}  // namespace pay::pspsim
