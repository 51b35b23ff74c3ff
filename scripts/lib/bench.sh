# shellcheck shell=bash
# Helpers for scripts/bench: its own service instances (pid files and logs
# named bench-*, so a dev paymentd from scripts/run is never touched), scratch
# databases, pgbench, loadgen's JSON line and the final table.
# Needs common.sh, postgres.sh and services.sh sourced first.

PAY_BENCH_READY_TIMEOUT_S=600

pay_bench_psql() {
  local port="$1" db="$2"
  shift 2
  PGCONNECT_TIMEOUT=5 PGOPTIONS="-c client_min_messages=warning" \
    "${PAY_PG_BIN}/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "${port}" -U "${PAY_PG_DB_USER}" -d "${db}" "$@"
}

# A fresh, empty database $2 on port $1 (dropped first if a killed run left
# it behind).
pay_bench_fresh_db() {
  local port="$1" db="$2"
  pay_bench_psql "${port}" postgres \
    -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" \
    -c "CREATE DATABASE ${db} OWNER ${PAY_PG_DB_USER}" >/dev/null
}

pay_bench_drop_db() {
  local port="$1" db="$2"
  pay_bench_psql "${port}" postgres \
    -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" >/dev/null || true
}

# paymentd's schema without paymentd: its numbered migrations, in order.
pay_bench_migrate() {
  local port="$1" db="$2" file
  for file in "${PAY_ROOT}"/persistence/migrations/*.sql; do
    pay_bench_psql "${port}" "${db}" -1 -f "${file}" >/dev/null \
      || pay_die "migration ${file##*/} failed on ${db}"
  done
}

# Usage: pay_bench_start NAME BIN [VAR=value...] -- [args...]
# Like pay_svc_start, but pid file var/run/bench-NAME.pid and log
# var/log/bench-NAME.log. Sets PAY_SVC_PID.
pay_bench_start() {
  local name="$1" bin="$2"
  shift 2
  [[ -x ${bin} ]] || pay_die "${bin} does not exist; did the build produce it?"
  pay_spawn_service "${bin}" "${PAY_LOG_DIR}/bench-${name}.log" \
    "${PAY_RUN_DIR}/bench-${name}.pid" "$@"
}

# Stops bench service NAME if its pid file names a live process whose
# argv[0] is BIN; always clears the pid file.
pay_bench_stop() {
  pay_stop_pidfile "${PAY_RUN_DIR}/bench-$1.pid" "$2" "bench $1"
}

pay_bench_rss_kb() {
  local pid="$1"
  sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/${pid}/status"
}

# A number from loadgen's JSON line: $1 = line, $2 = path like
# completed_orders_per_s or accept_ms.p99.
pay_bench_json_number() {
  local line="$1" path="$2" key="${2##*.}" scope
  if [[ ${path} == *.* ]]; then
    scope="${line#*\"${path%%.*}\":\{}"
    scope="${scope%%\}*}"
  else
    scope="${line}"
  fi
  sed -n "s/.*\"${key}\":\([-0-9.]*\).*/\1/p" <<<"${scope}"
}

# pgbench with the payment-life script at client count $3 for $4 s on
# database $2 (port $1); prints the tps.
pay_bench_pgbench() {
  local port="$1" db="$2" clients="$3" seconds="$4" jobs out
  jobs=$((clients < $(nproc) ? clients : $(nproc)))
  out="$(pay_without_locks pgbench -n -M prepared -c "${clients}" \
    -j "${jobs}" -T "${seconds}" \
    -f "${PAY_ROOT}/tools/loadgen/payment_life.sql" \
    -h 127.0.0.1 -p "${port}" -U "${PAY_PG_DB_USER}" "${db}" 2>&1)" \
    || { printf '%s\n' "${out}" >&2; pay_die "pgbench failed"; }
  sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"${out}"
}

# awk does the arithmetic: bash has integers only.
pay_bench_calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
pay_bench_true() { awk "BEGIN { exit !($1) }"; }
