-- Authorize now, capture on fulfilment; the card's checks and the PSP's risk
-- score with each order; one buyer key for every risk rule.

-- What the checkout asked for: capture at once, or when each order is
-- fulfilled.
ALTER TABLE payment_event
  ADD COLUMN capture_method text NOT NULL DEFAULT 'immediate'
    CHECK (capture_method IN ('immediate', 'on_fulfillment'));

-- authorized_minor: what the PSP holds for an order captured on fulfilment;
-- amount_minor becomes what was captured when a fulfilment takes less (the
-- rest is released), so every booking, refund and settlement reads the
-- money actually charged. card_assessment: the checks, the risk level and
-- score, and what the card rules decided (domain/risk/card_rules.hpp).
-- authorization_expires_at: when an uncaptured authorization is voided by
-- us, before the PSP lets it lapse.
ALTER TABLE payment_order
  ADD COLUMN authorized_minor bigint CHECK (authorized_minor > 0),
  ADD COLUMN card_assessment jsonb,
  ADD COLUMN authorization_expires_at timestamptz,
  ADD CHECK (authorized_minor IS NULL OR amount_minor <= authorized_minor);

-- An authorized order waiting for its fulfilment (or its review) is not in
-- memory: the poll waker brings it back when its authorization is due to be
-- voided, the same way it wakes a passivated PENDING order.
DO $$
DECLARE
  name text;
BEGIN
  SELECT conname INTO name FROM pg_constraint
   WHERE conrelid = 'payment_order'::regclass
     AND pg_get_constraintdef(oid) LIKE '%next_poll_at IS NULL%';
  EXECUTE format('ALTER TABLE payment_order DROP CONSTRAINT %I', name);
END $$;
ALTER TABLE payment_order
  ADD CONSTRAINT payment_order_next_poll_check
  CHECK (next_poll_at IS NULL OR status IN ('PENDING', 'AUTHORIZED', 'REVIEW'));

-- Recovery and the watchdog also finish a persisted capture or void.
DROP INDEX payment_order_unfinished_idx;
CREATE INDEX payment_order_unfinished_idx ON payment_order (checkout_id)
  WHERE status IN ('NOT_STARTED', 'EXECUTING', 'PENDING', 'AUTHORIZED',
                   'CAPTURING', 'VOIDING')
     OR (status = 'SUCCESS' AND NOT (wallet_updated AND ledger_updated));
DROP INDEX payment_order_unfinished_age_idx;
CREATE INDEX payment_order_unfinished_age_idx
  ON payment_order (updated_at, payment_order_id)
  WHERE status IN ('NOT_STARTED', 'EXECUTING', 'CAPTURING', 'VOIDING');

-- The buyer key the velocity rule counts on is spelled as every other rule
-- reads the buyer (domain/risk/risk_facts.cpp): a string account_id trimmed
-- of ASCII whitespace, else the e-mail trimmed and lowercased. "bob",
-- "bob " and " bob" are one buyer.
CREATE FUNCTION pay_trim_ascii(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT nullif(btrim(value, E' \t\n\r\f\v'), '')
$$;
DROP INDEX payment_event_buyer_idx;
ALTER TABLE payment_event DROP COLUMN buyer_key;
ALTER TABLE payment_event
  ADD COLUMN buyer_key text GENERATED ALWAYS AS (coalesce(
    CASE WHEN jsonb_typeof(buyer_info -> 'account_id') = 'string'
         THEN pay_trim_ascii(buyer_info ->> 'account_id') END,
    CASE WHEN jsonb_typeof(buyer_info -> 'email') = 'string'
         THEN lower(pay_trim_ascii(buyer_info ->> 'email')) END)) STORED;
CREATE INDEX payment_event_buyer_idx ON payment_event (buyer_key, created_at)
  WHERE buyer_key IS NOT NULL;

-- A dead node's authorized orders (waiting for their fulfilment, their
-- review, or a capture or void decided) are taken over like its other
-- unfinished work: 012's function with those states added.
CREATE OR REPLACE FUNCTION pay_take_over(p_node text, p_epoch bigint, p_limit integer,
                              p_unowned boolean)
RETURNS TABLE (kind text, id text) LANGUAGE plpgsql AS $$
DECLARE
  d record;
  moved integer := 0;
  n integer;
