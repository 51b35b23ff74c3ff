-- Pending payments, the hosted payment page, webhooks and risk decisions.

-- Recovery resumes PENDING orders too (their actor polls the PSP).
DROP INDEX payment_order_unfinished_idx;
CREATE INDEX payment_order_unfinished_idx ON payment_order (checkout_id)
  WHERE status IN ('NOT_STARTED', 'EXECUTING', 'PENDING')
     OR (status = 'SUCCESS' AND NOT (wallet_updated AND ledger_updated));

-- The hosted page: the buyer pays on the PSP's page, never on ours.
-- A hosted checkout has a return URL and no card token.
ALTER TABLE payment_event
  ALTER COLUMN psp_token DROP NOT NULL,
  ADD COLUMN return_url text CHECK (length(return_url) BETWEEN 1 AND 2048),
  ADD CHECK ((psp_token IS NULL) <> (return_url IS NULL));
ALTER TABLE payment_order
  ADD COLUMN psp_session_id text,    -- the PSP's registration (token)
  ADD COLUMN redirect_url   text;    -- where the buyer pays

-- Our risk check, once per checkout, before any PSP call.
ALTER TABLE payment_event
  ADD COLUMN risk_verdict  text CHECK (risk_verdict IN ('allow', 'review', 'block')),
  ADD COLUMN risk_rules    jsonb,
  ADD COLUMN review_status text CHECK (review_status IN ('open', 'approved', 'rejected')),
  ADD COLUMN review_reason text,
  ADD COLUMN reviewed_at   timestamptz,
  -- Who the buyer is, for velocity: the account, else the e-mail address.
  ADD COLUMN buyer_key text GENERATED ALWAYS AS
    (coalesce(buyer_info ->> 'account_id', lower(buyer_info ->> 'email'))) STORED;
CREATE INDEX payment_event_buyer_idx ON payment_event (buyer_key, created_at)
  WHERE buyer_key IS NOT NULL;
CREATE INDEX payment_event_review_idx ON payment_event (created_at)
  WHERE review_status = 'open';

-- Every webhook event applied, by the PSP's event id: a duplicate (or a
-- redelivery after our restart) is answered 2xx and changes nothing.
CREATE TABLE webhook_event (
  event_id          text PRIMARY KEY,
  type              text NOT NULL,
  payment_order_id  text,
  received_at       timestamptz NOT NULL DEFAULT now()
);
