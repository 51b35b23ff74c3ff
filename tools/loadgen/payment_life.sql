-- pgbench script: the SQL of one successful payment order's life, in ONE
-- transaction, as paymentd writes it without group commit
-- (persistence/sql.hpp): the checkout and its order, two compare-and-set
-- transitions with their history rows, the wallet credit (credit row, flag,
-- balance upsert), the ledger transaction with two entries and its flag, and
-- the checkout's done flag. One commit per payment: its rate is the
-- per-payment-commit limit of the disk that scripts/bench compares paymentd
-- with. Run with -M prepared against a database migrated to paymentd's schema.
\set seller random(1, 100)
\set amount random(100, 99999)
\set r random(1, 9000000000000000000)
BEGIN;
INSERT INTO payment_event (checkout_id, buyer_info, psp_token, request_hash)
  VALUES ('pgb_' || :r::text, '{"email":"pgbench@example.com"}', 'pm_card_visa',
          repeat('0', 64));
INSERT INTO payment_order (payment_order_id, checkout_id, line_no,
                           seller_account, amount_minor, currency)
  VALUES ('pgb_' || :r::text || '_0', 'pgb_' || :r::text, 0,
          'pgb_seller_' || :seller::text, :amount::bigint, 'USD');
UPDATE payment_order SET status = 'EXECUTING', version = version + 1,
       attempts = attempts + 1, updated_at = now()
 WHERE payment_order_id = 'pgb_' || :r::text || '_0'
   AND status = 'NOT_STARTED' AND version = 0;
INSERT INTO payment_order_history (payment_order_id, from_status, to_status,
                                   event, attempt)
  VALUES ('pgb_' || :r::text || '_0', 'NOT_STARTED', 'EXECUTING', 'start', 0);
UPDATE payment_order SET status = 'SUCCESS', version = version + 1,
       psp_reference = 'pi_' || :r::text, updated_at = now()
 WHERE payment_order_id = 'pgb_' || :r::text || '_0'
   AND status = 'EXECUTING' AND version = 1;
INSERT INTO payment_order_history (payment_order_id, from_status, to_status,
                                   event, attempt)
  VALUES ('pgb_' || :r::text || '_0', 'EXECUTING', 'SUCCESS', 'psp_succeeded', 0);
WITH credit AS (
  INSERT INTO wallet_credit (payment_order_id, seller_account, currency,
                             amount_minor)
  VALUES ('pgb_' || :r::text || '_0', 'pgb_seller_' || :seller::text, 'USD',
          :amount::bigint)
  ON CONFLICT DO NOTHING RETURNING seller_account, currency, amount_minor),
 flag AS (
  UPDATE payment_order SET wallet_updated = true, updated_at = now()
   WHERE payment_order_id = 'pgb_' || :r::text || '_0' AND NOT wallet_updated)
INSERT INTO wallet (seller_account, currency, balance_minor)
  SELECT seller_account, currency, amount_minor FROM credit
  ON CONFLICT (seller_account, currency) DO UPDATE
   SET balance_minor = wallet.balance_minor + excluded.balance_minor,
       updated_at = now();
WITH tx AS (
  INSERT INTO ledger_transaction (kind, reference)
  VALUES ('payin', 'pgb_' || :r::text || '_0') ON CONFLICT DO NOTHING
  RETURNING id),
 entries AS (
  INSERT INTO ledger_entry (transaction_id, account, currency, amount_minor)
  SELECT tx.id, e.account, 'USD', e.amount
    FROM tx, (VALUES ('psp_receivable', :amount::bigint),
                     -- The literal ends at the colon: pgbench reads a
                     -- colon followed by a name as one of its variables.
                     ('seller_payable:' || 'pgb_seller_' || :seller::text,
                      -:amount::bigint)) AS e(account, amount)
  RETURNING 1),
 flag AS (
  UPDATE payment_order SET ledger_updated = true, updated_at = now()
   WHERE payment_order_id = 'pgb_' || :r::text || '_0' AND NOT ledger_updated)
SELECT id FROM tx;
UPDATE payment_event SET is_payment_done = true, updated_at = now()
 WHERE checkout_id = 'pgb_' || :r::text AND NOT is_payment_done;
END;
