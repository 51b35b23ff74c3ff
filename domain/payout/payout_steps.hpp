#pragma once
// What a payout actor asks the provider next, and what it does with the
// answer, as pure functions of the persisted row and the answer (the actor
// in actors/payout/payout.cpp only carries them out).
//
//   status       call                                     key / account
//   CREATED      POST /v1/transfers                       payout id
//                (GET /v1/transfers?transfer_group= first once the key may
//                 have expired)
//   TRANSFERRED  POST /v1/payouts                         "<id>-payout", acct
//                (GET /v1/payouts?limit=100 first once the key may have expired)
//   IN_TRANSIT   GET /v1/payouts/{po}                     acct
//   REVERSING    GET /v1/transfers/{tr}, then
//                POST /v1/transfers/{tr}/reversals        "<id>-reversal"
//
// A full reversal cannot happen twice at the provider, so REVERSING needs no
// lookup: reading the transfer first says whether it is already back.

#include <cstdint>
#include <string_view>

#include "domain/payout/payout_outcome.hpp"
#include "domain/payout/payout_status.hpp"

namespace pay::domain {

enum class payout_call : std::uint8_t {
  no_account = 0,  // a pay-out without a connected account: refused here
  create_transfer = 1,
  find_transfer = 2,
  create_payout = 3,
  find_payout = 4,
  read_payout = 5,
  read_transfer = 6,
  reverse_transfer = 7,
  no_transfer = 8,  // REVERSING with nothing transferred: back at once
  none = 9,         // a final status: nothing to ask
};

struct payout_call_facts {
  payout_status status = payout_status::created;
  bool has_account = false;   // the row names a connected account
  bool has_transfer = false;  // the row holds the transfer's tr_ id
  // The create's key may have expired at the provider and no lookup has
  // answered "absent" since the last create: look before creating again.
  bool look_up_first = false;
  // REVERSING: the transfer was read since the last attempt and is not
  // reversed yet, so the reversal is due.
  bool transfer_checked = false;
};

payout_call next_call(const payout_call_facts& facts);

enum class payout_reaction_kind : std::uint8_t {
  advance = 0,         // apply `event` to the row
  record_attempt = 1,  // nothing decided: count it, retry after a backoff
  poll = 2,            // the provider still holds it: ask again later
  create_now = 3,      // a lookup found nothing: the create is safe
  reverse_now = 4,     // the transfer is still there: reverse it
};

struct payout_reaction {
  payout_reaction_kind kind = payout_reaction_kind::record_attempt;
  payout_event event = payout_event::psp_accepted;  // for advance
};

payout_reaction react(payout_status status, payout_call call,
                      payout_kind answer);

// The calls that move money at the provider (a transfer, a pay-out, a
// reversal): one of them left without an answer may have moved it.
bool moves_money(payout_call call);

std::string_view to_string(payout_call call);

}  // namespace pay::domain
