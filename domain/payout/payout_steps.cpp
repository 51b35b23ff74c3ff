#include "domain/payout/payout_steps.hpp"

namespace pay::domain {

payout_call next_call(const payout_call_facts& facts) {
  switch (facts.status) {
    case payout_status::created:
      if (!facts.has_account) return payout_call::no_account;
      return facts.look_up_first ? payout_call::find_transfer
                                 : payout_call::create_transfer;
    case payout_status::transferred:
      return facts.look_up_first ? payout_call::find_payout
                                 : payout_call::create_payout;
    case payout_status::in_transit:
      return payout_call::read_payout;
    case payout_status::reversing:
      if (!facts.has_transfer) return payout_call::no_transfer;
      return facts.transfer_checked ? payout_call::reverse_transfer
                                    : payout_call::read_transfer;
    case payout_status::paid:
    case payout_status::failed:
      return payout_call::none;
  }
  return payout_call::none;
}

namespace {

payout_reaction advance(payout_event event) {
  return {payout_reaction_kind::advance, event};
}

constexpr payout_reaction attempt{payout_reaction_kind::record_attempt,
                                  payout_event::psp_accepted};

bool is_lookup(payout_call call) {
  return call == payout_call::find_transfer || call == payout_call::find_payout;
}

bool is_create(payout_call call) {
  return call == payout_call::create_transfer
         || call == payout_call::create_payout;
}

}  // namespace

payout_reaction react(payout_status status, payout_call call,
                      payout_kind answer) {
  using K = payout_kind;
  using S = payout_status;
  switch (answer) {
    case K::retry:
      return attempt;
    case K::absent:
      return is_lookup(call) ? payout_reaction{payout_reaction_kind::create_now,
                                               payout_event::psp_accepted}
                             : attempt;
    case K::transferred:
      if (status == S::created) return advance(payout_event::transfer_accepted);
      if (status == S::reversing)
        return {payout_reaction_kind::reverse_now, payout_event::psp_accepted};
      return attempt;
    case K::reversed:
      // A transfer found reversed while we meant to keep it is for operators.
      return status == S::reversing ? advance(payout_event::transfer_reversed)
                                    : attempt;
    case K::pending:
      if (status == S::transferred) return advance(payout_event::psp_accepted);
      if (status == S::in_transit)
        return {payout_reaction_kind::poll, payout_event::psp_accepted};
      return attempt;
    case K::paid:
      // Paid before we recorded it accepted: accepted first, the next read
      // records it paid.
      if (status == S::transferred) return advance(payout_event::psp_accepted);
      if (status == S::in_transit) return advance(payout_event::psp_paid);
      return attempt;
    case K::failed:
      if (status == S::transferred || status == S::in_transit)
        return advance(payout_event::psp_failed);
      return attempt;
    case K::rejected:
      // Only a create can be refused for good; a refused read or reversal
      // says nothing about what the provider holds.
      if (is_create(call) && (status == S::created || status == S::transferred))
        return advance(payout_event::psp_rejected);
      return attempt;
  }
  return attempt;
}

bool moves_money(payout_call call) {
  return call == payout_call::create_transfer
         || call == payout_call::create_payout
         || call == payout_call::reverse_transfer;
}

std::string_view to_string(payout_call call) {
  switch (call) {
    case payout_call::no_account:
      return "no_account";
    case payout_call::create_transfer:
      return "create_transfer";
    case payout_call::find_transfer:
      return "find_transfer";
    case payout_call::create_payout:
      return "create_payout";
    case payout_call::find_payout:
      return "find_payout";
    case payout_call::read_payout:
      return "read_payout";
    case payout_call::read_transfer:
      return "read_transfer";
    case payout_call::reverse_transfer:
      return "reverse_transfer";
    case payout_call::no_transfer:
      return "no_transfer";
    case payout_call::none:
      return "none";
  }
  return "invalid";
}

}  // namespace pay::domain
