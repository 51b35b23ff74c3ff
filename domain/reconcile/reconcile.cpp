#include "domain/reconcile/reconcile.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <utility>

#include "domain/common/assert.hpp"
#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"
#include "domain/payout/payout_status.hpp"
#include "domain/refund/refund_status.hpp"

namespace pay::domain {

namespace {

// An open-addressing map from a string to a record index, in one
// contiguous array: node-based hash maps cost an allocation and a cache miss
// per entry, which dominates a 100,000-line file. Keys are views into the
// inputs, which outlive the matcher.
class string_index {
 public:
  static constexpr std::uint32_t absent = 0xFFFFFFFFu;

  explicit string_index(std::size_t expected_keys) {
    std::size_t capacity = 16;
    while (capacity < expected_keys * 2)  // load factor at most 1/2
      capacity *= 2;
    slots_.resize(capacity);
  }

  // The value already stored for key, or absent after storing value.
  std::uint32_t insert(std::string_view key, std::uint32_t value) {
    PAY_ASSERT(value != absent);
    auto& slot = probe(key);
    if (slot.value != absent) return slot.value;
    slot = {key, value};
    PAY_ASSERT(++size_ * 2 <= slots_.size());
    return absent;
  }

  std::uint32_t find(std::string_view key) const {
    return const_cast<string_index*>(this)->probe(key).value;
  }

 private:
  struct slot_t {
    std::string_view key;
    std::uint32_t value = absent;
  };

  // Terminates: the table is never more than half full.
  slot_t& probe(std::string_view key) {
    auto mask = slots_.size() - 1;
    for (auto i = std::hash<std::string_view>{}(key)&mask;; i = (i + 1) & mask)
      if (slots_[i].value == absent || slots_[i].key == key) return slots_[i];
  }

