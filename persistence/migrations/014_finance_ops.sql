-- Finance operations (docs/reconciliation.md, docs/refunds.md,
-- docs/payouts.md): an exception's money moved out of settlement_suspense
-- when finance resolves it, exception keys that name what a line is about,
-- the refunds' and pay-outs' dead-letter queues with their retry budgets,
-- and the indexes behind the admin listings' cursors. Nothing here depends
-- on 013.

-- --- reconciliation exceptions ---------------------------------------------

-- policy_case: the row of the policy (domain/reconcile/reconcile_policy)
-- that produced the exception; status_mismatch has three.
-- suspense_minor: what its line posts to settlement_suspense now (signed:
-- a charge line's gross is a credit, negative), kept by every run while the
-- exception is open; 0 when it put nothing there. correction_*: the
-- suspense_correction ledger transaction its resolution booked, the target
-- account and the target's posting (NULL: none booked).
ALTER TABLE reconciliation_exception
  ADD COLUMN policy_case text,
  ADD COLUMN suspense_minor bigint NOT NULL DEFAULT 0,
  ADD COLUMN suspense_currency char(3),
  ADD COLUMN correction_transaction_id bigint
    REFERENCES ledger_transaction (id),
  ADD COLUMN correction_account text,
  ADD COLUMN correction_minor bigint,
  ADD CHECK ((correction_transaction_id IS NULL)
             = (correction_account IS NULL)),
  ADD CHECK ((correction_transaction_id IS NULL)
             = (correction_minor IS NULL));

UPDATE reconciliation_exception SET policy_case = CASE
  WHEN kind <> 'status_mismatch' THEN kind
  WHEN route = 'auto_corrected' THEN 'status_mismatch_order_unfinished'
  WHEN route = 'escalated' THEN 'status_mismatch_order_failed'
  ELSE 'status_mismatch_refund_or_payout' END;
ALTER TABLE reconciliation_exception ALTER COLUMN policy_case SET NOT NULL;

-- What each earlier exception's line posts to suspense now: -(net + fee)
-- for a charge, refund or fee line the latest run of its day still held
-- there (docs/reconciliation.md, "Money"); pay-out lines and auto-corrected
-- ones booked the receivable. Resolutions made before this migration moved
-- no money: their suspense is kept here, and resolving them again books it
-- once (docs/reconciliation.md, "Resolving an exception").
UPDATE reconciliation_exception e
   SET suspense_minor = -(l.net_minor + l.fee_minor),
       suspense_currency = l.currency
  FROM settlement_line l
 WHERE l.settled_date = e.settled_date
   AND l.line_no = (e.theirs ->> 'line_no')::integer
   AND l.psp_reference = coalesce(e.psp_reference, '')
   AND l.outcome = e.kind
   AND e.route <> 'auto_corrected'
   AND e.kind NOT IN ('missing_charge', 'totals_mismatch', 'fee_mismatch')
   AND l.type <> 'payout';

-- Keys by what a line is about, not where it is: "<kind>:<type>:<reference>"
-- and "#<n>" for the n-th line (n >= 2) of that type and reference in the
-- day; "missing_charge:order:<id>", "totals_mismatch:currency:<CUR>". The
-- old ones ended in the line number, so a file read again in another order
-- reported one discrepancy twice: the later copies keep the new key with
-- "~<id>" (which no run produces again) and nothing in suspense, so the
-- money is corrected once. An exception whose line is gone from its day
-- keeps its old key.
WITH lines AS (
  SELECT settled_date, line_no, type, psp_reference,
         row_number() OVER (PARTITION BY settled_date, type, psp_reference
                            ORDER BY line_no) AS occurrence
    FROM settlement_line),
rekeyed AS (
  SELECT e.exception_id, e.settled_date,
         CASE
           WHEN e.kind = 'missing_charge'
             THEN 'missing_charge:order:' || coalesce(e.our_id, '')
           WHEN e.kind = 'totals_mismatch'
             THEN 'totals_mismatch:currency:' || coalesce(e.psp_reference, '')
           WHEN l.type IS NOT NULL
             THEN e.kind || ':' || l.type || ':' || l.psp_reference
                  || CASE WHEN l.occurrence > 1 THEN '#' || l.occurrence
                          ELSE '' END
           ELSE e.key
         END AS new_key
    FROM reconciliation_exception e
    LEFT JOIN lines l
      ON l.settled_date = e.settled_date
     AND l.line_no = (e.theirs ->> 'line_no')::integer
     AND l.psp_reference = coalesce(e.psp_reference, '')),
ranked AS (
  SELECT exception_id, new_key,
         row_number() OVER (PARTITION BY settled_date, new_key
                            ORDER BY exception_id) AS nth
    FROM rekeyed)
UPDATE reconciliation_exception e
   SET key = CASE WHEN r.nth = 1 THEN r.new_key
                  ELSE r.new_key || '~' || e.exception_id END,
       suspense_minor = CASE WHEN r.nth = 1 THEN e.suspense_minor ELSE 0 END
  FROM ranked r
 WHERE r.exception_id = e.exception_id;

-- The follow-up of exceptions whose order was still waiting on the PSP
-- (the reconciler finishes them once the order is final).
CREATE INDEX reconciliation_exception_follow_up_idx
  ON reconciliation_exception (exception_id)
  WHERE status = 'open' AND policy_case = 'status_mismatch_order_unfinished';

-- The listings' cursors: runs newest first, exceptions oldest first.
CREATE INDEX reconciliation_run_started_idx
  ON reconciliation_run (started_at, run_id);
CREATE INDEX reconciliation_exception_created_idx
  ON reconciliation_exception (created_at, exception_id);

-- --- refunds: retry budget and dead letters ---------------------------------

-- first_attempt_at: the first undecided PSP call of the retry budget (a
-- requeue starts it over with attempts). maybe_refunded: a call may have
-- refunded at the PSP without our hearing it; never cleared.
ALTER TABLE refund
  ADD COLUMN first_attempt_at timestamptz,
  ADD COLUMN maybe_refunded boolean NOT NULL DEFAULT false;
-- What an unfinished refund's earlier attempts were is not known: it may
-- have refunded, so a resolve asks the PSP first.
UPDATE refund SET maybe_refunded = true
 WHERE status NOT IN ('SUCCEEDED', 'FAILED') AND attempts > 0;

-- One row per refund ever dead-lettered; a refund parked again reopens it.
-- An open one means no actor drives the refund (recovery skips it).
CREATE TABLE refund_dead_letter (
  refund_id      text PRIMARY KEY REFERENCES refund (refund_id),
  reason         text NOT NULL,
  last_error     text,
  attempts       integer NOT NULL DEFAULT 0,
  status         text NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'requeued', 'resolved')),
  resolution     text,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);