BEGIN
  IF p_unowned THEN
    RETURN QUERY
    UPDATE payment_event e SET owner_node = p_node, owner_epoch = p_epoch
     WHERE e.owner_node IS NULL AND e.checkout_id IN (
       SELECT o.checkout_id FROM payment_order o
        WHERE o.status IN ('NOT_STARTED', 'EXECUTING', 'PENDING',
                           'AUTHORIZED', 'CAPTURING', 'VOIDING')
           OR (o.status = 'REVIEW' AND o.authorized_minor IS NOT NULL)
           OR (o.status = 'SUCCESS'
               AND NOT (o.wallet_updated AND o.ledger_updated)))
    RETURNING 'checkout'::text, e.checkout_id;
    RETURN QUERY
    UPDATE refund r SET owner_node = p_node, owner_epoch = p_epoch
     WHERE r.owner_node IS NULL AND r.status NOT IN ('SUCCEEDED', 'FAILED')
    RETURNING 'refund'::text, r.refund_id;
    RETURN QUERY
    UPDATE payout p SET owner_node = p_node, owner_epoch = p_epoch
     WHERE p.owner_node IS NULL AND p.status NOT IN ('PAID', 'FAILED')
    RETURNING 'payout'::text, p.payout_id;
  END IF;
  FOR d IN SELECT c.node_id, c.epoch FROM cluster_node c
            WHERE c.released_at IS NULL
              AND NOT (c.node_id = p_node AND c.epoch = p_epoch)
              AND (c.lease_expires_at <= clock_timestamp()
                   OR EXISTS (SELECT 1 FROM cluster_node later
                               WHERE later.node_id = c.node_id
                                 AND later.epoch > c.epoch))
            ORDER BY c.node_id, c.epoch
            FOR SHARE OF c
  LOOP
    PERFORM pg_advisory_lock(pay_incarnation_lock_key(d.node_id, d.epoch));
    PERFORM pg_advisory_unlock(pay_incarnation_lock_key(d.node_id, d.epoch));

    RETURN QUERY
    UPDATE payment_event e SET owner_node = p_node, owner_epoch = p_epoch
     WHERE e.checkout_id IN (
       SELECT x.checkout_id FROM payment_event x
        WHERE x.owner_node = d.node_id AND x.owner_epoch = d.epoch
          AND (x.checkout_id IN (
                 SELECT o.checkout_id FROM payment_order o
                  WHERE o.status IN ('NOT_STARTED', 'EXECUTING', 'PENDING',
                                      'AUTHORIZED', 'CAPTURING', 'VOIDING')
                     OR (o.status = 'REVIEW' AND o.authorized_minor IS NOT NULL)
                     OR (o.status = 'SUCCESS'
                         AND NOT (o.wallet_updated AND o.ledger_updated)))
               OR NOT x.is_payment_done
                  AND NOT EXISTS (SELECT 1 FROM payment_order o
                                   WHERE o.checkout_id = x.checkout_id
                                     AND o.status <> 'SUCCESS'))
        LIMIT p_limit - moved FOR UPDATE SKIP LOCKED)
    RETURNING 'checkout'::text, e.checkout_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved + n;

    RETURN QUERY
    UPDATE refund r SET owner_node = p_node, owner_epoch = p_epoch
     WHERE r.refund_id IN (
       SELECT x.refund_id FROM refund x
        WHERE x.owner_node = d.node_id AND x.owner_epoch = d.epoch
          AND x.status NOT IN ('SUCCEEDED', 'FAILED')
        LIMIT greatest(p_limit - moved, 0) FOR UPDATE SKIP LOCKED)
    RETURNING 'refund'::text, r.refund_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved + n;

    RETURN QUERY
    UPDATE payout p SET owner_node = p_node, owner_epoch = p_epoch
     WHERE p.payout_id IN (
       SELECT x.payout_id FROM payout x
        WHERE x.owner_node = d.node_id AND x.owner_epoch = d.epoch
          AND x.status NOT IN ('PAID', 'FAILED')
        LIMIT greatest(p_limit - moved, 0) FOR UPDATE SKIP LOCKED)
    RETURNING 'payout'::text, p.payout_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    moved := moved + n;

    EXIT WHEN moved >= p_limit;
    -- Rows another survivor holds right now still name d: released later.
    IF NOT EXISTS (SELECT 1 FROM payment_event x
                    WHERE x.owner_node = d.node_id AND x.owner_epoch = d.epoch
                      AND x.checkout_id IN (
                        SELECT o.checkout_id FROM payment_order o
                         WHERE o.status IN ('NOT_STARTED', 'EXECUTING',
                                            'PENDING', 'AUTHORIZED',
                                            'CAPTURING', 'VOIDING')
                            OR (o.status = 'REVIEW'
                                AND o.authorized_minor IS NOT NULL)))
       AND NOT EXISTS (SELECT 1 FROM refund x
                        WHERE x.owner_node = d.node_id
                          AND x.owner_epoch = d.epoch
                          AND x.status NOT IN ('SUCCEEDED', 'FAILED'))
       AND NOT EXISTS (SELECT 1 FROM payout x
                        WHERE x.owner_node = d.node_id
                          AND x.owner_epoch = d.epoch
                          AND x.status NOT IN ('PAID', 'FAILED')) THEN
      UPDATE cluster_node SET released_at = clock_timestamp()
       WHERE node_id = d.node_id AND epoch = d.epoch;
    END IF;
  END LOOP;
  IF moved > 0 THEN
    UPDATE cluster_node SET taken_over = taken_over + moved,
                            last_takeover_at = clock_timestamp()
     WHERE node_id = p_node AND epoch = p_epoch;
  END IF;
END $$;
