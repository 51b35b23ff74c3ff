-- Lean writes for group commit (docs/performance.md).
--
-- The ledger's balance was checked by a deferred trigger FOR EACH ROW: at
-- commit it re-read every entry of the transaction once per entry, about
-- half of what PostgreSQL spent on a set-based batch. Every writer inserts
-- all entries of one ledger transaction with one INSERT statement, so the
-- same guarantee holds when each statement is checked once, over the rows
-- it inserted (a transition table): an unbalanced transaction is still
-- refused, and the statement that tried it rolls back.

DROP TRIGGER ledger_entry_balanced ON ledger_entry;
DROP FUNCTION ledger_check_balanced();

CREATE FUNCTION ledger_check_balanced_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT transaction_id, currency INTO bad
    FROM inserted_entries
   GROUP BY transaction_id, currency
  HAVING sum(amount_minor) <> 0
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %',
      bad.transaction_id, bad.currency USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_entry_balanced
  AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS inserted_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced_rows();
