# shellcheck shell=bash
# Helpers for scripts/bench: its own service instances (pid files and logs
# named bench-*, so a dev paymentd from scripts/run is never touched), scratch
# databases, pgbench, loadgen's JSON line, CPU time from /proc and the final
# table.
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

# paymentd's environment for a bench run, into the array PAY_BENCH_KEY_ENV:
# the admin key $1, stored by paymentd at start, and every rate limit off.
# A bench measures the engine, not the limiter: loadgen sends one key far
# faster than any client may, and 429s would only measure the limits.
pay_bench_key_env() {
  PAY_BENCH_KEY_ENV=(
    "PAYMENTD_BOOTSTRAP_ADMIN_KEY=$1"
    PAYMENTD_RATE_CREATE_PER_S=0 PAYMENTD_RATE_READ_PER_S=0
    PAYMENTD_RATE_ADMIN_PER_S=0 PAYMENTD_RATE_OPEN_PER_S=0
    PAYMENTD_RATE_AUTH_FAILURES_PER_S=0
  )
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
    scope="${line#*\""${path%%.*}"\":\{}"
    scope="${scope%%\}*}"
  else
    scope="${line}"
  fi
  sed -n "s/.*\"${key}\":\([-0-9.]*\).*/\1/p" <<<"${scope}"
}

# Sum of loadgen's error counts whose "<phase> <kind>" key matches the jq
# regex $2 (e.g. '^accept ', ' http_503$'); 0 when none. $1 = JSON line.
pay_bench_json_errors() {
  local line="$1" pattern="$2"
  jq -r --arg p "${pattern}" \
    '[.errors | to_entries[] | select(.key | test($p)) | .value] | add // 0' \
    <<<"${line#loadgen-json: }"
}

# The commit being measured: short hash, "+dirty" when the working tree
# (tracked or untracked files) differs from it, since that is what was built.
pay_bench_commit() {
  local sha
  sha="$(git -C "${PAY_ROOT}" rev-parse --short HEAD 2>/dev/null)" \
    || { printf 'unknown (not a git checkout)'; return 0; }
  if [[ -n $(git -C "${PAY_ROOT}" status --porcelain 2>/dev/null) ]]; then
    sha+="+dirty"
  fi
  printf '%s' "${sha}"
}

# pgbench running script $5 at client count $3 for $4 s on database $2
# (port $1); prints the tps (transactions, not payments: a set-based script
# does many payments per transaction).
pay_bench_pgbench() {
  local port="$1" db="$2" clients="$3" seconds="$4" script="$5" jobs out
  jobs=$((clients < $(nproc) ? clients : $(nproc)))
  out="$(pay_without_locks pgbench -n -M prepared -c "${clients}" \
    -j "${jobs}" -T "${seconds}" -f "${script}" \
    -h 127.0.0.1 -p "${port}" -U "${PAY_PG_DB_USER}" "${db}" 2>&1)" \
    || { printf '%s\n' "${out}" >&2; pay_die "pgbench ${script##*/} failed"; }
  sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"${out}"
}

# Payments per transaction of a set-based pgbench script: its comment line
# "-- payments-per-transaction: N", else $2.
pay_bench_payments_per_tx() {
  local script="$1" default="$2" n
  n="$(sed -n 's/^--[[:space:]]*payments-per-transaction:[[:space:]]*\([0-9][0-9]*\).*/\1/p' \
    "${script}" | head -n 1)"
  [[ ${n} =~ ^[1-9][0-9]*$ ]] || n="${default}"
  printf '%s' "${n}"
}

# --- CPU time from /proc --------------------------------------------------
# These set the variable named $1 (printf -v) instead of printing: a $(...)
# subshell would be one more reaped child of this shell and blur the shell's
# own child time, which is how scripts/bench measures loadgen. Values are in
# clock ticks (getconf CLK_TCK); fields of /proc/PID/stat after "(comm) ",
# 0-based: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.

# The fields of /proc/$2/stat after "(comm) " into the array named $1;
# false when the process is gone.
pay_bench_stat_fields() {
  local -n stat_into="$1"
  local line
  read -r line 2>/dev/null <"/proc/$2/stat" || return 1
  # shellcheck disable=SC2034 # a nameref: this fills the caller's array
  read -r -a stat_into <<<"${line##*) }"
}

# utime + stime + cutime + cstime of process $2 (its threads included, and
# children it has reaped); 0 when it is gone.
pay_bench_cpu_ticks() {
  local var="$1" fields
  printf -v "${var}" 0
  pay_bench_stat_fields fields "$2" || return 0
  printf -v "${var}" '%d' \
    "$((fields[11] + fields[12] + fields[13] + fields[14]))"
}

# cutime + cstime of process $2 only: the CPU of its children that have
# exited and been reaped.
pay_bench_children_ticks() {
  local var="$1" fields
  printf -v "${var}" 0
  pay_bench_stat_fields fields "$2" || return 0
  printf -v "${var}" '%d' "$((fields[13] + fields[14]))"
}

# The same as pay_bench_cpu_ticks for process $2 plus every live process
# whose parent it is (for PostgreSQL: the postmaster, its backends and
# helpers, which are all its direct children). A child that exits is added
# to the parent's cutime/cstime when reaped, so the difference of two
# samples counts every child that ran in between, short-lived ones too.
pay_bench_tree_ticks() {
  local var="$1" root="$2" total=0 file line rest fields
  for file in /proc/[0-9]*/stat; do
    # Processes come and go during the scan: skip one that is gone.
    read -r line 2>/dev/null <"${file}" || continue
    line="${line##*) }"
    rest="${line#* }"
    if [[ ${file} == "/proc/${root}/stat" || ${rest%% *} == "${root}" ]]; then
      read -r -a fields <<<"${line}"
      total=$((total + fields[11] + fields[12] + fields[13] + fields[14]))
    fi
  done
  printf -v "${var}" '%d' "${total}"
}

# awk does the arithmetic: bash has integers only.
pay_bench_calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
pay_bench_true() { awk "BEGIN { exit !($1) }"; }
