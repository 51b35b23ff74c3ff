#pragma once
// Every statement about API keys (persistence/access/api_key_sql.cpp).

// Every read of a key returns these columns, in this order (row_of in
// api_key_sql.cpp reads them by position); times RFC 3339 UTC, '' for none.
#define PAY_API_KEY_COLUMNS                                                    \
  "key_id, account_id, name, role, mode, prefix, secret_hash,"                 \
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
  " coalesce(to_char(last_used_at AT TIME ZONE 'UTC',"                         \
  "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''),"                                 \
  " coalesce(to_char(revoked_at AT TIME ZONE 'UTC',"                           \
  "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')"

namespace pay::persistence::sql::access {

// created_at and changed_at from the database. $7 the secret's hash (bytea).
// Held until commit by whoever ensures the bootstrap key.
inline constexpr const char* lock_bootstrap_key =
  "SELECT pg_advisory_xact_lock(hashtextextended('pay.bootstrap_key', 0))";

inline constexpr const char* insert_key =
  "INSERT INTO api_key (key_id, account_id, name, role, mode,"
  " prefix, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)"
  " RETURNING " PAY_API_KEY_COLUMNS;

// Revoked keys too: the audit trail.
inline constexpr const char* list_keys =
  "SELECT " PAY_API_KEY_COLUMNS
  " FROM api_key ORDER BY created_at DESC, key_id";

// The mark of a reload, taken before reading: clock_timestamp(), not now(),
// which would be the transaction's start.
inline constexpr const char* change_mark = "SELECT clock_timestamp()::text";

inline constexpr const char* all_keys = "SELECT " PAY_API_KEY_COLUMNS
                                        " FROM api_key";

// Changed since the mark $1 (change_mark), with 5 seconds of slack: a
// change stamped just before the mark may commit after this read.
inline constexpr const char* keys_changed_since =
  "SELECT " PAY_API_KEY_COLUMNS
  " FROM api_key WHERE changed_at >= $1::timestamptz - interval '5 seconds'";

// Revoking twice keeps the first time; changed_at tells the reloaders.
inline constexpr const char* revoke_key =
  "UPDATE api_key SET revoked_at = coalesce(revoked_at, now()),"
  " changed_at = clock_timestamp() WHERE key_id = $1"
  " RETURNING " PAY_API_KEY_COLUMNS;

// $1 the hash (bytea).
inline constexpr const char* key_by_hash =
  "SELECT " PAY_API_KEY_COLUMNS " FROM api_key WHERE secret_hash = $1";

// last_used_at is for people reading a listing: not a change paymentd needs
// to reload, so changed_at stays. $1 key ids.
inline constexpr const char* touch_keys =
  "UPDATE api_key SET last_used_at = now()"
  " WHERE key_id IN (SELECT unnest($1::text[]))";

}  // namespace pay::persistence::sql::access

#undef PAY_API_KEY_COLUMNS
