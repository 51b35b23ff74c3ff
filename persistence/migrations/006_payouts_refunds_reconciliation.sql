-- The money cycle after pay-in: fulfilment, settlement and reconciliation
-- against the PSP's daily files, pay-outs to sellers, and refunds.

-- When the PSP said succeeded (settlement day), when the merchant delivered
-- the goods, and which settlement file confirmed the money.
ALTER TABLE payment_order
  ADD COLUMN succeeded_at timestamptz,
  ADD COLUMN fulfilled_at timestamptz,
  ADD COLUMN settled_on   date,
  ADD CHECK (fulfilled_at IS NULL OR status = 'SUCCESS');
UPDATE payment_order SET succeeded_at = updated_at WHERE status = 'SUCCESS';

-- Stamped by the database so no code path that moves an order to SUCCESS
-- can forget it.
CREATE FUNCTION payment_order_stamp_success() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'SUCCESS' AND OLD.status IS DISTINCT FROM 'SUCCESS' THEN
    NEW.succeeded_at := clock_timestamp();
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER payment_order_succeeded_at
  BEFORE UPDATE OF status ON payment_order
  FOR EACH ROW EXECUTE FUNCTION payment_order_stamp_success();

CREATE INDEX payment_order_psp_reference_idx ON payment_order (psp_reference)
  WHERE psp_reference IS NOT NULL;
-- Reconciliation looks for a day's successes no file has confirmed yet.
CREATE INDEX payment_order_unsettled_idx ON payment_order (succeeded_at)
  WHERE status = 'SUCCESS' AND settled_on IS NULL;

-- A credit is released (becomes available to pay out) once; the pay-out
-- scheduler stamps it under the wallet row's lock.
ALTER TABLE wallet_credit ADD COLUMN released_at timestamptz;
CREATE INDEX wallet_credit_unreleased_idx
  ON wallet_credit (seller_account, currency) WHERE released_at IS NULL;

-- Pay-outs: one row per transfer to a seller's bank. The amount is taken
-- from the wallet in the same transaction that inserts the row.
CREATE TYPE payout_status AS ENUM ('CREATED', 'IN_TRANSIT', 'PAID', 'FAILED');

CREATE TABLE payout (
  payout_id        text PRIMARY KEY CHECK (length(payout_id) BETWEEN 1 AND 255),
  seller_account   text NOT NULL CHECK (length(seller_account) BETWEEN 1 AND 255),
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  status           payout_status NOT NULL DEFAULT 'CREATED',
  version          integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  psp_reference    text,
  failure_code     text,
  failure_message  text,
  next_attempt_at  timestamptz,
  settled_on       date,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payout_open_idx ON payout (created_at)
  WHERE status IN ('CREATED', 'IN_TRANSIT');
CREATE INDEX payout_seller_idx ON payout (seller_account, currency);
CREATE UNIQUE INDEX payout_psp_reference_idx ON payout (psp_reference)
  WHERE psp_reference IS NOT NULL;

CREATE TABLE payout_history (
  seq              bigserial PRIMARY KEY,
  payout_id        text NOT NULL REFERENCES payout (payout_id),
  at               timestamptz NOT NULL DEFAULT now(),
  from_status      payout_status,
  to_status        payout_status NOT NULL,
  event            text NOT NULL,
  attempt          integer NOT NULL DEFAULT 0,
  outcome          text,
  error            text,
  correlation_id   text
);
CREATE INDEX payout_history_payout_idx ON payout_history (payout_id, seq);

-- Refunds: several partial refunds per order, never more than it captured.
CREATE TYPE refund_status AS ENUM ('CREATED', 'SUCCEEDED', 'FAILED');

CREATE TABLE refund (
  refund_id        text PRIMARY KEY CHECK (length(refund_id) BETWEEN 1 AND 255),
  payment_order_id text NOT NULL REFERENCES payment_order (payment_order_id),
  seller_account   text NOT NULL,
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  status           refund_status NOT NULL DEFAULT 'CREATED',
  version          integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  psp_reference    text,
  failure_code     text,
  failure_message  text,
  next_attempt_at  timestamptz,
  idempotency_key  text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash     text NOT NULL CHECK (length(request_hash) = 64),
  settled_on       date,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refund_order_idx ON refund (payment_order_id);
CREATE INDEX refund_open_idx ON refund (created_at) WHERE status = 'CREATED';
CREATE UNIQUE INDEX refund_psp_reference_idx ON refund (psp_reference)
  WHERE psp_reference IS NOT NULL;

CREATE TABLE refund_history (
  seq              bigserial PRIMARY KEY,
  refund_id        text NOT NULL REFERENCES refund (refund_id),
  at               timestamptz NOT NULL DEFAULT now(),
  from_status      refund_status,
  to_status        refund_status NOT NULL,
  event            text NOT NULL,
  attempt          integer NOT NULL DEFAULT 0,
  outcome          text,
  error            text,
  correlation_id   text
);
CREATE INDEX refund_history_refund_idx ON refund_history (refund_id, seq);

-- Reconciliation: every line of every day's file as we classified it, one
-- row per run with its report, and the exceptions for finance.
CREATE TABLE settlement_line (
  settled_date     date NOT NULL,
  line_no          integer NOT NULL CHECK (line_no > 0),
  psp_reference    text NOT NULL,
  idempotency_key  text NOT NULL,
  type             text NOT NULL CHECK (type IN ('charge', 'refund', 'payout', 'fee')),
  gross_minor      bigint NOT NULL,
  fee_minor        bigint NOT NULL,
  net_minor        bigint NOT NULL,
  currency         char(3) NOT NULL,
  outcome          text NOT NULL,   -- 'matched' or a discrepancy kind
  our_id           text,
  PRIMARY KEY (settled_date, line_no)
);
CREATE INDEX settlement_line_reference_idx ON settlement_line (psp_reference);

CREATE TABLE reconciliation_run (
  run_id           bigserial PRIMARY KEY,
  settled_date     date NOT NULL,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  status           text NOT NULL CHECK (status IN ('completed', 'failed')),
  file_sha256      text,
  lines            integer NOT NULL DEFAULT 0,
  new_exceptions   integer NOT NULL DEFAULT 0,
  new_ledger_transactions integer NOT NULL DEFAULT 0,
  report           jsonb NOT NULL,
  error            text
);
CREATE INDEX reconciliation_run_date_idx ON reconciliation_run (settled_date, run_id);

CREATE TABLE reconciliation_exception (
  exception_id     bigserial PRIMARY KEY,
  settled_date     date NOT NULL,
  key              text NOT NULL,   -- stable per discrepancy: re-runs add nothing
  kind             text NOT NULL,
  route            text NOT NULL CHECK (route IN ('auto_corrected', 'queued', 'escalated')),
  psp_reference    text,
  our_id           text,
  ours             jsonb NOT NULL,
  theirs           jsonb NOT NULL,
  message          text NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution       text,
  first_run_id     bigint NOT NULL REFERENCES reconciliation_run (run_id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  UNIQUE (settled_date, key),
  CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);
CREATE INDEX reconciliation_exception_open_idx ON reconciliation_exception (created_at)
  WHERE status = 'open';
