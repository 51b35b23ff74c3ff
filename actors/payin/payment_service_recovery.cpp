#include "actors/payin/payment_service_state.hpp"
#include "observability/log.hpp"

namespace pay::payment_service_parts {

// At start: every checkout the database says is unfinished gets a live
// actor again, which asks the PSP (same key) before anything else.
void recover(service_self self) {
  auto& st = self->state;
  // Unfinished checkouts are spread over all shards' keys, but any store
  // connection can list them.
  self
    ->request(st.deps.stores.shards.front(), st.deps.store_timeout,
              load_unfinished_checkouts{st.options.recovery_batch_max})
    .then(
      [=](const unfinished_checkouts& found) {
        if (!found.ids.empty())
          log::info("recovery", "resuming {} unfinished checkouts",
                    found.ids.size());
        for (const auto& id : found.ids)
          resume(self, id, "recovery", [](const resume_outcome&) {});
      },
      [=](caf::error& err) {
        log::error("recovery", "cannot list unfinished checkouts: {}",
                   caf::to_string(err));
      });
}

}  // namespace pay::payment_service_parts
