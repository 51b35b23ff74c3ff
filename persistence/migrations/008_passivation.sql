-- Passivation: a PENDING order whose next poll of the PSP is far away is
-- kept in the database instead of in a live actor. next_poll_at is when the
-- poll waker brings it back (NULL: resident, or nothing to poll);
-- pending_polls carries its poll backoff across passivations, so a woken
-- order goes on asking as rarely as it did before.
ALTER TABLE payment_order
  ADD COLUMN next_poll_at  timestamptz,
  ADD COLUMN pending_polls integer NOT NULL DEFAULT 0 CHECK (pending_polls >= 0),
  ADD CHECK (next_poll_at IS NULL OR status = 'PENDING');

-- The waker's queue: passivated orders by due time.
CREATE INDEX payment_order_passivated_idx ON payment_order (next_poll_at)
  WHERE next_poll_at IS NOT NULL;
