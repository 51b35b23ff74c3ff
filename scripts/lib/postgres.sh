# shellcheck shell=bash
# A private PostgreSQL 15 cluster per purpose (var/pg for scripts/run,
# var/pg-test for scripts/test), owned by an unprivileged user because initdb
# and postgres refuse to run as root.
#
# Authentication is "trust": the cluster listens on 127.0.0.1 only, is private
# to this checkout, and holds throw-away dev/test data. Never copy this set-up
# to a shared or reachable machine.

PAY_PG_BIN="/usr/lib/postgresql/15/bin"
PAY_PG_OS_USER="paydb"
PAY_PG_DB_USER="payments"
PAY_PG_DB_NAME="payments"
PAY_PG_START_TIMEOUT_S=60
PAY_PG_ORPHAN_WAIT_S=15
# Appended to postgresql.conf only after initdb succeeded, so it doubles as
# the "cluster is complete" marker: a data dir without it is the wreck of an
# interrupted first run and is rebuilt.
PAY_PG_INCLUDE_LINE="include = 'payments-dev.conf'"

# Set by pay_pg_resolve.
PAY_PG_DATA_DIR=""
PAY_PG_SOCKET_DIR=""

pay_pg_as_owner() {
  if pay_is_root; then
    # From /: the caller's directory may be closed to paydb, and every path
    # we pass is absolute.
    (cd / && runuser -u "${PAY_PG_OS_USER}" -- "$@")
  else
    "$@"
  fi
}

pay_pg_ensure_os_user() {
  pay_is_root || return 0
  id -u "${PAY_PG_OS_USER}" >/dev/null 2>&1 && return 0
  pay_info "creating system user ${PAY_PG_OS_USER} to own the PostgreSQL cluster"
  useradd --system --no-create-home --shell /usr/sbin/nologin \
    "${PAY_PG_OS_USER}"
}

