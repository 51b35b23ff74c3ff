-- pgbench script: the same writes as payment_life.sql (one successful order
-- per checkout, statement shapes of persistence/payin/sql.hpp), for 100 payments
-- in ONE transaction with one set-based statement per step. This is the
-- ceiling of the writes alone: what PostgreSQL carries when every step is
-- one statement for a whole batch and a commit is shared by 100 payments.
-- scripts/bench prints paymentd's completed orders/s as a fraction of it.
-- payments-per-transaction: 100
-- Run: pgbench -n -M prepared -c 2 -f payment_life_batch.sql <migrated db>
\set r random(1, 9000000000000000000)
BEGIN;
INSERT INTO payment_event (checkout_id, buyer_info, psp_token, request_hash,
                           return_url, risk_verdict, risk_rules)
  SELECT 'pgs_' || :r::text || '_' || g, '{"email":"pgbench@example.com"}',
         'pm_card_visa', repeat('0', 64), NULL, 'allow',
         '{"verdict":"allow","rules":[]}'
    FROM generate_series(1, 100) g
  RETURNING created_at;
INSERT INTO payment_order (payment_order_id, checkout_id, line_no,
                           seller_account, amount_minor, currency)
  SELECT 'pgs_' || :r::text || '_' || g || '_0', 'pgs_' || :r::text || '_' || g,
         0, 'pgs_seller_' || (g % 100), 100 + g, 'USD'
    FROM generate_series(1, 100) g
  RETURNING payment_order_id, status, version;
WITH input AS (
  SELECT 'pgs_' || :r::text || '_' || g || '_0' AS id
    FROM generate_series(1, 100) g),
 moved AS (
  UPDATE payment_order o SET status = 'EXECUTING', version = o.version + 1,
         attempts = o.attempts + 1, updated_at = now()
    FROM input i
   WHERE o.payment_order_id = i.id AND o.status = 'NOT_STARTED'
     AND o.version = 0
  RETURNING o.*),
 history AS (
  INSERT INTO payment_order_history (payment_order_id, from_status,
                                     to_status, event, attempt)
  SELECT payment_order_id, 'NOT_STARTED', status, 'start_execution',
         psp_attempts FROM moved)
SELECT payment_order_id, status, version FROM moved;
WITH input AS (
  SELECT 'pgs_' || :r::text || '_' || g || '_0' AS id
    FROM generate_series(1, 100) g),
 moved AS (
  UPDATE payment_order o SET status = 'SUCCESS', version = o.version + 1,
         psp_reference = 'pi_' || o.payment_order_id, wallet_updated = true,
         ledger_updated = true, updated_at = now()
    FROM input i
   WHERE o.payment_order_id = i.id AND o.status = 'EXECUTING'
     AND o.version = 1
  RETURNING o.*),
 history AS (
  INSERT INTO payment_order_history (payment_order_id, from_status,
                                     to_status, event, attempt)
  SELECT payment_order_id, 'EXECUTING', status, 'psp_succeeded',
         psp_attempts FROM moved),
 credit AS (
  INSERT INTO wallet_credit (payment_order_id, seller_account, currency,
                             amount_minor)
  SELECT payment_order_id, seller_account, currency, amount_minor FROM moved
  ON CONFLICT DO NOTHING RETURNING seller_account, currency, amount_minor),
 balance AS (
  INSERT INTO wallet (seller_account, currency, balance_minor)
  SELECT seller_account, currency, sum(amount_minor) FROM credit
   GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (seller_account, currency) DO UPDATE
   SET balance_minor = wallet.balance_minor + excluded.balance_minor,
       updated_at = now()),
 tx AS (
  INSERT INTO ledger_transaction (kind, reference)
  SELECT 'payin', payment_order_id FROM moved
  ON CONFLICT DO NOTHING RETURNING id, reference),
 entries AS (
  INSERT INTO ledger_entry (transaction_id, account, currency, amount_minor)
  SELECT tx.id, e.account, m.currency, e.amount
    FROM tx JOIN moved m ON m.payment_order_id = tx.reference,
         LATERAL (VALUES ('psp_receivable', m.amount_minor),
                         ('seller_payable' || chr(58) || m.seller_account,
                          -m.amount_minor)) AS e(account, amount))
SELECT payment_order_id, status, version FROM moved;
UPDATE payment_event e SET is_payment_done = true, updated_at = now()
 WHERE e.checkout_id IN (SELECT 'pgs_' || :r::text || '_' || g
                           FROM generate_series(1, 100) g)
   AND NOT e.is_payment_done
   AND NOT EXISTS (SELECT 1 FROM payment_order o
                    WHERE o.checkout_id = e.checkout_id
                      AND (o.status <> 'SUCCESS'
                        OR NOT (o.wallet_updated AND o.ledger_updated)))
 RETURNING e.checkout_id;
END;
