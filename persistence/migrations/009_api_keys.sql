-- API keys (Stripe's model): a key belongs to an account and has a role.
-- Only the SHA-256 of the key is stored; `prefix` ("sk_test_AbCd") is what
-- listings show. Revoked keys stay, for the audit trail.
CREATE TABLE api_key (
  key_id        text PRIMARY KEY,
  account_id    text NOT NULL CHECK (account_id ~ '^acct_[0-9A-Za-z]{16}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role          text NOT NULL CHECK (role IN ('merchant', 'readonly', 'admin')),
  mode          text NOT NULL CHECK (mode IN ('test', 'live')),
  prefix        text NOT NULL,
  secret_hash   bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  -- paymentd reloads keys changed since its last look.
  changed_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX api_key_changed_idx ON api_key (changed_at);

-- Ids a merchant chooses are stored as "<account>:<id>" (22 more
-- characters): the API still takes 1 to 255, the columns take the prefix.
ALTER TABLE payment_event DROP CONSTRAINT payment_event_checkout_id_check,
  ADD CONSTRAINT payment_event_checkout_id_check
    CHECK (length(checkout_id) BETWEEN 1 AND 300);
ALTER TABLE payment_order
  DROP CONSTRAINT payment_order_payment_order_id_check,
  ADD CONSTRAINT payment_order_payment_order_id_check
    CHECK (length(payment_order_id) BETWEEN 1 AND 300),
  DROP CONSTRAINT payment_order_seller_account_check,
  ADD CONSTRAINT payment_order_seller_account_check
    CHECK (length(seller_account) BETWEEN 1 AND 300);
ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_key_check,
  ADD CONSTRAINT idempotency_key_key_check
    CHECK (length(key) BETWEEN 1 AND 300);
ALTER TABLE payout DROP CONSTRAINT payout_seller_account_check,
  ADD CONSTRAINT payout_seller_account_check
    CHECK (length(seller_account) BETWEEN 1 AND 300);
ALTER TABLE refund DROP CONSTRAINT refund_idempotency_key_check,
  ADD CONSTRAINT refund_idempotency_key_check
    CHECK (length(idempotency_key) BETWEEN 1 AND 300);
