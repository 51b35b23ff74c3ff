-- Sellers as Stripe Connect connected accounts: money reaches a seller by a
-- transfer from the platform to the seller's account, then a pay-out on that
-- account (docs/stripe.md, "Connect").

-- One connected account per seller, created through the API or linked to an
-- existing acct_... id. A seller without one gets no pay-out: Stripe only
-- pays the platform's own bank account directly.
CREATE TABLE connected_account (
  seller_account  text PRIMARY KEY CHECK (length(seller_account) BETWEEN 1 AND 255),
  stripe_account  text NOT NULL UNIQUE
                  CHECK (stripe_account ~ '^acct_[A-Za-z0-9_]{1,250}$'),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- TRANSFERRED: the transfer to the seller's account exists (tr_... stored),
-- the pay-out on that account does not yet. REVERSING: the pay-out was
-- refused or failed, so the transfer is being reversed before the money goes
-- back to the seller's wallet (otherwise the next release would send it a
-- second time). Not used in this transaction (an enum value added in one
-- cannot be), so the open-payouts index names the final states instead.
ALTER TYPE payout_status ADD VALUE IF NOT EXISTS 'TRANSFERRED' AFTER 'CREATED';
ALTER TYPE payout_status ADD VALUE IF NOT EXISTS 'REVERSING' AFTER 'IN_TRANSIT';

-- stripe_account: the destination, fixed when the pay-out is created (NULL
-- only for pay-outs made before this migration, which never ran against a
-- real account). transfer_reference: the tr_... of the transfer.
ALTER TABLE payout ADD COLUMN stripe_account text;
ALTER TABLE payout ADD COLUMN transfer_reference text;
CREATE UNIQUE INDEX payout_transfer_reference_idx ON payout (transfer_reference)
  WHERE transfer_reference IS NOT NULL;

DROP INDEX payout_open_idx;
CREATE INDEX payout_open_idx ON payout (created_at)
  WHERE status NOT IN ('PAID', 'FAILED');
