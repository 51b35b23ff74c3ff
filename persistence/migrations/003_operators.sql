-- Operators: finding orders that stopped moving. Only unfinished orders are
-- indexed (the watchdog's scan and the admin listing of stuck orders); a
-- listing of final orders is a scan, which an operator can afford and the
-- write path cannot.
CREATE INDEX payment_order_unfinished_age_idx
  ON payment_order (updated_at, payment_order_id)
  WHERE status IN ('NOT_STARTED', 'EXECUTING');
