-- Several paymentd nodes on one database (docs/operations.md, "Cluster").
--
-- A node joins as a new incarnation (node_id, epoch) with a lease it renews
-- on a timer. Every connection of a clustered node names its incarnation in
-- two settings, pay.node_id and pay.node_epoch (libpq `options`), and the
-- database refuses every write of a connection whose incarnation no longer
-- holds its lease: a node paused past its lease cannot move an order, credit
-- a wallet or post to the ledger when it wakes up. A connection that names
-- no node (single-node paymentd, migrations, `paymentd keys`, psql) is not
-- fenced: without a cluster there is nobody to fence against.
--
-- Checkouts, refunds and pay-outs record the incarnation that owns them
-- (the writer's, by default); survivors take over the unfinished ones of
-- an incarnation whose lease expired (pay_take_over).

-- One row per incarnation: a restart of the same node id is a new epoch,
-- and the old one is dead from that moment. released_at: every unfinished
-- checkout, refund and pay-out it owned has been taken over.
CREATE TABLE cluster_node (
  node_id           text NOT NULL CHECK (node_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
  epoch             bigint NOT NULL CHECK (epoch > 0),
  address           text NOT NULL,
  joined_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  heartbeat_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_expires_at  timestamptz NOT NULL,
  released_at       timestamptz,
  taken_over        bigint NOT NULL DEFAULT 0,  -- work this one took from others
  last_takeover_at  timestamptz,
  PRIMARY KEY (node_id, epoch)
);
CREATE INDEX cluster_node_unreleased_idx ON cluster_node (node_id, epoch)
  WHERE released_at IS NULL;

-- Background work that must run once across the cluster (pay-out runs,
-- the daily reconciliation): held by one live incarnation until it dies.
CREATE TABLE cluster_job (
  job         text PRIMARY KEY,
  node_id     text NOT NULL,
  epoch       bigint NOT NULL,
  held_since  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The incarnation this connection writes for, or NULL when it names none.
CREATE FUNCTION pay_writer_node() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('pay.node_id', true), '') $$;
CREATE FUNCTION pay_writer_epoch() RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('pay.node_epoch', true), '')::bigint $$;

-- The advisory lock every write of an incarnation holds (shared) until its
-- transaction ends. Taking it exclusively waits until the writes that passed
-- the fence have committed or rolled back.
CREATE FUNCTION pay_incarnation_lock_key(p_node text, p_epoch bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT hashtextextended('pay.incarnation:' || p_node || ':' || p_epoch, 0) $$;

CREATE FUNCTION pay_lease_current(p_node text, p_epoch bigint)
RETURNS boolean LANGUAGE sql VOLATILE AS
$$ SELECT EXISTS (SELECT 1 FROM cluster_node
                   WHERE node_id = p_node AND epoch = p_epoch
                     AND released_at IS NULL
                     AND lease_expires_at > clock_timestamp()) $$;

-- Statement-level: one check per statement, whatever its row count.
-- clock_timestamp(), not now(): a transaction that began before the lease
-- ran out must not pass on its start time after a pause.
CREATE FUNCTION pay_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  node  text := pay_writer_node();
  epoch bigint;
BEGIN
  IF node IS NULL THEN
    RETURN NULL;
  END IF;
  epoch := pay_writer_epoch();
  PERFORM pg_advisory_xact_lock_shared(pay_incarnation_lock_key(node, epoch));
  IF NOT pay_lease_current(node, epoch) THEN
    RAISE EXCEPTION 'pay_fenced: node % epoch % no longer holds its lease',
      node, epoch USING ERRCODE = 'PF001';
  END IF;
  RETURN NULL;
END $$;

-- Every table a node writes, except the cluster's own (renewing a lease
-- must work for exactly the node whose writes are refused) and
-- schema_migrations. A table added later gets the trigger in its migration
-- (the integration test "every_table_but_the_clusters_own_is_fenced" says
-- which one forgot).
CREATE FUNCTION pay_fence_table(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TRIGGER pay_fence BEFORE INSERT OR UPDATE OR DELETE'
                 ' ON %s FOR EACH STATEMENT EXECUTE FUNCTION pay_fence()',
                 p_table);
END $$;

DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.oid::regclass AS name FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
              AND c.relname NOT IN ('cluster_node', 'cluster_job',
                                    'schema_migrations')
  LOOP
    PERFORM pay_fence_table(t.name);
  END LOOP;
END $$;

-- Owners. NULL: written by a single-node paymentd (or before this
-- migration); a clustered node takes such work as it would a dead node's.
ALTER TABLE payment_event ADD COLUMN owner_node text DEFAULT pay_writer_node(),
  ADD COLUMN owner_epoch bigint DEFAULT pay_writer_epoch();
ALTER TABLE refund ADD COLUMN owner_node text DEFAULT pay_writer_node(),
  ADD COLUMN owner_epoch bigint DEFAULT pay_writer_epoch();
ALTER TABLE payout ADD COLUMN owner_node text DEFAULT pay_writer_node(),
  ADD COLUMN owner_epoch bigint DEFAULT pay_writer_epoch();

-- Who wrote each transition and each ledger transaction: after a pause, the
-- cluster test counts what a fenced incarnation got in (nothing).
ALTER TABLE payment_order_history ADD COLUMN written_by text
  DEFAULT pay_writer_node() || ':' || pay_writer_epoch();
ALTER TABLE ledger_transaction ADD COLUMN written_by text
  DEFAULT pay_writer_node() || ':' || pay_writer_epoch();

-- A new incarnation of p_node: waits for the writes of the previous one to
-- end, ends its lease, and returns the new epoch.
CREATE FUNCTION pay_join(p_node text, p_address text, p_lease_ms integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  previous bigint;
  next_epoch bigint;
BEGIN
  -- Two starts of the same node id at once: one after the other.
  PERFORM pg_advisory_xact_lock(hashtextextended('pay.join:' || p_node, 0));
  SELECT max(epoch) INTO previous FROM cluster_node WHERE node_id = p_node;
  IF previous IS NOT NULL THEN
    UPDATE cluster_node SET lease_expires_at = least(lease_expires_at,
                                                    clock_timestamp())
     WHERE node_id = p_node AND epoch = previous;
    PERFORM pg_advisory_xact_lock(pay_incarnation_lock_key(p_node, previous));
  END IF;
  next_epoch := coalesce(previous, 0) + 1;
  INSERT INTO cluster_node (node_id, epoch, address, lease_expires_at)
  VALUES (p_node, next_epoch, p_address,
          clock_timestamp() + p_lease_ms * interval '1 millisecond');
  RETURN next_epoch;
END $$;

-- Renewal only extends a lease that is still current: once it ran out, the
-- incarnation is dead for good and its node must join again.
CREATE FUNCTION pay_renew(p_node text, p_epoch bigint, p_lease_ms integer)
RETURNS boolean LANGUAGE sql AS $$
  UPDATE cluster_node
     SET lease_expires_at = clock_timestamp() + p_lease_ms * interval '1 millisecond',
         heartbeat_at = clock_timestamp()
   WHERE node_id = p_node AND epoch = p_epoch AND released_at IS NULL
     AND lease_expires_at > clock_timestamp()
  RETURNING true
$$;

-- Takes over, for incarnation (p_node, p_epoch), at most p_limit unfinished
-- checkouts, refunds and pay-outs of dead incarnations: a lease that ran
-- out, or an older epoch of a node that joined again (and NULL owners).
-- Each dead incarnation is first locked against a late renewal (FOR SHARE
-- on its row: a renewal waits, then finds the lease gone) and its writes in
-- flight are waited out (its lock key, taken and given back at once); then
-- the owner moves by compare-and-set, SKIP LOCKED so that survivors taking
-- over at once share the work. An incarnation with nothing left is marked
-- released. p_unowned: also work with no owner (left by a single-node
-- paymentd), asked once by a node after it joins. Returns what moved: kind
-- ('checkout', 'refund', 'payout'), id.
CREATE FUNCTION pay_take_over(p_node text, p_epoch bigint, p_limit integer,
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
        WHERE o.status IN ('NOT_STARTED', 'EXECUTING', 'PENDING')
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
                  WHERE o.status IN ('NOT_STARTED', 'EXECUTING', 'PENDING')
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
                                            'PENDING')))
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

