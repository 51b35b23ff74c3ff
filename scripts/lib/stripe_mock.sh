# shellcheck shell=bash
# stripe-mock, Stripe's official mock (open source: github.com/stripe/stripe-mock),
# for the Stripe contract test (tests/contract, label "contract"): found,
# started on loopback ports the system picks, waited for and stopped. It
# checks every request against Stripe's OpenAPI specification; v0.122.0
# carries the specification of API version 2020-08-27, the version we pin
# (psp.stripe_version), and -strict-version-check makes it refuse any other
# Stripe-Version, so a stripe-mock with another specification fails every
# contract test with that reason instead of checking the wrong version.
# Sourced after common.sh and services.sh, never executed.
#
# Where the binary comes from: STRIPE_MOCK_BIN, else stripe-mock on PATH,
# else go's bin directory (where `go install` puts it).

PAY_STRIPE_MOCK_VERSION="v0.122.0"
PAY_STRIPE_MOCK_LOG="${PAY_LOG_DIR}/stripe-mock.log"
PAY_STRIPE_MOCK_PIDFILE="${PAY_RUN_DIR}/stripe-mock.pid"
PAY_STRIPE_MOCK_START_TIMEOUT_S=30
# Any sk_test_ key passes stripe-mock's authentication.
PAY_STRIPE_MOCK_KEY="sk_test_123"

PAY_STRIPE_MOCK_BIN=""       # set by pay_stripe_mock_find
PAY_STRIPE_MOCK_MISSING=""   # why it was not found

# Sets PAY_STRIPE_MOCK_BIN (an absolute path) and returns 0, or sets
# PAY_STRIPE_MOCK_MISSING and returns 1. A STRIPE_MOCK_BIN that is not an
# executable file is a mistake to fix, not a reason to skip: it dies.
pay_stripe_mock_find() {
  local found gobin
  if [[ -n ${STRIPE_MOCK_BIN:-} ]]; then
    [[ -f ${STRIPE_MOCK_BIN} && -x ${STRIPE_MOCK_BIN} ]] \
      || pay_die "STRIPE_MOCK_BIN=${STRIPE_MOCK_BIN} is not an executable file"
    PAY_STRIPE_MOCK_BIN="$(realpath -- "${STRIPE_MOCK_BIN}")"
    return 0
  fi
  if found="$(command -v stripe-mock)"; then
    PAY_STRIPE_MOCK_BIN="$(realpath -- "${found}")"
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    gobin="$(go env GOBIN 2>/dev/null)" || gobin=""
    if [[ -z ${gobin} ]]; then
      gobin="$(go env GOPATH 2>/dev/null)" || gobin=""
      [[ -n ${gobin} ]] && gobin="${gobin%%:*}/bin"
    fi
    if [[ -n ${gobin} && -x ${gobin}/stripe-mock ]]; then
      PAY_STRIPE_MOCK_BIN="$(realpath -- "${gobin}/stripe-mock")"
      return 0
    fi
  fi
  PAY_STRIPE_MOCK_MISSING="STRIPE_MOCK_BIN is not set and no stripe-mock is on PATH"
  return 1
}

# The lines that say the contract test did not run, why, and how to get
# stripe-mock; printed where they cannot be missed.
pay_stripe_mock_not_run_lines() {
  printf '%s\n' \
    "!!! Stripe contract test NOT RUN: ${PAY_STRIPE_MOCK_MISSING}." \
    "!!! The requests paymentd sends to Stripe were NOT checked against Stripe's API." \
    "!!! Get stripe-mock (open source, github.com/stripe/stripe-mock) with Go:" \
    "!!!   go install github.com/stripe/stripe-mock@${PAY_STRIPE_MOCK_VERSION}" \
    "!!! then put \$(go env GOPATH)/bin on PATH or set STRIPE_MOCK_BIN=/path/to/stripe-mock."
}

# Starts stripe-mock on 127.0.0.1, HTTP and HTTPS on ports the system picks
# (so it can never collide with anything), waits until it answers, and
# exports STRIPE_MOCK_URL (http) and STRIPE_MOCK_HTTPS_URL. Its log is
# var/log/stripe-mock.log, its pid var/run/stripe-mock.pid. Dies when it does
# not come up.
pay_stripe_mock_start() {
  local bin="${PAY_STRIPE_MOCK_BIN}" log="${PAY_STRIPE_MOCK_LOG}" pid
  local deadline_us http_addr="" https_addr=""
  [[ -n ${bin} ]] || pay_die "pay_stripe_mock_start: call pay_stripe_mock_find first"
  # One a killed run left behind.
  pay_stop_pidfile "${PAY_STRIPE_MOCK_PIDFILE}" "${bin}" stripe-mock
  : >"${log}"
  pay_info "starting stripe-mock (${bin})"
  pay_spawn_service "${bin}" "${log}" "${PAY_STRIPE_MOCK_PIDFILE}" -- \
    -http-addr 127.0.0.1:0 -https-addr 127.0.0.1:0 -strict-version-check
  pid="${PAY_SVC_PID}"
  deadline_us=$(($(pay_now_us) + PAY_STRIPE_MOCK_START_TIMEOUT_S * 1000000))
  while true; do
    if ! pay_pid_running "${pid}"; then
      pay_tail_log "${log}"
      pay_die "stripe-mock exited during start-up (see ${log})"
    fi
    [[ -n ${http_addr} ]] \
      || http_addr="$(sed -n 's/^Listening for HTTP at address: //p' "${log}")"
    [[ -n ${https_addr} ]] \
      || https_addr="$(sed -n 's/^Listening for HTTPS at address: //p' "${log}")"
    if [[ -n ${http_addr} && -n ${https_addr} ]] \
      && curl -fsS -o /dev/null --max-time 2 -u "${PAY_STRIPE_MOCK_KEY}:" \
        "http://${http_addr}/v1/balance" 2>/dev/null; then
      break
    fi
    if (($(pay_now_us) > deadline_us)); then
      pay_tail_log "${log}"
      pay_die "stripe-mock did not answer within ${PAY_STRIPE_MOCK_START_TIMEOUT_S}s (see ${log})"
    fi
    sleep 0.1
  done
  export STRIPE_MOCK_URL="http://${http_addr}"
  export STRIPE_MOCK_HTTPS_URL="https://${https_addr}"
  pay_info "stripe-mock answers at ${STRIPE_MOCK_URL} (https ${https_addr})"
}

# Stops the stripe-mock pay_stripe_mock_start started, if it still runs.
pay_stripe_mock_stop() {
  [[ -n ${PAY_STRIPE_MOCK_BIN} ]] || return 0
  pay_stop_pidfile "${PAY_STRIPE_MOCK_PIDFILE}" "${PAY_STRIPE_MOCK_BIN}" \
    stripe-mock
}

# "<passed> <failed>" of the contract tests in ctest's output $1.
pay_stripe_mock_counts() {
  local log="$1" passed failed
  passed="$(grep -cE 'Test +#[0-9]+: contract\..* Passed ' "${log}" 2>/dev/null)" \
    || passed=0
  failed="$(grep -E 'Test +#[0-9]+: contract\.' "${log}" 2>/dev/null \
    | grep -cvE ' Passed ')" || failed=0
  printf '%s %s\n' "${passed}" "${failed}"
}
