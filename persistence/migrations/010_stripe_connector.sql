-- What the Stripe connector needs of the schema.

-- A refund the PSP accepted but has not decided yet (Stripe answers
-- "pending"): its re_... id is stored and from then on it is only read back,
-- never created again. The new value is not used in this transaction (an
-- enum value added in a transaction cannot be), so the open-refunds index
-- names the final states instead.
ALTER TYPE refund_status ADD VALUE IF NOT EXISTS 'PENDING' AFTER 'CREATED';

DROP INDEX refund_open_idx;
CREATE INDEX refund_open_idx ON refund (created_at)
  WHERE status NOT IN ('SUCCEEDED', 'FAILED');

-- A card-token checkout may now carry a return_url too: where the PSP sends
-- the buyer back after 3-D Secure. A hosted checkout still has no token.
ALTER TABLE payment_event DROP CONSTRAINT payment_event_check;
ALTER TABLE payment_event ADD CONSTRAINT payment_event_pays_somehow
  CHECK (psp_token IS NOT NULL OR return_url IS NOT NULL);
