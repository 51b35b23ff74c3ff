# shellcheck shell=bash
# Shared helpers for scripts/run, scripts/test and scripts/stop: paths, logging,
# phase timing, process and port checks. Sourced, never executed.

PAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PAY_VAR="${PAY_ROOT}/var"
PAY_LOG_DIR="${PAY_VAR}/log"
PAY_RUN_DIR="${PAY_VAR}/run"
PAY_BUILD_DIR="${PAY_ROOT}/build"
PAY_BIN_DIR="${PAY_BUILD_DIR}/bin"

pay_info() { printf '==> %s\n' "$*"; }
pay_warn() { printf 'warning: %s\n' "$*" >&2; }
pay_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

pay_is_root() { [[ ${EUID} -eq 0 ]]; }

pay_make_var_dirs() {
  mkdir -p "${PAY_LOG_DIR}" "${PAY_RUN_DIR}"
}

# Takes an exclusive lock for the rest of the calling script's life, so that
# two invocations never fight over the same cluster or pid files.
PAY_LOCK_FDS=()
# $1 = lock name, $2 = what holding it means, for the error message.
pay_lock_or_die() {
  local name="$1" held_msg="$2" fd
  local path="${PAY_RUN_DIR}/${name}.lock"
  exec {fd}>"${path}"
  flock -n "${fd}" || pay_die "${held_msg} (it holds ${path})"
  PAY_LOCK_FDS+=("${fd}")
}

# bash does not mark our lock descriptors close-on-exec, so a long-lived child
# (postgres, paymentd) would hold the lock after this script has exited.
# Call only inside a subshell that is about to run such a child.
pay_close_lock_fds() {
  local fd
  for fd in "${PAY_LOCK_FDS[@]}"; do
    exec {fd}>&-
  done
}

# Runs a command (or shell function) in a subshell without our lock fds.
# Not for "&": that would add a second subshell, and "$!" would not be the
# command's pid; background jobs use ( pay_close_lock_fds; exec ... ) & instead.
pay_without_locks() {
  (
    pay_close_lock_fds
    if declare -F "$1" >/dev/null; then
      "$@"
    else
      exec "$@"
    fi
  )
}

# True when someone holds the named lock (used by stop to leave a running
# scripts/test alone).
pay_lock_is_held() {
  local path="${PAY_RUN_DIR}/$1.lock"
  [[ -e ${path} ]] || return 1
  ! flock -n "${path}" true
}

# --- phase timing -------------------------------------------------------------
# EPOCHREALTIME avoids forking date(1); some locales print a comma.
pay_now_us() {
  local t="${EPOCHREALTIME/,/.}"
  printf '%s' "${t/./}"
}

PAY_PHASE_NAMES=()
PAY_PHASE_US=()
PAY_PHASE_STARTED_US=0
PAY_PHASE_CURRENT=""

pay_phase_begin() {
  pay_phase_end
  PAY_PHASE_CURRENT="$1"
  PAY_PHASE_STARTED_US="$(pay_now_us)"
}

pay_phase_end() {
  [[ -n ${PAY_PHASE_CURRENT} ]] || return 0
  local now_us
  now_us="$(pay_now_us)"
  PAY_PHASE_NAMES+=("${PAY_PHASE_CURRENT}")
  PAY_PHASE_US+=("$((now_us - PAY_PHASE_STARTED_US))")
  PAY_PHASE_CURRENT=""
}

pay_phase_report() {
  pay_phase_end
  local i us
  for i in "${!PAY_PHASE_NAMES[@]}"; do
    us="${PAY_PHASE_US[i]}"
    printf '  %-16s %6d.%01ds\n' "${PAY_PHASE_NAMES[i]}" \
      "$((us / 1000000))" "$(((us / 100000) % 10))"
  done
}

# --- processes ----------------------------------------------------------------
# A zombie still answers kill -0, and nothing may reap it (PID 1 in containers
# is often not an init), so look at the state letter instead.
pay_pid_running() {
  local pid="$1" stat
  [[ ${pid} =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/${pid}/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ -n ${stat} && ${stat:0:1} != Z ]]
}

# argv[0] of a live process, empty when it is gone.
pay_pid_argv0() {
  local pid="$1"
  [[ -r /proc/${pid}/cmdline ]] || return 0
  tr '\0' '\n' <"/proc/${pid}/cmdline" 2>/dev/null | head -n 1
}

# Sends TERM, waits up to $2 seconds, then KILL. Returns once it is gone.
pay_stop_pid() {
  local pid="$1" grace_s="${2:-10}" i
  pay_pid_running "${pid}" || return 0
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < grace_s * 10; i++)); do
    pay_pid_running "${pid}" || return 0
    sleep 0.1
  done
  pay_warn "pid ${pid} ignored SIGTERM for ${grace_s}s; sending SIGKILL"
  kill -KILL "${pid}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pay_pid_running "${pid}" || return 0
    sleep 0.1
  done
  pay_warn "pid ${pid} is still alive after SIGKILL"
}

# --- ports and HTTP -----------------------------------------------------------
# Uses bash's /dev/tcp so it works without iproute2 (not in the base image).
# Anything bound to 127.0.0.1, 0.0.0.0 or a dual-stack [::] answers here.
pay_port_in_use() {
  local port="$1"
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/${port}" 2>/dev/null
}

# Best effort description of who listens on a port, for error messages.
pay_port_holder() {
  local port="$1"
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :${port}" 2>/dev/null \
    | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' \
    | head -n 1
}

# ENV_NAME, when given, is the variable that picks another port.
pay_die_port_taken() {
  local port="$1" what="$2" env_name="${3:-}" holder
  holder="$(pay_port_holder "${port}")"
  pay_die "port ${port} (${what}) is already in use${holder:+ by ${holder}};" \
    "stop that process${env_name:+ or pick another port with ${env_name}=<port>}"
}

# Waits until URL answers 2xx; dies after TIMEOUT_S naming WHERE to look.
pay_wait_http_ok() {
  local url="$1" timeout_s="$2" where="$3" deadline=$((SECONDS + $2))
  until pay_http_ok "${url}"; do
    ((SECONDS < deadline)) \
      || pay_die "${url} did not answer within ${timeout_s}s (see ${where})"
    sleep 0.1
  done
}

# PAY_CURL_CACERT, when set, is the CA that https URLs are verified against.
pay_http_ok() {
  local url="$1" tls=()
  [[ -n ${PAY_CURL_CACERT:-} ]] && tls=(--cacert "${PAY_CURL_CACERT}")
  curl -fsS -o /dev/null --max-time 2 "${tls[@]}" "${url}" 2>/dev/null
}

pay_tail_log() {
  local log="$1"
  printf -- '--- last 30 lines of %s ---\n' "${log}" >&2
  tail -n 30 "${log}" >&2 2>/dev/null || true
  printf -- '--- end of %s ---\n' "${log}" >&2
}

# Hex token from the kernel's CSPRNG; od is in coreutils, unlike xxd.
pay_random_hex() {
  local bytes="$1"
  od -An -tx1 -N"${bytes}" /dev/urandom | tr -d ' \n'
}

# A test-mode API key in paymentd's shape (sk_test_ + 43 base62), for the
# harnesses that start a paymentd of their own with
# PAYMENTD_BOOTSTRAP_ADMIN_KEY. Interactive set-ups use `paymentd keys`.
pay_new_test_key() {
  local secret
  secret="$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 43 || true)"
  printf 'sk_test_%s' "${secret}"
}