  std::vector<slot_t> slots_;
  std::size_t size_ = 0;
};

// Our record as a line result and an exception show it.
struct our_view {
  bool found = false;
  std::string_view id;
  std::int64_t amount_minor = 0;
  std::string_view currency;
  std::string status;
  std::string_view settled_on;
  // Set once a line of this file has matched the record: a further line
  // for it is a duplicate. Points into the matcher's flags; null if not
  // found.
  std::uint8_t* claimed = nullptr;
  const our_charge* order = nullptr;   // charge lines only
  const our_payout* payout = nullptr;  // payout lines only
};

struct verdict {
  policy_case which = policy_case::matched;
  std::string message;  // one sentence; empty when matched
};

// Per-currency sums wide enough that no file can overflow them.
struct wide_sums {
  __int128 bank = 0, psp_fees = 0, receivable = 0, suspense = 0;
  __int128 gross = 0, fee = 0, net = 0;
  std::uint32_t lines = 0;
  bool has_money = false;
};

std::int64_t narrow(__int128 sum) {
  PAY_ASSERT(sum >= std::numeric_limits<std::int64_t>::min()
             && sum <= std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(sum);
}

std::string_view type_word(settlement_type type) {
  switch (type) {
    case settlement_type::charge:
      return "Charge";
    case settlement_type::refund:
      return "Refund";
    case settlement_type::payout:
      return "Payout";
    case settlement_type::fee:
      return "Fee";
  }
  return "Settlement";
}

std::string money_text(std::int64_t amount_minor, std::string_view code) {
  if (auto currency = find_currency(code))
    return format_minor(amount_minor, *currency) + " " + std::string{code};
  return std::to_string(amount_minor) + " minor units of '" + std::string{code}
         + "'";
}

bool net_adds_up(const settlement_line& line) {
  std::int64_t expected_net = 0;
  return !__builtin_sub_overflow(line.gross_minor, line.fee_minor,
                                 &expected_net)
         && expected_net == line.net_minor;
}

// What a line is about, as shown and keyed: the PSP's reference, else our
// id. A view into the line, which outlives the matcher.
std::string_view reference_of(const settlement_line& line) {
  return line.psp_reference.empty() ? std::string_view{line.idempotency_key}
                                    : std::string_view{line.psp_reference};
}

std::string line_reference(const settlement_line& line) {
  return std::string{reference_of(line)};
}

std::string line_head(const settlement_line& line) {
  return std::string{type_word(line.type)} + " line "
         + std::to_string(line.line_no) + " (" + line_reference(line) + ")";
}

// Our records of one kind, indexed by PSP reference and by our id, with a
// flag per record: has an earlier line of this file matched it?
template <class Record>
struct record_index {
  explicit record_index(std::size_t size) : by_reference(size), by_id(size) {}

  void add(const Record& r, std::string_view id) {
    auto index = static_cast<std::uint32_t>(records.size());
    if (by_id.insert(id, index) != string_index::absent)
      return;  // listed twice (charges and expected): the first wins
    records.push_back(&r);
    claimed.push_back(0);
    if (!r.psp_reference.empty()) by_reference.insert(r.psp_reference, index);
  }

  // By reference, else by our id in the line's idempotency key.
  std::uint32_t find(const settlement_line& line) const {
    auto index = line.psp_reference.empty()
                   ? string_index::absent
                   : by_reference.find(line.psp_reference);
    return index != string_index::absent ? index
                                         : by_id.find(line.idempotency_key);
  }

  string_index by_reference;
  string_index by_id;
  std::vector<const Record*> records;
  std::vector<std::uint8_t> claimed;
};

std::size_t count_lines(const settlement_file& file, settlement_type type) {
  return static_cast<std::size_t>(
    std::count_if(file.lines.begin(), file.lines.end(),
                  [type](const auto& l) { return l.type == type; }));
}

class matcher {
 public:
  matcher(const settlement_file& file, const books& ours,
          const reconcile_inputs& in)
      : file_(file),
        ours_(ours),
        in_(in),
        charges_(ours.charges.size() + ours.expected.size()),
        refunds_(ours.refunds.size()),
        payouts_(ours.payouts.size()),
        seen_refs_{string_index{count_lines(file, settlement_type::charge)},
                   string_index{count_lines(file, settlement_type::refund)},
                   string_index{count_lines(file, settlement_type::payout)},
                   string_index{count_lines(file, settlement_type::fee)}},
        occurrences_{string_index{count_lines(file, settlement_type::charge)},
                     string_index{count_lines(file, settlement_type::refund)},
                     string_index{count_lines(file, settlement_type::payout)},
                     string_index{count_lines(file, settlement_type::fee)}},
        corrected_(ours.corrected_lines.size()) {
    plan_.date = file.date;
    for (const auto& c : ours_.charges) charges_.add(c, c.order_id.value);
    for (const auto& c : ours_.expected) charges_.add(c, c.order_id.value);
    for (const auto& r : ours_.refunds) refunds_.add(r, r.refund_id.value);
    for (const auto& p : ours_.payouts) payouts_.add(p, p.payout_id.value);
    charge_in_file_.assign(charges_.records.size(), 0);
    payout_fee_claimed_.assign(payouts_.records.size(), 0);
    for (const auto& identity : ours_.corrected_lines)
      corrected_.insert(identity, 0);
  }

  reconciliation_plan run() {
    plan_.line_results.reserve(file_.lines.size());
    for (const auto& line : file_.lines) match_line(line);
    add_missing_charges();
    add_totals_checks();
    finish_money();
    return std::move(plan_);
  }

 private:
  void match_line(const settlement_line& line);
  our_view view_of(const settlement_line& line);
  verdict classify(const settlement_line& line, const our_view& ours);
  verdict classify_refund_or_payout(const settlement_line& line,
                                    const our_view& ours);
  verdict check_found(const settlement_line& line, const our_view& ours,
                      std::int64_t expected_gross_minor);
  verdict classify_charge(const settlement_line& line, const our_view& ours);
  void record(const settlement_line& line, const our_view& ours, verdict v);
  // The line's 1-based occurrence among the file's lines of its type and
  // reference so far.
  std::uint32_t occurrence_of(const settlement_line& line);
  void book_money(const settlement_line& line, line_booking booking);
  void add_exception(reconciliation_exception e);
  void add_missing_charges();
  void add_totals_checks();
  void finish_money();

  const settlement_file& file_;
  const books& ours_;
  const reconcile_inputs& in_;
  reconciliation_plan plan_;

  record_index<our_charge> charges_;
  record_index<our_refund> refunds_;
  record_index<our_payout> payouts_;
  std::vector<std::uint8_t> charge_in_file_;      // for missing_charge
  std::vector<std::uint8_t> payout_fee_claimed_;  // one fee line per payout
  std::array<string_index, 4> seen_refs_;         // by settlement_type
  // By settlement_type: reference -> slot in occurrence_counts_.
  std::array<string_index, 4> occurrences_;
  std::vector<std::uint32_t> occurrence_counts_;
  string_index corrected_;  // books::corrected_lines
  std::map<std::string, wide_sums> sums_;
};

template <class Record>
our_view view_with_status(const Record& r, std::string_view id,
                          std::uint8_t& claimed) {
  return {true,
          id,
          r.amount_minor,
          r.currency,
          std::string{to_db_string(r.status)},
          r.settled_on,
          &claimed,
          nullptr};
}

our_view matcher::view_of(const settlement_line& line) {
  std::uint32_t i = string_index::absent;
  switch (line.type) {
    case settlement_type::charge:
      i = charges_.find(line);
      if (i == string_index::absent) return {};
      charge_in_file_[i] = 1;
      {
        const auto& c = *charges_.records[i];
        return {true,
                c.order_id.value,
                c.amount_minor,
                c.currency,
                std::string{to_db_string(c.status)},
                c.settled_on,
                &charges_.claimed[i],
                &c};
      }
    case settlement_type::refund:
      i = refunds_.find(line);
      if (i == string_index::absent) return {};
      return view_with_status(*refunds_.records[i],
                              refunds_.records[i]->refund_id.value,
                              refunds_.claimed[i]);
    case settlement_type::payout: {
      i = payouts_.find(line);
      if (i == string_index::absent) return {};
      auto view = view_with_status(*payouts_.records[i],
                                   payouts_.records[i]->payout_id.value,
                                   payouts_.claimed[i]);
      view.payout = payouts_.records[i];
      return view;
    }
    case settlement_type::fee:
      // A fee line's own reference is the PSP's: only its key is ours.
      i = payouts_.by_id.find(line.idempotency_key);
      if (i == string_index::absent) return {};
      return view_with_status(*payouts_.records[i],
                              payouts_.records[i]->payout_id.value,
                              payout_fee_claimed_[i]);
  }
  return {};
}

void matcher::match_line(const settlement_line& line) {
  auto ours = view_of(line);
  auto v = classify(line, ours);
  record(line, ours, std::move(v));
}

verdict matcher::classify(const settlement_line& line, const our_view& ours) {
  auto type_index = static_cast<std::size_t>(line.type);
  PAY_ASSERT(type_index < seen_refs_.size());
  if (seen_refs_[type_index].insert(line.psp_reference, line.line_no)
      != string_index::absent)
    return {policy_case::duplicate_line,
            line_head(line) + " repeats an earlier line of this file."};
  if (!ours.found)
    return line.type == settlement_type::charge
             ? verdict{policy_case::unknown_charge,
                       line_head(line) + " matches none of our orders."}
             : verdict{policy_case::unknown_reference,
                       line_head(line) + " matches nothing of ours."};
  switch (line.type) {
    case settlement_type::charge:
      return classify_charge(line, ours);
    case settlement_type::refund:
    case settlement_type::payout:
      return classify_refund_or_payout(line, ours);
    case settlement_type::fee:
      return check_found(line, ours, 0);
  }
  return {};
}

verdict matcher::classify_refund_or_payout(const settlement_line& line,
                                           const our_view& ours) {
  bool is_refund = line.type == settlement_type::refund;
  // Payout fees come as fee lines: a fee on the payout line itself would
  // be money this plan does not book.
  if (!is_refund && line.fee_minor != 0)
    return {policy_case::amount_mismatch,
            line_head(line) + " carries a fee of "
              + money_text(line.fee_minor, line.currency)
              + "; payout fees must come as fee lines."};
  auto v = check_found(line, ours, -ours.amount_minor);
  if (v.which != policy_case::matched) return v;
  // What the PSP's settlement confirms: a refund that succeeded; a pay-out
  // whose money left the platform (its transfer, or the pay-out itself).
  bool confirmed = is_refund
                     ? ours.status == to_db_string(refund_status::succeeded)
                     : money_left_platform(*ours.payout);
  if (!confirmed)
    return {policy_case::status_mismatch_refund_or_payout,
            line_head(line) + " is settled by the PSP but ours, "
              + std::string{ours.id} + ", is " + ours.status + "."};
  if (line.fee_minor != 0)  // refunds are agreed at fee 0
    return {policy_case::fee_mismatch,
            line_head(line) + " carries a fee of "
              + money_text(line.fee_minor, line.currency)
              + " where none was agreed."};
  return {};
}

// The checks every matched line passes, most specific first.
verdict matcher::check_found(const settlement_line& line, const our_view& ours,
                             std::int64_t expected_gross_minor) {
  PAY_ASSERT(ours.claimed != nullptr);
  if (*ours.claimed)
    return {policy_case::duplicate_line,
            line_head(line) + " is for " + std::string{ours.id}
              + ", which an earlier line of this file already matched."};
  *ours.claimed = 1;
  if (!ours.settled_on.empty() && ours.settled_on != file_.date)
    return {policy_case::duplicate_line,
            line_head(line) + " is for " + std::string{ours.id}
              + ", already settled on " + std::string{ours.settled_on} + "."};
  if (line.currency != ours.currency)
    return {policy_case::currency_mismatch,
            line_head(line) + " is in " + line.currency + " but "
              + std::string{ours.id} + " is in " + std::string{ours.currency}
              + "."};
  if (!net_adds_up(line))
    return {policy_case::amount_mismatch,
            line_head(line) + " has net "
              + money_text(line.net_minor, line.currency)
              + ", which is not gross minus fee."};
  if (line.gross_minor != expected_gross_minor)
    return {policy_case::amount_mismatch,
            line_head(line) + " has gross "
              + money_text(line.gross_minor, line.currency) + " but "
              + std::string{ours.id} + " expects "
              + money_text(expected_gross_minor, line.currency) + "."};
  return {};
}

verdict matcher::classify_charge(const settlement_line& line,
                                 const our_view& ours) {
  auto v = check_found(line, ours, ours.amount_minor);
  if (v.which != policy_case::matched) return v;
  PAY_ASSERT(ours.order != nullptr);
  const auto& order = *ours.order;
  if (order.status == order_status::failed)
    return {policy_case::status_mismatch_order_failed,
            line_head(line) + " is settled by the PSP but order "
              + order.order_id.value + " is FAILED."};
  if (order.status != order_status::success)
    return {policy_case::status_mismatch_order_unfinished,
            line_head(line) + " is settled by the PSP but order "
              + order.order_id.value + " is " + ours.status
              + ": the PSP is asked, and the money waits in "
                "settlement_suspense until the order is final."};
  auto agreed = agreed_fee_minor(line.gross_minor, in_.fee_terms);
  if (line.fee_minor != agreed)
    return {policy_case::fee_mismatch,
            line_head(line) + " has a fee of "
              + money_text(line.fee_minor, line.currency) + " where "
              + money_text(agreed, line.currency)
              + " was agreed: the actual fee is booked."};
  return {};
}

std::uint32_t matcher::occurrence_of(const settlement_line& line) {
  auto type_index = static_cast<std::size_t>(line.type);
  PAY_ASSERT(type_index < occurrences_.size());
  auto slot = static_cast<std::uint32_t>(occurrence_counts_.size());
  auto earlier = occurrences_[type_index].insert(reference_of(line), slot);
  if (earlier == string_index::absent) {
    occurrence_counts_.push_back(1);
    return 1;
  }
  return ++occurrence_counts_[earlier];
}

void matcher::record(const settlement_line& line, const our_view& ours,
                     verdict v) {
  const auto& row = policy_for(v.which);
  auto occurrence = occurrence_of(line);
  auto identity = [&] {
    return line_identity(line.type, reference_of(line), occurrence);
  };
  // Finance moved this line's money out of suspense already: it stays
  // there in the day's settlement, and no exception asks for it again.
  bool corrected = !ours_.corrected_lines.empty()
                   && corrected_.find(identity()) != string_index::absent;
  auto booking = line.type == settlement_type::payout ? line_booking::none
                 : corrected                          ? line_booking::suspense
                                                      : row.booking;
  line_result r;
  r.line_no = line.line_no;
  r.type = line.type;
  r.reference = line_reference(line);
  r.kind = row.kind;
  r.route = row.route;
  r.booking = booking;
  r.our_id = std::string{ours.id};
  r.our_amount_minor = ours.amount_minor;
  r.our_currency = std::string{ours.currency};
  r.our_status = ours.status;
  r.their_gross_minor = line.gross_minor;
  r.their_fee_minor = line.fee_minor;
  r.their_net_minor = line.net_minor;
  r.their_currency = line.currency;
  book_money(line, booking);
  if (row.settles_our_record) {
    if (line.type == settlement_type::charge)
      plan_.orders_to_settle.push_back(payment_order_id{r.our_id});
    else if (line.type == settlement_type::refund)
      plan_.refunds_to_settle.push_back(r.our_id);
    else if (line.type == settlement_type::payout)
      plan_.payouts_to_settle.push_back(r.our_id);
  }
  if (row.polls_psp) plan_.orders_to_poll.push_back(payment_order_id{r.our_id});
  if (corrected && line.type != settlement_type::payout) {
    ++plan_.counts.held_by_correction;
  } else if (row.kind == discrepancy_kind::matched) {
    ++plan_.counts.matched;
  } else {
    std::int64_t suspense_minor = 0;
    if (booking == line_booking::suspense)  // as book_money posts it
      suspense_minor = narrow(
        -(static_cast<__int128>(line.net_minor) + line.fee_minor));
    add_exception(
      {row.kind, row.route, row.which, exception_key(row.kind, identity()),
       line.line_no, r.reference, r.our_id, r.our_amount_minor, r.our_currency,
       r.our_status, line.gross_minor, line.fee_minor, line.net_minor,
       line.currency, std::move(v.message), suspense_minor});
  }
  plan_.line_results.push_back(std::move(r));
}

void matcher::book_money(const settlement_line& line, line_booking booking) {
  auto& sums = sums_[line.currency];
  ++sums.lines;
  sums.gross += line.gross_minor;
  sums.fee += line.fee_minor;
  sums.net += line.net_minor;
  if (line.type == settlement_type::payout)
    return;  // booked when the payout was paid
  sums.has_money = true;
  sums.bank += line.net_minor;
  sums.psp_fees += line.fee_minor;
  if (booking == line_booking::receivable)
    sums.receivable -= line.gross_minor;
  else  // -(net + fee) is -gross unless the line does not add up
    sums.suspense -= static_cast<__int128>(line.net_minor) + line.fee_minor;
}

void matcher::add_exception(reconciliation_exception e) {
  switch (e.route) {
    case reconcile_route::auto_corrected:
      ++plan_.counts.auto_corrected;
      break;
    case reconcile_route::queued:
      ++plan_.counts.queued;
      break;
    case reconcile_route::escalated:
      ++plan_.counts.escalated;
      break;
    case reconcile_route::matched:
      PAY_ASSERT(false);
  }
  plan_.exceptions.push_back(std::move(e));
}

void matcher::add_missing_charges() {
  std::vector<const our_charge*> missing;
  // Every expected order was indexed; the flag reports each one once.
  auto& seen = charge_in_file_;
  for (const auto& c : ours_.expected) {
    auto i = charges_.by_id.find(c.order_id.value);
    PAY_ASSERT(i != string_index::absent);
    if (seen[i] || c.status != order_status::success
        || (!c.settled_on.empty() && c.settled_on != file_.date))
      continue;
    seen[i] = 1;
    missing.push_back(&c);
  }
  std::sort(missing.begin(), missing.end(), [](const auto* a, const auto* b) {
    return a->order_id.value < b->order_id.value;
  });
  const auto& row = policy_for(policy_case::missing_charge);
  for (const auto* c : missing) {
    // A success just before midnight was looked for in the previous day's
    // lines too (books::expected): say so.
    auto where = c->succeeded_on.empty() || c->succeeded_on == file_.date
                   ? std::string{"the PSP's lines of that day have"}
                   : "neither the PSP's lines of that day nor those of "
                       + file_.date + " have";
    add_exception({row.kind, row.route, row.which,
                   exception_key(row.kind, "order:" + c->order_id.value), 0,
                   c->psp_reference, c->order_id.value, c->amount_minor,
                   c->currency, std::string{to_db_string(c->status)}, 0, 0, 0,
                   "",
                   "Order " + c->order_id.value + " succeeded on "
                     + (c->succeeded_on.empty() ? file_.date : c->succeeded_on)
                     + " for " + money_text(c->amount_minor, c->currency)
                     + " but " + where + " no charge for it."});
  }
}

void matcher::add_totals_checks() {
  if (!file_.states_totals) return;  // nothing of the PSP's to check against
  std::map<std::string, std::vector<const settlement_total*>> rows;
  for (const auto& t : file_.totals) rows[t.currency].push_back(&t);
  for (const auto& entry : sums_)
    rows[entry.first];  // a currency with lines but no TOTAL row is checked
  const auto& row = policy_for(policy_case::totals_mismatch);
  for (const auto& [currency, totals] : rows) {
    wide_sums none;
    auto it = sums_.find(currency);
    const auto& lines = it == sums_.end() ? none : it->second;
    std::string problem;
    if (totals.size() != 1) {
      problem = "Currency " + currency + " has " + std::to_string(totals.size())
                + " TOTAL rows where exactly one was expected.";
    } else if (totals[0]->gross_minor != lines.gross
               || totals[0]->fee_minor != lines.fee
               || totals[0]->net_minor != lines.net) {
      problem = "The " + currency + " TOTAL row (gross "
                + money_text(totals[0]->gross_minor, currency)
                + ") differs from the sums of its lines (gross "
                + money_text(narrow(lines.gross), currency) + ").";
    }
    if (problem.empty()) continue;
    auto shown = totals.empty() ? settlement_total{} : *totals[0];
    add_exception({row.kind, row.route, row.which,
                   exception_key(row.kind, "currency:" + currency), 0, currency,
                   "", narrow(lines.gross), currency, "", shown.gross_minor,
                   shown.fee_minor, shown.net_minor, currency,
                   std::move(problem), 0});
  }
}

void matcher::finish_money() {
  for (const auto& entry : sums_) {
    // Named, not a structured binding: the lambda below captures it, which
    // C++17 allows only for variables.
    const std::string& currency = entry.first;
    const wide_sums& sums = entry.second;
    plan_.totals_by_currency[currency] = {narrow(sums.gross), narrow(sums.fee),
                                          narrow(sums.net), sums.lines};
    if (!sums.has_money) continue;
    std::vector<posting> postings;
    auto add = [&](std::string_view account, __int128 amount) {
      if (amount != 0)
        postings.push_back({std::string{account}, currency, narrow(amount)});
    };
    add(bank_account, sums.bank);
    add(psp_fees_account, sums.psp_fees);
    add(psp_receivable_account, sums.receivable);
    add(settlement_suspense_account, sums.suspense);
    // Lines can carry no money at all (a zero fee line): no transaction.
    if (postings.empty()) continue;
    PAY_ASSERT(is_balanced(postings));
    plan_.postings_by_currency.emplace(currency, std::move(postings));
  }
  plan_.counts.lines = static_cast<std::uint32_t>(file_.lines.size());
}

}  // namespace

std::string line_identity(settlement_type type, std::string_view reference,
                          std::uint32_t occurrence) {
  auto out = std::string{to_string(type)} + ":" + std::string{reference};
  if (occurrence > 1) out += "#" + std::to_string(occurrence);
  return out;
}

std::string exception_key(discrepancy_kind kind, std::string_view identity) {
  return std::string{to_string(kind)} + ":" + std::string{identity};
}

std::string_view identity_of_key(std::string_view key) {
  auto colon = key.find(':');
  return colon == std::string_view::npos ? std::string_view{}
                                         : key.substr(colon + 1);
}

reconciliation_plan reconcile(const settlement_file& file, const books& ours,
                              const reconcile_inputs& in) {
  return matcher{file, ours, in}.run();
}

}  // namespace pay::domain
