# shellcheck shell=bash
# Starting, health-checking and stopping pspsim and paymentd as background
# processes with pid files under var/run and logs under var/log.

PAY_HEALTH_TIMEOUT_S=30
PAY_STOP_GRACE_S=10
PAY_PSP_API_KEY="sk_test_pspsim"

pay_svc_pidfile() { printf '%s/%s.pid' "${PAY_RUN_DIR}" "$1"; }
pay_svc_log() { printf '%s/%s.log' "${PAY_LOG_DIR}" "$1"; }
# paymentd-node2 (scripts/lib/cluster.sh) is a paymentd too.
pay_svc_bin() { printf '%s/%s' "${PAY_BIN_DIR}" "${1%%-node*}"; }

# Prints the pid of service $1 started by an earlier run of ours, if it still
# runs: the pid file must name a live process whose argv[0] is our binary, so
# a recycled pid is never mistaken for it.
pay_svc_own_pid() {
  local name="$1" pidfile pid
  pidfile="$(pay_svc_pidfile "${name}")"
  [[ -f ${pidfile} ]] || return 1
  pid="$(<"${pidfile}")"
  pay_pid_running "${pid}" || return 1
  [[ $(pay_pid_argv0 "${pid}") == "$(pay_svc_bin "${name}")" ]] || return 1
  printf '%s' "${pid}"
}

# Stops the process PIDFILE names if it still runs BIN (a recycled pid is
# never mistaken for it); always clears PIDFILE.
# Usage: pay_stop_pidfile PIDFILE BIN NAME
pay_stop_pidfile() {
  local pidfile="$1" bin="$2" name="$3" pid
  if [[ -f ${pidfile} ]]; then
    pid="$(<"${pidfile}")"
    if pay_pid_running "${pid}" && [[ $(pay_pid_argv0 "${pid}") == "${bin}" ]]
    then
      pay_info "stopping ${name} (pid ${pid})"
      pay_stop_pid "${pid}" "${PAY_STOP_GRACE_S}"
      wait "${pid}" 2>/dev/null || true # reap it when it is our child
    fi
  fi
  rm -f -- "${pidfile}"
}

# Stops service $1 if one of ours runs; always clears its pid file.
pay_svc_stop() {
  pay_stop_pidfile "$(pay_svc_pidfile "$1")" "$(pay_svc_bin "$1")" "$1"
}

# Cheap early check, before a long build: fails when the port is taken by
# anything but our own earlier instance of the service (which start replaces).
pay_svc_port_preflight() {
  local name="$1" port="$2" port_env="$3"
  pay_port_in_use "${port}" || return 0
  pay_svc_own_pid "${name}" >/dev/null && return 0
  pay_die_port_taken "${port}" "${name}" "${port_env}"
}

# Usage: pay_svc_start NAME PORT PORT_ENV_NAME [VAR=value...] -- [args...]
# Starts build/bin/NAME in its own session (so Ctrl-C in the terminal reaches
# only scripts/run, which then stops it in order), stdin closed, output
# appended to var/log/NAME.log. Sets PAY_SVC_PID.
PAY_SVC_PID=""
pay_svc_start() {
  local name="$1" port="$2" port_env="$3"
  shift 3
  local bin log pidfile old_pid
  bin="$(pay_svc_bin "${name}")"
  log="$(pay_svc_log "${name}")"
  pidfile="$(pay_svc_pidfile "${name}")"

  if old_pid="$(pay_svc_own_pid "${name}")"; then
    pay_info "${name} from an earlier run is still up (pid ${old_pid}); replacing it"
  fi
  pay_svc_stop "${name}"
  [[ -x ${bin} ]] || pay_die "${bin} does not exist; did the build produce it?"
  pay_port_in_use "${port}" \
    && pay_die_port_taken "${port}" "${name}" "${port_env}"

  pay_spawn_service "${bin}" "${log}" "${pidfile}" "$@"
}