# Sets PAY_PG_DATA_DIR and PAY_PG_SOCKET_DIR for cluster $1 (pg | pg-test).
# When the checkout sits below a directory paydb cannot enter (a clone in
# /root, mode 700), the cluster lives under /var/lib/paydb/<checkout hash>
# instead, and var/<name> becomes a symlink to it for humans; postgres is
# always given the real path because it cannot follow the link either.
pay_pg_resolve() {
  local name="$1" base="${PAY_VAR}" socket_dir="${PAY_RUN_DIR}/${name}"
  if pay_is_root && ! runuser -u "${PAY_PG_OS_USER}" -- test -x "${PAY_VAR}"; then
    local hash
    hash="$(printf '%s' "${PAY_ROOT}" | sha256sum | cut -c1-12)"
    base="/var/lib/${PAY_PG_OS_USER}/${hash}"
    socket_dir="${base}/${name}-socket"
    mkdir -p "${base}"
    chown "${PAY_PG_OS_USER}:" "/var/lib/${PAY_PG_OS_USER}" "${base}"
    if [[ ! -e ${PAY_VAR}/${name} || -L ${PAY_VAR}/${name} ]]; then
      ln -sfn "${base}/${name}" "${PAY_VAR}/${name}"
    fi
  fi
  PAY_PG_DATA_DIR="${base}/${name}"
  # A unix socket path is limited to 107 bytes; past that, TCP only.
  if ((${#socket_dir} + 15 > 100)); then # 15 = "/.s.PGSQL.65535"
    socket_dir=""
  fi
  PAY_PG_SOCKET_DIR="${socket_dir}"
}

pay_pg_pidfile_field() {
  local line="$1"
  sed -n "${line}p" "${PAY_PG_DATA_DIR}/postmaster.pid" 2>/dev/null || true
}

# True when the pid in postmaster.pid is a live postgres serving this data dir
# (a pid file left by a kill -9 can name a pid since reused by anything).
pay_pg_running() {
  local pid cwd
  pid="$(pay_pg_pidfile_field 1)"
  pay_pid_running "${pid}" || return 1
  [[ $(cat "/proc/${pid}/comm" 2>/dev/null) == postgres ]] || return 1
  cwd="$(readlink "/proc/${pid}/cwd" 2>/dev/null)" || return 0
  [[ ${cwd} == "$(readlink -f "${PAY_PG_DATA_DIR}")" ]]
}

# Backends of a kill -9'd postmaster keep its shared memory attached for a
# moment, and postgres refuses to start until they are gone.
pay_pg_wait_for_orphans() {
  local data_real i pids
  data_real="$(readlink -f "${PAY_PG_DATA_DIR}")"
  for ((i = 0; i < PAY_PG_ORPHAN_WAIT_S * 5; i++)); do
    # find fails on processes that vanish mid-scan; that is expected.
    pids="$(find /proc/[0-9]*/cwd -maxdepth 0 -lname "${data_real}" 2>/dev/null \
      | cut -d/ -f3 | tr '\n' ' ' || true)"
    [[ -z ${pids} ]] && return 0
    ((i == 0)) && pay_info "waiting for leftover postgres processes: ${pids}"
    sleep 0.2
  done
  pay_die "processes ${pids}still use ${PAY_PG_DATA_DIR} after its" \
    "postmaster died; stop them and retry"
}

pay_pg_initialised() {
  grep -qxF "${PAY_PG_INCLUDE_LINE}" "${PAY_PG_DATA_DIR}/postgresql.conf" \
    2>/dev/null
}

pay_pg_initdb() {
  local log="$1"
  if [[ -d ${PAY_PG_DATA_DIR} && -n $(ls -A "${PAY_PG_DATA_DIR}") ]]; then
    pay_pg_running \
      && pay_die "${PAY_PG_DATA_DIR} is in use but not set up by these scripts"
    pay_warn "${PAY_PG_DATA_DIR} holds a half-created cluster; rebuilding it"
    rm -rf -- "${PAY_PG_DATA_DIR:?}"
  fi
  mkdir -p "${PAY_PG_DATA_DIR}"
  chmod 700 "${PAY_PG_DATA_DIR}"
  pay_is_root && chown "${PAY_PG_OS_USER}:" "${PAY_PG_DATA_DIR}"
  pay_info "initialising PostgreSQL cluster in ${PAY_PG_DATA_DIR}"
  if ! pay_pg_as_owner "${PAY_PG_BIN}/initdb" -D "${PAY_PG_DATA_DIR}" \
    -U postgres --auth=trust --encoding=UTF8 --no-locale >>"${log}" 2>&1; then
    pay_tail_log "${log}"
    pay_die "initdb failed for ${PAY_PG_DATA_DIR}"
  fi
  printf '%s\n' "${PAY_PG_INCLUDE_LINE}" >>"${PAY_PG_DATA_DIR}/postgresql.conf"
}

# Rewritten on every start so PG_PORT changes take effect.
pay_pg_write_conf() {
  local port="$1" conf="${PAY_PG_DATA_DIR}/payments-dev.conf"
  cat >"${conf}" <<CONF
# Written by scripts/lib/postgres.sh on every start; edits are lost.
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${PAY_PG_SOCKET_DIR}'
max_connections = 200
shared_buffers = 256MB
# Durability is part of what we measure: keep fsync and synchronous commit on.
fsync = on
synchronous_commit = on
CONF
  pay_is_root && chown "${PAY_PG_OS_USER}:" "${conf}"
  return 0
}

pay_pg_ensure_role_and_db() {
  local port="$1"
  local psql=("${PAY_PG_BIN}/psql" -X -q -t -A -v ON_ERROR_STOP=1
    -h 127.0.0.1 -p "${port}" -U postgres -d postgres)
  PGCONNECT_TIMEOUT=5 "${psql[@]}" -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PAY_PG_DB_USER}')
    THEN CREATE ROLE ${PAY_PG_DB_USER} LOGIN SUPERUSER; END IF; END \$\$;" \
    || pay_die "could not create role ${PAY_PG_DB_USER} on port ${port}"
  local exists
  exists="$(PGCONNECT_TIMEOUT=5 "${psql[@]}" -c \
    "SELECT 1 FROM pg_database WHERE datname = '${PAY_PG_DB_NAME}'")" \
    || pay_die "could not query databases on port ${port}"
  [[ ${exists} == 1 ]] && return 0
  PGCONNECT_TIMEOUT=5 "${psql[@]}" -c \
    "CREATE DATABASE ${PAY_PG_DB_NAME} OWNER ${PAY_PG_DB_USER}" \
    || pay_die "could not create database ${PAY_PG_DB_NAME} on port ${port}"
}

# Starts (or reuses) cluster $1 on port $2, logging to $3. $4 names the env
# variable that overrides the port, for error messages.
pay_pg_start() {
  local name="$1" port="$2" log="$3" port_env="$4"
  pay_pg_ensure_os_user
  pay_pg_resolve "${name}"
  mkdir -p "$(dirname "${log}")"
  touch "${log}"
  if pay_is_root; then
    chown "${PAY_PG_OS_USER}:" "${log}"
    if [[ -n ${PAY_PG_SOCKET_DIR} ]]; then
      mkdir -p "${PAY_PG_SOCKET_DIR}"
      chown "${PAY_PG_OS_USER}:" "${PAY_PG_SOCKET_DIR}"
    fi
  elif [[ -n ${PAY_PG_SOCKET_DIR} ]]; then
    mkdir -p "${PAY_PG_SOCKET_DIR}"
  fi

  pay_pg_initialised || pay_pg_initdb "${log}"

  if pay_pg_running; then
    if [[ $(pay_pg_pidfile_field 4) == "${port}" ]]; then
      pay_info "PostgreSQL (${name}) already running on port ${port}; reusing it"
      pay_pg_ensure_role_and_db "${port}"
      return 0
    fi
    pay_info "PostgreSQL (${name}) runs on another port; restarting on ${port}"
    pay_pg_stop_resolved
  elif [[ -f ${PAY_PG_DATA_DIR}/postmaster.pid ]]; then
    pay_info "PostgreSQL (${name}) was not shut down cleanly; recovering"
    pay_pg_wait_for_orphans
    # postgres discards a pid file whose pid is gone, but not one whose pid
    # is a zombie nobody reaped (PID 1 of many containers) or was reused by
    # another process of the same user; we have just proved it stale.
    rm -f -- "${PAY_PG_DATA_DIR}/postmaster.pid"
  fi

  pay_port_in_use "${port}" \
    && pay_die_port_taken "${port}" "PostgreSQL ${name}" "${port_env}"
  # The socket lock file has the same pid-reuse and zombie problems as
  # postmaster.pid; the directory is private to this cluster, which is down.
  if [[ -n ${PAY_PG_SOCKET_DIR} ]]; then
    rm -f -- "${PAY_PG_SOCKET_DIR}"/.s.PGSQL.*
  fi
  pay_pg_write_conf "${port}"

  pay_info "starting PostgreSQL (${name}) on 127.0.0.1:${port}"
  # The log is opened here (as root when root) and inherited by the server.
  if ! pay_without_locks pay_pg_as_owner "${PAY_PG_BIN}/pg_ctl" \
    -D "${PAY_PG_DATA_DIR}" -w -t "${PAY_PG_START_TIMEOUT_S}" start \
    >>"${log}" 2>&1 </dev/null; then
    pay_tail_log "${log}"
    pay_die "PostgreSQL (${name}) did not start on port ${port}"
  fi
  pay_pg_ensure_role_and_db "${port}"
}

pay_pg_stop_resolved() {
  pay_pg_running || return 0
  local pg_ctl=("${PAY_PG_BIN}/pg_ctl" -D "${PAY_PG_DATA_DIR}" -w -t 60 -s)
  if ! pay_pg_as_owner "${pg_ctl[@]}" -m fast stop </dev/null; then
    pay_warn "fast shutdown failed; forcing an immediate one"
    pay_pg_as_owner "${pg_ctl[@]}" -m immediate stop </dev/null || true
  fi
}

# Stops cluster $1 if it runs; a no-op otherwise.
pay_pg_stop() {
  local name="$1"
  if pay_is_root && ! id -u "${PAY_PG_OS_USER}" >/dev/null 2>&1; then
    return 0 # no owner user, so no cluster was ever created here
  fi
  pay_pg_resolve "${name}"
  [[ -d ${PAY_PG_DATA_DIR} ]] || return 0
  if pay_pg_running; then
    pay_info "stopping PostgreSQL (${name})"
    pay_pg_stop_resolved
  fi
}

# Cheap early check, before a long build: fails when the port is taken by
# anything but this cluster.
pay_pg_port_preflight() {
  local name="$1" port="$2" port_env="$3"
  local pidfile="${PAY_VAR}/${name}/postmaster.pid"
  pay_port_in_use "${port}" || return 0
  if [[ -f ${pidfile} && $(sed -n 4p "${pidfile}") == "${port}" ]] \
    && pay_pid_running "$(sed -n 1p "${pidfile}")"; then
    return 0
  fi
  pay_die_port_taken "${port}" "PostgreSQL ${name}" "${port_env}"
}

pay_pg_url() {
  local port="$1" db="$2"
  printf 'postgresql://%s@127.0.0.1:%s/%s' "${PAY_PG_DB_USER}" "${port}" "${db}"
}

# Restarts the running cluster $1 (fast shutdown unless $2 says otherwise:
# smart | fast | immediate; immediate is a crash as far as clients can tell,
# followed by crash recovery). Output goes to $3 (default
# var/log/postgres-<name>.log). For scripts/chaos, whose CHAOS_PG_RESTART
# calls it while paymentd runs; the caller holds no lock fds to leak.
pay_pg_restart() {
  local name="$1" mode="${2:-fast}"
  local log="${3:-${PAY_LOG_DIR}/postgres-${name}.log}"
  case "${mode}" in
    smart | fast | immediate) ;;
    *) pay_die "pay_pg_restart: unknown shutdown mode '${mode}'" ;;
  esac
  pay_pg_resolve "${name}"
  pay_pg_running || pay_die "PostgreSQL (${name}) is not running"
  pay_info "restarting PostgreSQL (${name}, ${mode} shutdown)"
  if ! pay_without_locks pay_pg_as_owner "${PAY_PG_BIN}/pg_ctl" \
    -D "${PAY_PG_DATA_DIR}" -w -t "${PAY_PG_START_TIMEOUT_S}" -m "${mode}" \
    restart >>"${log}" 2>&1 </dev/null; then
    pay_tail_log "${log}"
    pay_die "PostgreSQL (${name}) did not come back after a restart"
  fi
}
