-- Operators: finding orders that stopped moving, page by page. The keyset
-- (updated_at, payment_order_id) replaces the watchdog's index on
-- updated_at alone, so the write path keeps one index, not two. Only
-- unfinished orders are indexed; a listing of final orders is a scan, which
-- an operator can afford and the write path cannot.
DROP INDEX payment_order_stuck_idx;
CREATE INDEX payment_order_unfinished_age_idx
  ON payment_order (updated_at, payment_order_id)
  WHERE status IN ('NOT_STARTED', 'EXECUTING');
