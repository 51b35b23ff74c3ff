#include "actors/payout/seller_onboarding.hpp"

#include "actors/payout/payout_calls.hpp"
#include "domain/payout/account_outcome.hpp"
#include "observability/log.hpp"

namespace pay {

namespace {

using promise = caf::typed_response_promise<connect_reply>;

connect_reply refusal(connect_outcome outcome, std::string message) {
  connect_reply out;
  out.outcome = outcome;
  out.message = std::move(message);
  return out;
}

void link(payout_service_actor::pointer self, const payout_deps& deps,
          const connect_seller& cmd, const std::string& stripe_account,
          bool created, promise rp) {
  self
    ->request(deps.store, deps.store_timeout,
              link_connected_account{cmd.seller_account, stripe_account})
    .then(
      [=](connect_reply reply) mutable {
        if (created && reply.outcome == connect_outcome::linked)
          reply.outcome = connect_outcome::created;
        log::info(cmd.correlation_id, "seller {} connected account {}: {}",
                  cmd.seller_account, stripe_account,
                  static_cast<int>(reply.outcome));
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// Asks the PSP for the account (an existing one to link, or a new one).
void ask_psp(payout_service_actor::pointer self, const payout_deps& deps,
             const connect_seller& cmd, promise rp) {
  bool create = cmd.stripe_account.empty();
  auto call = create
                ? make_create_account_call(cmd)
                : make_get_account_call(cmd.stripe_account, cmd.correlation_id);
  self->request(deps.psp, deps.psp_timeout, std::move(call))
    .then(
      [=](const psp_reply& reply) mutable {
        auto out = domain::classify_account(reply.transport, reply.http_status,
                                            reply.body);
        switch (out.kind) {
          case domain::account_kind::found:
            // A link names the account we asked for; anything else is not it.
            if (!create && out.stripe_account != cmd.stripe_account) {
              rp.deliver(refusal(connect_outcome::psp_unavailable,
                                 "the PSP answered with another account"));
              return;
            }
            link(self, deps, cmd, out.stripe_account, create, rp);
            return;
          case domain::account_kind::missing:
            rp.deliver(refusal(create ? connect_outcome::psp_unavailable
                                      : connect_outcome::no_such_account,
                               "it answered 404"));
            return;
          case domain::account_kind::refused:
            rp.deliver(refusal(create ? connect_outcome::psp_refused
                                      : connect_outcome::no_such_account,
                               out.message));
            return;
          case domain::account_kind::unavailable:
            log::warn(cmd.correlation_id, "seller {} onboarding: {}",
                      cmd.seller_account, out.message);
            rp.deliver(refusal(connect_outcome::psp_unavailable, out.message));
            return;
        }
      },
      [=](caf::error& err) mutable {
        rp.deliver(
          refusal(connect_outcome::psp_unavailable, caf::to_string(err)));
      });
}

}  // namespace

promise onboard_seller(payout_service_actor::pointer self,
                       const payout_deps& deps, const connect_seller& cmd) {
  auto rp = self->make_response_promise<connect_reply>();
  self
    ->request(deps.store, deps.store_timeout,
              get_connected_account{cmd.seller_account})
    .then(
      [=](const connected_account_lookup& found) mutable {
        if (!found.found) {
          ask_psp(self, deps, cmd, rp);
          return;
        }
        connect_reply reply;
        reply.account = found.account;
        bool same = cmd.stripe_account.empty()
                    || cmd.stripe_account == found.account.stripe_account;
        reply.outcome = same ? connect_outcome::already_linked
                             : connect_outcome::conflict;
        if (!same)
          reply.message = "The seller is linked to another connected account.";
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

}  // namespace pay
