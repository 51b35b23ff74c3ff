-- pgbench script: the writes of one successful payment order's life, in ONE
-- transaction, statement for statement as paymentd makes them
-- (persistence/payin/sql.hpp), for a checkout with one order and no risk rule:
--   1. the checkout, its risk decision stored with it (insert_event);
--   2. its order (insert_orders);
--   3. NOT_STARTED -> EXECUTING with its history row (transition_orders);
--   4. EXECUTING -> SUCCESS with its history row, the wallet credit row and
--      balance, and the pay-in ledger transaction with two entries, flags
--      set in the same row version (transition_orders);
--   5. the checkout's done flag (mark_checkouts_done).
-- paymentd runs each step for a whole batch of orders in one statement and
-- commits many payments at once; here every payment commits alone: its rate
-- is what a design that commits once per payment could reach on this disk.
-- Run with -M prepared against a database migrated to paymentd's schema.
\set seller random(1, 100)
\set amount random(100, 99999)
\set r random(1, 9000000000000000000)
BEGIN;
INSERT INTO payment_event (checkout_id, buyer_info, psp_token, request_hash,
                           return_url, risk_verdict, risk_rules)
  VALUES ('pgb_' || :r::text, '{"email":"pgbench@example.com"}', 'pm_card_visa',
          repeat('0', 64), NULL, 'allow', '{"verdict":"allow","rules":[]}')
  RETURNING created_at;
INSERT INTO payment_order (payment_order_id, checkout_id, line_no,
                           seller_account, amount_minor, currency)
  SELECT o.id, 'pgb_' || :r::text, 0, o.seller, o.amount, o.currency
    FROM unnest(ARRAY['pgb_' || :r::text || '_0'],
                ARRAY['pgb_seller_' || :seller::text],
                ARRAY[:amount::bigint], ARRAY['USD'])
         AS o(id, seller, amount, currency)
  RETURNING payment_order_id, status, version;
WITH moved AS (
  UPDATE payment_order o SET status = 'EXECUTING', version = o.version + 1,
         attempts = o.attempts + 1, updated_at = now()
   WHERE o.payment_order_id = 'pgb_' || :r::text || '_0'
     AND o.status = 'NOT_STARTED' AND o.version = 0
  RETURNING o.*),
 history AS (
  INSERT INTO payment_order_history (payment_order_id, from_status,
                                     to_status, event, attempt)
  SELECT payment_order_id, 'NOT_STARTED', status, 'start_execution',
         psp_attempts FROM moved)
SELECT payment_order_id, status, version FROM moved;
WITH moved AS (
  UPDATE payment_order o SET status = 'SUCCESS', version = o.version + 1,
         psp_reference = 'pi_' || :r::text, wallet_updated = true,
         ledger_updated = true, updated_at = now()
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
                     -- The literal ends at the colon: pgbench reads a
                     -- colon followed by a name as one of its variables.
                     ('seller_payable:' || 'pgb_seller_' || :seller::text,
                      -:amount::bigint)) AS e(account, amount))
SELECT payment_order_id, status, version FROM moved;
UPDATE payment_event e SET is_payment_done = true, updated_at = now()
 WHERE e.checkout_id = 'pgb_' || :r::text AND NOT e.is_payment_done
   AND NOT EXISTS (SELECT 1 FROM payment_order o
                    WHERE o.checkout_id = e.checkout_id
                      AND (o.status <> 'SUCCESS'
                        OR NOT (o.wallet_updated AND o.ledger_updated)))
 RETURNING e.checkout_id;
END;
