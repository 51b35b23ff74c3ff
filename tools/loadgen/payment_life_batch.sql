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
WITH input AS (
  SELECT 'pgs_' || :r::text || '_' || g AS checkout, g
    FROM generate_series(1, 100) g),
 events AS (
  INSERT INTO payment_event (checkout_id, buyer_info, psp_token, request_hash,
                             return_url, risk_verdict, risk_rules)
  SELECT checkout, '{"email": "pgbench@example.com"}', 'pm_card_visa',
         repeat('0', 64), NULL, 'allow', '{"verdict": "allow", "rules": []}'
    FROM input
  RETURNING checkout_id, created_at),
 orders AS (
  INSERT INTO payment_order (payment_order_id, checkout_id, line_no,
                             seller_account, amount_minor, currency, status,
                             version, attempts)
  SELECT e.checkout_id || '_0', e.checkout_id, 0, 'pgs_seller_' || (i.g % 100),
         100 + i.g, 'USD', 'EXECUTING', 1, 1
    FROM events e JOIN input i ON i.checkout = e.checkout_id
  RETURNING payment_order_id, checkout_id, status, version),
 history AS (
  INSERT INTO payment_order_history (payment_order_id, from_status,
                                     to_status, event, attempt)
  SELECT payment_order_id, 'NOT_STARTED', 'EXECUTING', 'start_execution', 0
    FROM orders)
SELECT e.checkout_id, e.created_at, o.payment_order_id, o.status, o.version
  FROM events e LEFT JOIN orders o ON o.checkout_id = e.checkout_id;
WITH input AS (
  SELECT 'pgs_' || :r::text || '_' || g || '_0' AS id
    FROM generate_series(1, 100) g),
 moved AS (
  UPDATE payment_order o SET status = 'SUCCESS', version = o.version + 1,
         psp_reference = 'pi_' || o.payment_order_id,
         card_assessment = '{"checks": {"cvc_check": "pass",
             "address_line1_check": "pass", "address_postal_code_check": "pass"},
             "risk_level": "normal", "risk_score": 20,
             "decision": {"action": "capture", "rules": []}}',
         wallet_updated = true, ledger_updated = true, updated_at = now()
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
                          -m.amount_minor)) AS e(account, amount)),
 done AS (
  UPDATE payment_event e SET is_payment_done = true, updated_at = now()
   WHERE e.checkout_id IN (SELECT checkout_id FROM moved
                            WHERE status = 'SUCCESS')
     AND NOT e.is_payment_done
     AND NOT EXISTS (SELECT 1 FROM payment_order o
                      WHERE o.checkout_id = e.checkout_id
                        AND o.payment_order_id NOT IN
                            (SELECT payment_order_id FROM moved
                              WHERE status = 'SUCCESS')
                        AND (o.status <> 'SUCCESS'
                          OR NOT (o.wallet_updated AND o.ledger_updated)))
  RETURNING e.checkout_id)
SELECT payment_order_id, status, version,
       EXISTS (SELECT 1 FROM done WHERE done.checkout_id = moved.checkout_id)
  FROM moved;
END;
