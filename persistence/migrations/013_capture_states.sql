-- Authorize now, capture later (docs/money_cycle.md). The new states only:
-- a value added to an enum cannot be used in the transaction that adds it,
-- so what uses them comes in a later migration.
ALTER TYPE payment_order_status ADD VALUE 'AUTHORIZED';
ALTER TYPE payment_order_status ADD VALUE 'CAPTURING';
ALTER TYPE payment_order_status ADD VALUE 'VOIDING';
ALTER TYPE payment_order_status ADD VALUE 'VOIDED';
