-- Exactly once under failure: persisted retry budget, per-order history,
-- Idempotency-Key records and the dead-letter queue.

ALTER TABLE payment_order
  ADD COLUMN psp_attempts     integer NOT NULL DEFAULT 0 CHECK (psp_attempts >= 0),
  ADD COLUMN first_attempt_at timestamptz,
  ADD COLUMN next_attempt_at  timestamptz,
  -- Once an answer from the PSP was lost the order may have been charged:
  -- it must never be failed blindly after that.
  ADD COLUMN maybe_charged    boolean NOT NULL DEFAULT false;

-- Every decision about an order, in order: transitions and PSP attempts.
CREATE TABLE payment_order_history (
  seq              bigserial PRIMARY KEY,
  payment_order_id text NOT NULL REFERENCES payment_order (payment_order_id),
  at               timestamptz NOT NULL DEFAULT now(),
  from_status      payment_order_status NOT NULL,
  to_status        payment_order_status NOT NULL,
  event            text NOT NULL,
  attempt          integer NOT NULL,
  outcome          text,
  error            text,
  correlation_id   text
);
CREATE INDEX payment_order_history_order_idx
  ON payment_order_history (payment_order_id, seq);

-- Stripe-style Idempotency-Key records. They live as long as the checkout
-- they created: no expiry.
CREATE TABLE idempotency_key (
  key              text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
  request_hash     text NOT NULL CHECK (length(request_hash) = 64),
  checkout_id      text NOT NULL,
  response_status  integer,
  response_body    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  CHECK ((response_status IS NULL) = (response_body IS NULL))
);

CREATE TABLE dead_letter (
  payment_order_id text PRIMARY KEY REFERENCES payment_order (payment_order_id),
  reason           text NOT NULL,
  last_error       text,
  attempts         integer NOT NULL DEFAULT 0,
  status           text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'requeued', 'resolved')),
  resolution       text,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_open_idx ON dead_letter (last_seen_at)
  WHERE status = 'open';

-- The watchdog looks for orders that have not moved for a while.
CREATE INDEX payment_order_stuck_idx ON payment_order (updated_at)
  WHERE status IN ('NOT_STARTED', 'EXECUTING');