# Starts BIN in its own session, stdin closed, output appended to LOG, its
# pid in PIDFILE and PAY_SVC_PID.
# Usage: pay_spawn_service BIN LOG PIDFILE [VAR=value...] -- [args...]
pay_spawn_service() {
  local bin="$1" log="$2" pidfile="$3"
  shift 3
  local env_vars=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    env_vars+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  printf '\n=== %s: starting %s %s ===\n' "$(date -Is)" "${bin}" "$*" >>"${log}"
  # One subshell that execs: "$!" is then the service's own pid.
  (
    pay_close_lock_fds
    exec env "${env_vars[@]}" setsid "${bin}" "$@"
  ) >>"${log}" 2>&1 </dev/null &
  PAY_SVC_PID=$!
  printf '%s\n' "${PAY_SVC_PID}" >"${pidfile}"
}

# Waits until every URL answers 2xx; fails fast if the process exits.
# Usage: pay_svc_wait_healthy NAME PID URL...
pay_svc_wait_healthy() {
  local name="$1" pid="$2"
  shift 2
  local log deadline_us url all_ok
  log="$(pay_svc_log "${name}")"
  deadline_us=$(($(pay_now_us) + PAY_HEALTH_TIMEOUT_S * 1000000))
  while true; do
    if ! pay_pid_running "${pid}"; then
      pay_tail_log "${log}"
      pay_die "${name} exited during start-up (see ${log})"
    fi
    all_ok=1
    for url in "$@"; do
      pay_http_ok "${url}" || { all_ok=0; break; }
    done
    ((all_ok)) && return 0
    if (($(pay_now_us) > deadline_us)); then
      pay_tail_log "${log}"
      pay_die "${name} did not answer ${url} with 200 within" \
        "${PAY_HEALTH_TIMEOUT_S}s (see ${log})"
    fi
    sleep 0.2
  done
}

# The keys scripts/run hands out: an admin key (the operator page, /admin)
# and a merchant key (the /v1 API), made once with `paymentd keys create` and
# reused while the database still knows them, so bookmarks and scripts keep
# working across restarts. Kept in var/keys.env, readable by its owner only.
# Sets ADMIN_KEY, MERCHANT_KEY and MERCHANT_ACCOUNT (the merchant's account:
# its checkout ids are stored, and named on the buyer's status page, as
# "<account>:<checkout_id>"). Usage: pay_ensure_keys DATABASE_URL
pay_ensure_keys() {
  local database_url="$1" path="${PAY_VAR}/keys.env" bin
  bin="$(pay_svc_bin paymentd)"
  ADMIN_KEY="" MERCHANT_KEY="" MERCHANT_ACCOUNT=""
  if [[ -s ${path} ]]; then
    # shellcheck disable=SC1090 # written below, by us
    source "${path}"
  fi
  local name role var made
  for var in ADMIN_KEY MERCHANT_KEY; do
    if [[ -n ${!var} ]] \
      && DATABASE_URL="${database_url}" "${bin}" keys verify <<<"${!var}"; then
      continue
    fi
    if [[ ${var} == ADMIN_KEY ]]; then name=operator role=admin; else
      name=demo-merchant role=merchant
    fi
    made="$(DATABASE_URL="${database_url}" "${bin}" keys create \
      --name "${name}" --role "${role}")" || pay_die "paymentd keys create failed"
    printf -v "${var}" '%s' "$(jq -r .secret <<<"${made}")"
    [[ ${var} == MERCHANT_KEY ]] && MERCHANT_ACCOUNT="$(jq -r .account <<<"${made}")"
  done
  (
    umask 077
    printf 'ADMIN_KEY=%q\nMERCHANT_KEY=%q\nMERCHANT_ACCOUNT=%q\n' \
      "${ADMIN_KEY}" "${MERCHANT_KEY}" "${MERCHANT_ACCOUNT}" >"${path}"
  )
  chmod 600 "${path}"
}
