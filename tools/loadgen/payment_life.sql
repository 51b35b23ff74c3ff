-- pgbench script: the writes of one successful payment order's life, in ONE
-- transaction, statement for statement as paymentd makes them
-- (persistence/payin/sql.hpp) for a checkout with one order, no checkout
-- risk rule configured and the default card rules (the bench's paymentd):
--   1. the checkout with its risk decision, its order stored EXECUTING
--      already and the history row of that move (insert_checkouts);
--   2. EXECUTING -> SUCCESS with the card assessment and its history row,
--      the wallet credit row and balance, the pay-in ledger transaction
--      with two entries, flags set in the same row version, and the
--      checkout's done flag (transition_orders).
-- paymentd runs each step for a whole batch of orders in one statement and
-- commits many payments at once; here every payment commits alone: its rate
-- is what a design that commits once per payment could reach on this disk.
-- Run with -M prepared against a database migrated to paymentd's schema.
-- (pgbench reads a colon followed by a name as one of its variables: the
-- JSON below has a space after each of its colons.)
\set seller random(1, 100)
\set amount random(100, 99999)
\set r random(1, 9000000000000000000)
BEGIN;
WITH events AS (
  INSERT INTO payment_event (checkout_id, buyer_info, psp_token, request_hash,
                             return_url, risk_verdict, risk_rules)
  VALUES ('pgb_' || :r::text, '{"email": "pgbench@example.com"}',
          'pm_card_visa', repeat('0', 64), NULL, 'allow',
          '{"verdict": "allow", "rules": []}')
  RETURNING checkout_id, created_at),
 orders AS (
  INSERT INTO payment_order (payment_order_id, checkout_id, line_no,
                             seller_account, amount_minor, currency, status,
                             version, attempts)
  SELECT e.checkout_id || '_0', e.checkout_id, 0,
         'pgb_seller_' || :seller::text, :amount::bigint, 'USD', 'EXECUTING',
         1, 1
    FROM events e
  RETURNING payment_order_id, checkout_id, status, version),
 history AS (
  INSERT INTO payment_order_history (payment_order_id, from_status,
                                     to_status, event, attempt)
  SELECT payment_order_id, 'NOT_STARTED', 'EXECUTING', 'start_execution', 0
    FROM orders)
SELECT e.checkout_id, e.created_at, o.payment_order_id, o.status, o.version
  FROM events e LEFT JOIN orders o ON o.checkout_id = e.checkout_id;
WITH moved AS (
  UPDATE payment_order o SET status = 'SUCCESS', version = o.version + 1,
         psp_reference = 'pi_' || :r::text,
         card_assessment = '{"checks": {"cvc_check": "pass",
             "address_line1_check": "pass", "address_postal_code_check": "pass"},
             "risk_level": "normal", "risk_score": 20,
             "decision": {"action": "capture", "rules": []}}',
         wallet_updated = true, ledger_updated = true, updated_at = now()
   WHERE o.payment_order_id = 'pgb_' || :r::text || '_0'
     AND o.status = 'EXECUTING' AND o.version = 1
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
  SELECT tx.id, e.account, 'USD', e.amount
    FROM tx, (VALUES ('psp_receivable', :amount::bigint),
                     ('seller_payable' || chr(58) || 'pgb_seller_'
                        || :seller::text,
                      -:amount::bigint)) AS e(account, amount)),
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
