# shellcheck shell=bash
# The browser suite (tests/browser, docs in its README): the operator page
# and the hosted payment page. npm packages, a private pspsim (webhooks to
# its paymentd) + paymentd with a small PSP retry budget on a scratch
# database, `node --test` driving Debian's headless Chromium, screenshots,
# then a scan of the database dump and the services' logs for card numbers.
# Sourced after common.sh and services.sh; scripts/test calls
# pay_browser_suite once the build is done and PostgreSQL runs.

PAY_BROWSER_TESTS_DIR="${PAY_ROOT}/tests/browser"
PAY_BROWSER_NPM_CACHE="${PAY_VAR}/npm-cache"
PAY_BROWSER_PSPSIM_PORT="${PAY_BROWSER_PSPSIM_PORT:-18280}"
PAY_BROWSER_PAYMENTD_PORT="${PAY_BROWSER_PAYMENTD_PORT:-18290}"
PAY_BROWSER_CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
PAY_BROWSER_NODE_MAJOR_MIN=20
# The whole node --test run; one test has its own, shorter limits.
PAY_BROWSER_RUN_TIMEOUT_S=600
PAY_BROWSER_SCAN_TIMEOUT_S=120
PAY_BROWSER_PSQL="/usr/lib/postgresql/15/bin/psql"

# node_modules is reinstalled only when package-lock.json changed since the
# last successful `npm ci`; the stamp holds the lock file's hash.
pay_browser_npm_ensure() {
  local dir="${PAY_BROWSER_TESTS_DIR}" stamp lock_hash node_major
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    pay_die "node and npm are needed for the browser suite (Node ${PAY_BROWSER_NODE_MAJOR_MIN}+)"
  fi
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= PAY_BROWSER_NODE_MAJOR_MIN)) \
    || pay_die "the browser suite needs Node ${PAY_BROWSER_NODE_MAJOR_MIN}+; this is $(node --version)"
  [[ -x ${PAY_BROWSER_CHROMIUM} ]] \
    || pay_die "${PAY_BROWSER_CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)"
  stamp="${dir}/node_modules/.installed-lock-sha256"
  lock_hash="$(sha256sum "${dir}/package-lock.json" | cut -d' ' -f1)"
  if [[ -f ${stamp} && $(<"${stamp}") == "${lock_hash}" ]]; then
    return 0
  fi
  pay_info "installing the browser tests' npm packages (tests/browser)"
  mkdir -p "${PAY_BROWSER_NPM_CACHE}"
  (cd "${dir}" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error \
    --cache "${PAY_BROWSER_NPM_CACHE}") \
    || pay_die "npm ci failed in ${dir}"
  printf '%s\n' "${lock_hash}" >"${stamp}"
}

# postgresql://u@h:p/db?opts -> the same URL naming database $2.
pay_browser_url_with_db() {
  local url="$1" db="$2" base query=""
  base="${url%%\?*}"
  [[ ${url} == *\?* ]] && query="?${url#*\?}"
  printf '%s/%s%s' "${base%/*}" "${db}" "${query}"
}

pay_browser_psql() {
  PGCONNECT_TIMEOUT=5 "${PAY_BROWSER_PSQL}" -X -q -t -A -v ON_ERROR_STOP=1 \
    -d "${DATABASE_URL}" -c "$1"
}

# Prints "<passed> <failed>" from node's TAP output ($1). Tests cancelled
# because their suite's before hook failed count as failed.
pay_browser_counts() {
  local tap="$1" pass fail cancelled
  pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "${tap}" 2>/dev/null | tail -n 1)"
  fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "${tap}" 2>/dev/null | tail -n 1)"
  cancelled="$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "${tap}" 2>/dev/null | tail -n 1)"
  printf '%s %s' "${pass:-0}" "$((${fail:-0} + ${cancelled:-0}))"
}

