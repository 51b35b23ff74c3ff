-- Orders the PSP decides later (3-D Secure, review at the PSP, the hosted
-- payment page) and orders our risk check holds for an operator. The new
-- values are used from the next migration on (PostgreSQL does not allow a
-- new enum value to be used in the transaction that adds it).
ALTER TYPE payment_order_status ADD VALUE 'PENDING';
ALTER TYPE payment_order_status ADD VALUE 'REVIEW';