CREATE INDEX refund_dead_letter_seen_idx
  ON refund_dead_letter (last_seen_at, refund_id);
CREATE INDEX refund_created_idx ON refund (created_at, refund_id);

-- --- pay-outs: retry budget per step and dead letters -----------------------

-- step_attempts, first_attempt_at: the budget of the current step, started
-- over when the pay-out moves and by a requeue (attempts stays the total).
-- maybe_paid_out: a call that moves money (transfer, pay-out, reversal) may
-- have been carried out without our hearing it; never cleared.
ALTER TABLE payout
  ADD COLUMN step_attempts integer NOT NULL DEFAULT 0
    CHECK (step_attempts >= 0),
  ADD COLUMN first_attempt_at timestamptz,
  ADD COLUMN maybe_paid_out boolean NOT NULL DEFAULT false;
-- As for refunds: earlier attempts of an unfinished pay-out may have moved
-- money.
UPDATE payout SET maybe_paid_out = true
 WHERE status NOT IN ('PAID', 'FAILED') AND attempts > 0;

CREATE TABLE payout_dead_letter (
  payout_id      text PRIMARY KEY REFERENCES payout (payout_id),
  reason         text NOT NULL,
  last_error     text,
  attempts       integer NOT NULL DEFAULT 0,
  status         text NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'requeued', 'resolved')),
  resolution     text,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'resolved') = (resolution IS NOT NULL))
);
CREATE INDEX payout_dead_letter_seen_idx
  ON payout_dead_letter (last_seen_at, payout_id);
CREATE INDEX payout_created_idx ON payout (created_at, payout_id);

-- Written by nodes: fenced like every such table (migration 012).
DO $$
BEGIN
  PERFORM pay_fence_table('refund_dead_letter');
  PERFORM pay_fence_table('payout_dead_letter');
END $$;
