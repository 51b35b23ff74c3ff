-- Pay-in spine: checkouts, payment orders, wallets and the double-entry ledger.
-- The database guards the invariants too; the application is not trusted alone.

CREATE TYPE payment_order_status AS ENUM
  ('NOT_STARTED', 'EXECUTING', 'SUCCESS', 'FAILED');

CREATE TABLE payment_event (
  checkout_id      text PRIMARY KEY
                   CHECK (length(checkout_id) BETWEEN 1 AND 255),
  buyer_info       jsonb NOT NULL,
  psp_token        text NOT NULL CHECK (length(psp_token) BETWEEN 1 AND 255),
  request_hash     text NOT NULL CHECK (length(request_hash) = 64),
  is_payment_done  boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Recovery looks for checkouts not yet marked done.
CREATE INDEX payment_event_not_done_idx ON payment_event (checkout_id)
  WHERE NOT is_payment_done;

CREATE TABLE payment_order (
  payment_order_id text PRIMARY KEY
                   CHECK (length(payment_order_id) BETWEEN 1 AND 255),
  checkout_id      text NOT NULL REFERENCES payment_event (checkout_id),
  line_no          smallint NOT NULL CHECK (line_no >= 0), -- order in the request
  seller_account   text NOT NULL
                   CHECK (length(seller_account) BETWEEN 1 AND 255),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status           payment_order_status NOT NULL DEFAULT 'NOT_STARTED',
  version          integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  psp_reference    text,
  failure_code     text,
  failure_message  text,
  wallet_updated   boolean NOT NULL DEFAULT false,
  ledger_updated   boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- Bookkeeping happens only after the money was taken.
  CHECK (NOT wallet_updated OR status = 'SUCCESS'),
  CHECK (NOT ledger_updated OR status = 'SUCCESS')
);
CREATE INDEX payment_order_checkout_idx ON payment_order (checkout_id);
CREATE INDEX payment_order_unfinished_idx ON payment_order (checkout_id)
  WHERE status IN ('NOT_STARTED', 'EXECUTING')
     OR (status = 'SUCCESS' AND NOT (wallet_updated AND ledger_updated));

CREATE TABLE wallet (
  seller_account   text NOT NULL,
  currency         char(3) NOT NULL,
  balance_minor    bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (seller_account, currency)
);

-- One row per credited order: the primary key makes a second credit of the
-- same order impossible, whatever the application does.
CREATE TABLE wallet_credit (
  payment_order_id text PRIMARY KEY REFERENCES payment_order (payment_order_id),
  seller_account   text NOT NULL,
  currency         char(3) NOT NULL,
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_transaction (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,         -- 'payin', later 'settlement', ...
  reference        text NOT NULL,         -- e.g. the payment_order_id
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, reference)
);

CREATE TABLE ledger_entry (
  id               bigserial PRIMARY KEY,
  transaction_id   bigint NOT NULL REFERENCES ledger_transaction (id),
  account          text NOT NULL,
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount_minor     bigint NOT NULL CHECK (amount_minor <> 0) -- debit > 0
);
CREATE INDEX ledger_entry_account_idx ON ledger_entry (account, currency);
CREATE INDEX ledger_entry_transaction_idx ON ledger_entry (transaction_id);

-- Append-only: history is corrected by new transactions, never rewritten.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'raise_exception';
END $$;

CREATE TRIGGER ledger_transaction_append_only
  BEFORE UPDATE OR DELETE ON ledger_transaction
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_append_only
  BEFORE UPDATE OR DELETE ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_no_truncate
  BEFORE TRUNCATE ON ledger_transaction
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_no_truncate
  BEFORE TRUNCATE ON ledger_entry
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Checked at commit, once all of a transaction's entries are in.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  unbalanced text;
BEGIN
  SELECT currency INTO unbalanced
    FROM ledger_entry
   WHERE transaction_id = NEW.transaction_id
   GROUP BY currency
  HAVING sum(amount_minor) <> 0
   LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %',
      NEW.transaction_id, unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced
  AFTER INSERT ON ledger_entry
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