# Usage: pay_browser_suite OUT_DIR
# Needs DATABASE_URL (a server where it may create a scratch database) and
# build/bin/{paymentd,pspsim}. Writes OUT_DIR/screenshots/*.png,
# OUT_DIR/browser.tap and the services' logs in OUT_DIR/logs. Prints one
# summary line; returns non-zero when a test failed or set-up broke.
# The body is a subshell so that its EXIT trap stops what it started, also
# when pay_die exits half-way; its variables are plain, not local, because
# the subshell already keeps them private and the trap must still see them.
pay_browser_suite() (
  out_dir="$1"
  [[ -n ${out_dir} ]] || pay_die "usage: pay_browser_suite OUT_DIR"
  [[ -n ${DATABASE_URL:-} ]] || pay_die "pay_browser_suite needs DATABASE_URL"
  mkdir -p "${out_dir}/screenshots" "${out_dir}/logs"
  out_dir="$(cd "${out_dir}" && pwd)"
  # The card scan reads this run's logs only.
  rm -f -- "${out_dir}"/screenshots/*.png "${out_dir}/browser.tap" \
    "${out_dir}/card_scan.tap" "${out_dir}"/logs/{paymentd,pspsim}.log

  # Own pid files and logs, so the dev services of scripts/run (same
  # binaries, same service names) are never mistaken for ours.
  PAY_RUN_DIR="${PAY_BROWSER_RUN_DIR:-${PAY_VAR}/run/browser}"
  # shellcheck disable=SC2034 # read by pay_svc_log in services.sh
  PAY_LOG_DIR="${out_dir}/logs"
  mkdir -p "${PAY_RUN_DIR}"

  db_created=0
  started_us="$(pay_now_us)"
  db_name="payments_browser_$(pay_random_hex 4)"

  # shellcheck disable=SC2317 # reached through the EXIT trap
  cleanup() {
    local exit_status=$?
    trap - EXIT INT TERM
    pay_svc_stop paymentd >/dev/null
    pay_svc_stop pspsim >/dev/null
    if ((db_created)); then
      pay_browser_psql "DROP DATABASE IF EXISTS ${db_name}" >/dev/null 2>&1 \
        || pay_warn "could not drop the browser suite's database ${db_name}"
    fi
    exit "${exit_status}"
  }
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  pay_browser_npm_ensure

  pay_browser_psql "CREATE DATABASE ${db_name}" >/dev/null \
    || pay_die "could not create database ${db_name} for the browser suite"
  db_created=1
  db_url="$(pay_browser_url_with_db "${DATABASE_URL}" "${db_name}")"
  admin_token="$(pay_new_test_key)"
  pspsim_url="http://127.0.0.1:${PAY_BROWSER_PSPSIM_PORT}"
  paymentd_url="http://127.0.0.1:${PAY_BROWSER_PAYMENTD_PORT}"

  # Webhooks go to our paymentd (pspsim's default secret is paymentd's
  # default too); pspsim retries them until paymentd is up.
  pay_svc_start pspsim "${PAY_BROWSER_PSPSIM_PORT}" PAY_BROWSER_PSPSIM_PORT \
    -- --port "${PAY_BROWSER_PSPSIM_PORT}" \
    --webhook-url "${paymentd_url}/v1/webhooks/psp"
  pay_svc_wait_healthy pspsim "${PAY_SVC_PID}" "${pspsim_url}/healthz"

  # A small retry budget with short backoff: the DLQ tests dead-letter an
  # order within milliseconds of pspsim failing it.
  pay_svc_start paymentd "${PAY_BROWSER_PAYMENTD_PORT}" PAY_BROWSER_PAYMENTD_PORT \
    "DATABASE_URL=${db_url}" \
    "PAYMENTD_HTTP_PORT=${PAY_BROWSER_PAYMENTD_PORT}" \
    "PSP_BASE_URL=${pspsim_url}" \
    "PSP_API_KEY=${PAY_PSP_API_KEY}" \
    "PAYMENTD_BOOTSTRAP_ADMIN_KEY=${admin_token}" \
    "PAYMENTD_PSP_RETRY_ATTEMPTS_MAX=2" \
    "PAYMENTD_PSP_RETRY_DEADLINE_MS=200" \
    "PAYMENTD_PSP_RETRY_BASE_MS=10" \
    "PAYMENTD_PSP_RETRY_DELAY_MS_MAX=50" \
    "PAYMENTD_RISK_REVIEW_EMAIL_DOMAINS=review.test" \
    -- --config "${PAY_ROOT}/config/paymentd.conf"
  pay_svc_wait_healthy paymentd "${PAY_SVC_PID}" \
    "${paymentd_url}/healthz" "${paymentd_url}/readyz"

  status=0
  (
    pay_close_lock_fds
    cd "${PAY_BROWSER_TESTS_DIR}"
    export PAYMENTD_URL="${paymentd_url}" PSPSIM_URL="${pspsim_url}" \
      ADMIN_KEY="${admin_token}" SCREENSHOT_DIR="${out_dir}/screenshots" \
      CHROMIUM_PATH="${PAY_BROWSER_CHROMIUM}" \
      DATABASE_URL="${db_url}"
    exec timeout --kill-after=10 "${PAY_BROWSER_RUN_TIMEOUT_S}" \
      node --test --test-concurrency=1 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="${out_dir}/browser.tap"
  ) || status=$?

  # After every browser test, with the services stopped so that their logs
  # are complete: no card number in the database dump or the logs.
  pay_svc_stop paymentd >/dev/null
  pay_svc_stop pspsim >/dev/null
  scan_status=0
  scan_files="$(pay_svc_log paymentd):$(pay_svc_log pspsim)"
  (
    pay_close_lock_fds
    cd "${PAY_BROWSER_TESTS_DIR}"
    exec env DATABASE_URL="${db_url}" CARD_SCAN_FILES="${scan_files}" \
      timeout --kill-after=10 "${PAY_BROWSER_SCAN_TIMEOUT_S}" \
      node --test \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="${out_dir}/card_scan.tap" \
      card_scan.mjs
  ) || scan_status=$?
  ((status != 0)) || status=${scan_status}

  browser_counts="$(pay_browser_counts "${out_dir}/browser.tap")"
  scan_counts="$(pay_browser_counts "${out_dir}/card_scan.tap")"
  counts="$((${browser_counts% *} + ${scan_counts% *})) $((${browser_counts#* } + ${scan_counts#* }))"
  elapsed_us=$(($(pay_now_us) - started_us))
  # node exits 0 when it found no test file: that is a failure here.
  if ((status == 0 && (${browser_counts% *} == 0 || ${scan_counts% *} == 0))); then
    status=1
  fi
  where="screenshots in ${out_dir#"${PAY_ROOT}"/}/screenshots"
  ((status == 0)) || where+=", logs in ${out_dir#"${PAY_ROOT}"/}/logs"
  printf 'browser: %d passed, %d failed (%d.%01d s; %s)\n' \
    "${counts% *}" "${counts#* }" "$((elapsed_us / 1000000))" \
    "$(((elapsed_us / 100000) % 10))" "${where}"
  exit "${status}"
)
