#pragma once
// When a seller's credit may be paid out: the merchant fulfilled the order,
// the PSP's settlement file confirmed the money, and the hold period since
// the pay-in succeeded has passed. All three, or the credit stays pending.

#include <cstdint>
#include <string>
#include <vector>

namespace pay::domain {

struct release_facts {
  bool fulfilled = false;
  bool settled = false;
  // Seconds from the pay-in's success to now, as the database's clock says.
  std::int64_t seconds_since_success = 0;
};

bool is_releasable(const release_facts& facts, std::int64_t hold_s);

// One unreleased credit of a seller in one currency.
struct unreleased_credit {
  std::string payment_order_id;
  std::int64_t amount_minor = 0;
  std::int64_t refunded_minor = 0;  // succeeded refunds of that order
  release_facts facts;
};

struct release_split {
  std::vector<std::string> releasable;  // payment_order_ids to stamp now
  std::int64_t pending_minor = 0;       // what stays held back
};

// Which credits are released now, and what the rest still hold back (each
// credit net of its succeeded refunds, never below zero).
release_split split_credits(const std::vector<unreleased_credit>& credits,
                            std::int64_t hold_s);

// What may be paid out: the balance minus what is still pending. Negative
// after refunds of released money (repaid by later pay-ins).
constexpr std::int64_t available_minor(std::int64_t balance_minor,
                                       std::int64_t pending_minor) {
  return balance_minor - pending_minor;
}

}  // namespace pay::domain