-- One owner for one piece of work, taken when its owner is dead (or it has
-- none): what a request about a checkout whose node died does before the
-- checkout gets an actor here. Returns whether (p_node, p_epoch) owns it now.
CREATE FUNCTION pay_claim_checkout(p_checkout text, p_node text, p_epoch bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  owner record;
BEGIN
  SELECT e.owner_node, e.owner_epoch INTO owner FROM payment_event e
   WHERE e.checkout_id = p_checkout FOR UPDATE;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  IF owner.owner_node = p_node AND owner.owner_epoch = p_epoch THEN
    RETURN true;
  END IF;
  IF owner.owner_node IS NOT NULL THEN
    -- A late renewal waits for us, then finds the lease gone.
    PERFORM 1 FROM cluster_node c
      WHERE c.node_id = owner.owner_node AND c.epoch = owner.owner_epoch
      FOR SHARE;
    IF pay_lease_current(owner.owner_node, owner.owner_epoch) THEN
      RETURN false;
    END IF;
    PERFORM pg_advisory_lock(pay_incarnation_lock_key(owner.owner_node,
                                                      owner.owner_epoch));
    PERFORM pg_advisory_unlock(pay_incarnation_lock_key(owner.owner_node,
                                                        owner.owner_epoch));
  END IF;
  UPDATE payment_event SET owner_node = p_node, owner_epoch = p_epoch
   WHERE checkout_id = p_checkout;
  RETURN true;
END $$;

-- Holds `p_job` for the incarnation, live itself, when nobody live holds
-- it. True: run it.
CREATE FUNCTION pay_hold_job(p_job text, p_node text, p_epoch bigint)
RETURNS boolean LANGUAGE sql AS $$
  INSERT INTO cluster_job AS j (job, node_id, epoch)
  SELECT p_job, p_node, p_epoch WHERE pay_lease_current(p_node, p_epoch)
  ON CONFLICT (job) DO UPDATE
    SET node_id = excluded.node_id, epoch = excluded.epoch,
        held_since = CASE WHEN (j.node_id, j.epoch)
                               = (excluded.node_id, excluded.epoch)
                          THEN j.held_since ELSE clock_timestamp() END
  WHERE (j.node_id, j.epoch) = (excluded.node_id, excluded.epoch)
     OR NOT pay_lease_current(j.node_id, j.epoch)
  RETURNING true
$$;

-- Whether this connection's node may run `p_job` now: always alone, else
-- when its incarnation holds the job.
CREATE FUNCTION pay_may_run(p_job text) RETURNS boolean LANGUAGE sql AS $$
  SELECT pay_writer_node() IS NULL
      OR coalesce(pay_hold_job(p_job, pay_writer_node(), pay_writer_epoch()),
                  false)
$$;

-- Whether work owned by (p_node, p_epoch) is this connection's to drive:
-- recovery, the poll waker and the watchdog of a node look at its own work
-- only (another's is taken over first). Alone, everything is.
CREATE FUNCTION pay_owned_here(p_node text, p_epoch bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pay_writer_node() IS NULL
      OR (p_node = pay_writer_node() AND p_epoch = pay_writer_epoch())
$$;

CREATE FUNCTION pay_checkout_owned_here(p_checkout text)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pay_writer_node() IS NULL
      OR EXISTS (SELECT 1 FROM payment_event e
                  WHERE e.checkout_id = p_checkout
                    AND e.owner_node = pay_writer_node()
                    AND e.owner_epoch = pay_writer_epoch())
$$;
