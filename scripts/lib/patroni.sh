# shellcheck shell=bash
# A two-member PostgreSQL 15 cluster managed by Patroni (Debian's patroni
# package) with a single local etcd as its consensus store, for tests that
# kill the primary and expect a standby to take over without losing a
# committed transaction. Sourced after common.sh, deps.sh, postgres.sh,
# services.sh and haproxy.sh, never executed.
#
# Everything lives under one directory the caller picks (DIR below):
#   DIR/cluster.env       ports of this cluster, read back by the helpers
#   DIR/etcd/             etcd data         DIR/etcd.log, DIR/etcd.pid
#   DIR/pg1.yml, pg2.yml  Patroni configs   DIR/pg1.log, DIR/pg1.pid (Patroni)
#   DIR/pg1/, DIR/pg2/    PostgreSQL data directories
# Patroni's and PostgreSQL's output share the member's log.
#
# Like postgres.sh: "trust" authentication, loopback only, throw-away data.
# Never copy this set-up to a shared or reachable machine.

PAY_HA_APT_PACKAGES=(patroni python3-etcd etcd-server etcd-client)
PAY_HA_SCOPE="payments-ha"
PAY_HA_MEMBERS=(pg1 pg2)
PAY_HA_REPL_USER="replicator"
PAY_HA_START_TIMEOUT_S=120
PAY_HA_STOP_GRACE_S=30
PAY_HA_PATRONI_BIN="/usr/bin/patroni"
PAY_HA_ETCD_BIN="/usr/bin/etcd"
# Written once the first start completed; a DIR without it holds the wreck of
# an interrupted first start and is bootstrapped again from scratch.
PAY_HA_DONE_MARKER="bootstrapped"

# Set by pay_ha_load.
PAY_HA_PG_PORTS=()
PAY_HA_REST_PORTS=()
PAY_HA_ETCD_CLIENT_PORT=""
PAY_HA_ETCD_PEER_PORT=""

# python3-etcd is only one of the alternatives patroni depends on; naming it
# makes sure the etcd3 client is there even when another alternative is.
pay_ha_deps_ensure() {
  pay_packages_ensure "${PAY_HA_APT_PACKAGES[@]}" "${PAY_CLUSTER_APT_PACKAGES[@]}"
}

pay_ha_url() {
  local haproxy_pg_port="$1"
  printf 'postgresql://%s@127.0.0.1:%s/%s' "${PAY_PG_DB_USER}" \
    "${haproxy_pg_port}" "${PAY_PG_DB_NAME}"
}

# Loads the ports pay_ha_start recorded for DIR. Returns 1 when DIR holds no
# cluster.
pay_ha_load() {
  local dir="$1"
  [[ -f ${dir}/cluster.env ]] || return 1
  # shellcheck disable=SC1091 # written by pay_ha_start, below
  source "${dir}/cluster.env"
}

# psql as the superuser against one member, quiet and unaligned.
# Usage: pay_ha_psql PG_PORT [psql args...]
pay_ha_psql() {
  local port="$1"
  shift
  PGCONNECT_TIMEOUT=3 "${PAY_PG_BIN}/psql" -X -q -t -A -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "${port}" -U postgres -d postgres "$@"
}

# True when the REST API on REST_PORT answers PATH with 200 (Patroni answers
# /primary only on the leader, /sync only on the synchronous standby).
pay_ha_rest_ok() {
  local rest_port="$1" path="$2"
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:${rest_port}${path}" \
    2>/dev/null
}

# Prints the index (0 or 1) of the member that is primary now; returns 1 when
# none is. Expects pay_ha_load.
pay_ha_primary_index() {
  local i
  for i in "${!PAY_HA_MEMBERS[@]}"; do
    if pay_ha_rest_ok "${PAY_HA_REST_PORTS[i]}" /primary; then
      printf '%s' "${i}"
      return 0
    fi
  done
  return 1
}

# Name (pg1 or pg2) of the current primary of DIR's cluster; returns 1 when
# there is none (during a failover, or when the cluster is down).
pay_ha_primary_member() {
  local i
  pay_ha_load "$1" || return 1
  i="$(pay_ha_primary_index)" || return 1
  printf '%s' "${PAY_HA_MEMBERS[i]}"
}

# Patroni REST port of the current primary of DIR's cluster; returns 1 when
# there is none.
pay_ha_primary_rest_port() {
  local i
  pay_ha_load "$1" || return 1
  i="$(pay_ha_primary_index)" || return 1
  printf '%s' "${PAY_HA_REST_PORTS[i]}"
}

# PostgreSQL port of the current primary of DIR's cluster (a direct
# connection, bypassing HAProxy); returns 1 when there is none.
pay_ha_primary_pg_port() {
  local i
  pay_ha_load "$1" || return 1
  i="$(pay_ha_primary_index)" || return 1
  printf '%s' "${PAY_HA_PG_PORTS[i]}"
}

# The postmaster pid of DATA_DIR when it is a live postgres running there (a
# pid file left by a kill -9 can name a pid since reused by anything); returns
# 1 otherwise.
pay_ha_postmaster_pid() {
  local data_dir="$1" pid cwd
  pid="$(sed -n 1p "${data_dir}/postmaster.pid" 2>/dev/null || true)"
  pay_pid_running "${pid}" || return 1
  [[ $(cat "/proc/${pid}/comm" 2>/dev/null) == postgres ]] || return 1
  cwd="$(readlink "/proc/${pid}/cwd" 2>/dev/null)" || return 1
  [[ ${cwd} == "$(readlink -f "${data_dir}")" ]] || return 1
  printf '%s' "${pid}"
}

# The postmaster pid of the current primary of DIR's cluster, for tests that
# kill -9 it; returns 1 when there is no primary.
pay_ha_primary_postmaster_pid() {
  local dir="$1" member
  member="$(pay_ha_primary_member "${dir}")" || return 1
  pay_ha_postmaster_pid "${dir}/${member}"
}

# True when PID is alive and its command line contains NEEDLE (our config or
# data path): Patroni's argv[0] is the python interpreter, so comparing argv[0]
# as pay_stop_pidfile does would not tell our Patroni from anyone else's.
pay_ha_pid_is() {
  local pid="$1" needle="$2"
  pay_pid_running "${pid}" || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "${needle}"
}

# Starts BIN ARGS... in its own session as the PostgreSQL OS user, from DIR,
# output appended to LOG, its pid in PIDFILE and PAY_SVC_PID. Not
# pay_pg_as_owner: runuser stays behind as the parent, so "$!" would be
# runuser's pid; setpriv execs, keeping "$!" the service's own pid.
# Usage: pay_ha_spawn DIR LOG PIDFILE BIN [ARGS...]
pay_ha_spawn() {
  local dir="$1" log="$2" pidfile="$3"
  shift 3
  local as_owner=()
  if pay_is_root; then
    as_owner=(setpriv "--reuid=${PAY_PG_OS_USER}" "--regid=${PAY_PG_OS_USER}"
      --init-groups --)
  fi
  printf '\n=== %s: starting %s ===\n' "$(date -Is)" "$*" >>"${log}"
  # HOME: the owner has none, and psql or Patroni may look there.
  (
    pay_close_lock_fds
    cd "${dir}" || exit 1
    exec env HOME="${dir}" USER="${PAY_PG_OS_USER}" LOGNAME="${PAY_PG_OS_USER}" \
      setsid "${as_owner[@]}" "$@"
  ) >>"${log}" 2>&1 </dev/null &
  PAY_SVC_PID=$!
  printf '%s\n' "${PAY_SVC_PID}" >"${pidfile}"
}

# Writes the Patroni configuration of member NAME into DIR/NAME.yml.
# Usage: pay_ha_write_member_config DIR NAME PG_PORT REST_PORT ETCD_CLIENT_PORT
pay_ha_write_member_config() {
  local dir="$1" name="$2" pg_port="$3" rest_port="$4" etcd_port="$5"
  local cfg="${dir}/${name}.yml"
  cat >"${cfg}" <<YAML
# Written by scripts/lib/patroni.sh on every pay_ha_start; edits are lost.
scope: ${PAY_HA_SCOPE}
namespace: /${PAY_HA_SCOPE}/
name: ${name}

log:
  level: INFO

restapi:
  listen: 127.0.0.1:${rest_port}
  connect_address: 127.0.0.1:${rest_port}

etcd3:
  hosts: 127.0.0.1:${etcd_port}

# Read once, when the cluster is first bootstrapped; later changes go through
# patronictl edit-config.
bootstrap:
  dcs:
    # A dead leader's key expires after ttl seconds; every member looks at the
    # cluster every loop_wait seconds. Patroni wants
    # loop_wait + 2 * retry_timeout <= ttl, hence 4 rather than 5.
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # Patroni's default is to restart a crashed primary in place and wait up
    # to 300 s for it; 0 fails over to the synchronous standby at once instead,
    # which is what the failover tests exercise.
    primary_start_timeout: 0
    # Every commit waits until the standby has flushed it, and only that
    # standby may be promoted: a commit the client saw survives the loss of
    # the primary.
    synchronous_mode: true
    # The trade-off: with strict mode off, once the standby is gone Patroni
    # drops it from synchronous_standby_names and the primary keeps accepting
    # writes on its own. Availability wins; until the standby is back, a
    # second failure (of that lone primary's disk) can lose commits. Strict
    # mode would block every commit instead until a standby returns.
    synchronous_mode_strict: false
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        max_connections: 200
        shared_buffers: 128MB
        wal_level: replica
        hot_standby: 'on'
        max_wal_senders: 5
        max_replication_slots: 5
        wal_log_hints: 'on'
        synchronous_commit: 'on'
        wal_keep_size: 128MB
  initdb:
    - encoding: UTF8
    - locale: C
    - auth: trust

postgresql:
  listen: 127.0.0.1:${pg_port}
  connect_address: 127.0.0.1:${pg_port}
  data_dir: ${dir}/${name}
  # Debian's patroni does not find Debian's versioned server binaries itself.
  bin_dir: ${PAY_PG_BIN}
  # The default, ~/.pgpass, is not writable: the owner has no home.
  pgpass: ${dir}/${name}.pgpass
  authentication:
    superuser:
      username: postgres
    replication:
      username: ${PAY_HA_REPL_USER}
  parameters:
    # TCP only: the default socket directory, /var/run/postgresql, is not
    # the owner's, and Patroni, psql and HAProxy all use 127.0.0.1.
    unix_socket_directories: ''
  pg_hba:
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
  # A test cluster must always come back by itself: a former primary that
  # pg_rewind cannot fix is re-cloned from the new one.
  remove_data_directory_on_rewind_failure: true
  remove_data_directory_on_diverged_timelines: true
  basebackup:
    - checkpoint: fast
YAML
}

# Dies unless the PostgreSQL OS user can create files in DIR.
pay_ha_check_dir_access() {
  local dir="$1"
  pay_is_root || return 0
  runuser -u "${PAY_PG_OS_USER}" -- test -w "${dir}" -a -x "${dir}" \
    || pay_die "${PAY_PG_OS_USER} cannot write to ${dir} (is a parent" \
      "directory closed to other users, like /root?); pick another directory"
}

# Stops the process PIDFILE names if its command line still mentions NEEDLE;
# TERM first, KILL after GRACE_S seconds. Always clears PIDFILE.
# Usage: pay_ha_stop_pidfile PIDFILE NEEDLE NAME GRACE_S
pay_ha_stop_pidfile() {
  local pidfile="$1" needle="$2" name="$3" grace_s="$4" pid
  [[ -f ${pidfile} ]] || return 0
  pid="$(<"${pidfile}")"
  if pay_ha_pid_is "${pid}" "${needle}"; then
    pay_info "stopping ${name} (pid ${pid})"
    pay_stop_pid "${pid}" "${grace_s}"
    wait "${pid}" 2>/dev/null || true # reap it when it is our child
  fi
  rm -f -- "${pidfile}"
}

# PIDs of the processes whose working directory is DATA_DIR: a postmaster and
# its children (backends of a kill -9'd postmaster linger for a moment).
pay_ha_pids_in() {
  local data_real="$1"
  # find fails on processes that vanish mid-scan; that is expected.
  find /proc/[0-9]*/cwd -maxdepth 0 -lname "${data_real}" 2>/dev/null \
    | cut -d/ -f3 || true
}

# Stops a PostgreSQL that outlived its Patroni (Patroni was killed, or a start
# failed halfway): an immediate shutdown, then KILL for whatever still runs in
# DATA_DIR. Only processes whose working directory is DATA_DIR are touched.
pay_ha_stop_leftover_postgres() {
  local data_dir="$1" pid data_real i pids=()
  [[ -d ${data_dir} ]] || return 0
  data_real="$(readlink -f "${data_dir}")"
  if pid="$(pay_ha_postmaster_pid "${data_dir}")"; then
    # SIGQUIT is PostgreSQL's immediate shutdown: no checkpoint, children told
    # to exit. The data is a test cluster's, and crash recovery handles it.
    kill -QUIT "${pid}" 2>/dev/null || true
  fi
  for ((i = 0; i < 50; i++)); do
    mapfile -t pids < <(pay_ha_pids_in "${data_real}")
    ((${#pids[@]} == 0)) && return 0
    if ((i == 25)); then
      kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    sleep 0.2
  done
  pay_warn "processes ${pids[*]} still run in ${data_dir}"
}

# Stops the Patroni members (and their PostgreSQL) and etcd of DIR's cluster.
# A no-op for what is not running, so it is safe to call twice and after a
# start that failed halfway.
# Usage: pay_ha_stop DIR
pay_ha_stop() {
  local dir="$1" member pid pids=() i
  [[ -d ${dir} ]] || return 0
  dir="$(cd "${dir}" && pwd -P)"

  # Both members at once: stopped one after the other, the second would first
  # take over from the first, only to be stopped in turn.
  for member in "${PAY_HA_MEMBERS[@]}"; do
    [[ -f ${dir}/${member}.pid ]] || continue
    pid="$(<"${dir}/${member}.pid")"
    if pay_ha_pid_is "${pid}" "${dir}/${member}.yml"; then
      kill -TERM "${pid}" 2>/dev/null || true
      pids+=("${pid}")
    fi
  done
  if ((${#pids[@]} > 0)); then
    pay_info "stopping Patroni members in ${dir}"
    local alive
    for ((i = 0; i < PAY_HA_STOP_GRACE_S * 10; i++)); do
      alive=0
      for pid in "${pids[@]}"; do
        pay_pid_running "${pid}" && alive=1
      done
      ((alive)) || break
      sleep 0.1
    done
  fi
  for member in "${PAY_HA_MEMBERS[@]}"; do
    pay_ha_stop_pidfile "${dir}/${member}.pid" "${dir}/${member}.yml" \
      "Patroni ${member}" 1
    pay_ha_stop_leftover_postgres "${dir}/${member}"
  done
  # etcd last: Patroni needs it to hand the leader key back cleanly.
  pay_ha_stop_pidfile "${dir}/etcd.pid" "${dir}/etcd" etcd 10
}

# Waits until DIR's cluster has a primary whose synchronous standby is
# streaming: after pay_ha_start, and in tests, after a failover once the old
# primary has rejoined. Dies (showing the logs) when a process of ours exits
# or the deadline passes.
# Usage: pay_ha_wait_ready DIR TIMEOUT_S
pay_ha_wait_ready() {
  local dir="$1" timeout_s="$2" deadline_us i primary standby member pid n
  pay_ha_load "${dir}" || pay_die "${dir} holds no HA cluster (no cluster.env)"
  deadline_us=$(($(pay_now_us) + timeout_s * 1000000))
  while true; do
    for member in etcd "${PAY_HA_MEMBERS[@]}"; do
      pid="$(cat "${dir}/${member}.pid" 2>/dev/null || true)"
      if ! pay_pid_running "${pid}"; then
        pay_tail_log "${dir}/${member}.log"
        pay_die "${member} of the HA cluster in ${dir} exited (see ${dir}/${member}.log)"
      fi
    done
    if primary="$(pay_ha_primary_index)"; then
      standby=$((1 - primary))
      if pay_ha_rest_ok "${PAY_HA_REST_PORTS[standby]}" /sync; then
        # /sync only says that the DCS names the standby; the primary's own
        # view says that it really streams and acknowledges commits.
        n="$(pay_ha_psql "${PAY_HA_PG_PORTS[primary]}" -c "SELECT count(*)
          FROM pg_stat_replication
          WHERE state = 'streaming' AND sync_state = 'sync'" 2>/dev/null)" || n=0
        [[ ${n} == 1 ]] && return 0
      fi
    fi
    if (($(pay_now_us) > deadline_us)); then
      for i in etcd "${PAY_HA_MEMBERS[@]}"; do
        pay_tail_log "${dir}/${i}.log"
      done
      pay_die "the HA cluster in ${dir} has no primary with a streaming" \
        "synchronous standby after ${timeout_s}s"
    fi
    sleep 0.2
  done
}

# Waits until member INDEX is the primary (the first start, before the other
# member may join). Expects pay_ha_load.
pay_ha_wait_primary() {
  local dir="$1" index="$2" timeout_s="$3" deadline_us member pid
  member="${PAY_HA_MEMBERS[index]}"
  deadline_us=$(($(pay_now_us) + timeout_s * 1000000))
  until pay_ha_rest_ok "${PAY_HA_REST_PORTS[index]}" /primary; do
    pid="$(cat "${dir}/${member}.pid" 2>/dev/null || true)"
    if ! pay_pid_running "${pid}"; then
      pay_tail_log "${dir}/${member}.log"
      pay_die "Patroni ${member} exited during bootstrap (see ${dir}/${member}.log)"
    fi
    if (($(pay_now_us) > deadline_us)); then
      pay_tail_log "${dir}/${member}.log"
      pay_die "Patroni ${member} did not become primary within ${timeout_s}s"
    fi
    sleep 0.2
  done
}

# The payments role and database, as postgres.sh makes them but without
# SUPERUSER. Created through the primary, so replication copies them.
pay_ha_ensure_role_and_db() {
  local port="$1" exists
  pay_ha_psql "${port}" -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PAY_PG_DB_USER}')
    THEN CREATE ROLE ${PAY_PG_DB_USER} LOGIN CREATEDB; END IF; END \$\$;" \
    || pay_die "could not create role ${PAY_PG_DB_USER} on port ${port}"
  exists="$(pay_ha_psql "${port}" -c \
    "SELECT 1 FROM pg_database WHERE datname = '${PAY_PG_DB_NAME}'")" \
    || pay_die "could not query databases on port ${port}"
  [[ ${exists} == 1 ]] && return 0
  pay_ha_psql "${port}" -c \
    "CREATE DATABASE ${PAY_PG_DB_NAME} OWNER ${PAY_PG_DB_USER}" \
    || pay_die "could not create database ${PAY_PG_DB_NAME} on port ${port}"
}

# Starts etcd and the Patroni members pg1 and pg2 in DIR (bootstrapping the
# cluster on first use, reusing it afterwards) and waits until there is a
# primary with a streaming synchronous standby and the payments database.
# Dies when anything fails; pay_ha_stop DIR cleans up after that too.
# Usage: pay_ha_start DIR PG_PORT_1 PG_PORT_2 REST_PORT_1 REST_PORT_2
#                     ETCD_CLIENT_PORT ETCD_PEER_PORT
pay_ha_start() {
  (($# == 7)) || pay_die "pay_ha_start: expected DIR and six ports, got $#"
  local dir="$1" port i member
  local -a all_ports=("${@:2}")
  for port in "${all_ports[@]}"; do
    if [[ ! ${port} =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
      pay_die "pay_ha_start: '${port}' is not a TCP port"
    fi
  done
  [[ -x ${PAY_HA_PATRONI_BIN} && -x ${PAY_HA_ETCD_BIN} ]] \
    || pay_die "patroni or etcd is missing; run pay_ha_deps_ensure"

  # The path goes into YAML and etcd flags unquoted.
  [[ ${dir} =~ ^[A-Za-z0-9/._-]+$ ]] \
    || pay_die "pay_ha_start: '${dir}' has characters other than A-Za-z0-9/._-"
  pay_pg_ensure_os_user
  mkdir -p "${dir}"
  dir="$(cd "${dir}" && pwd -P)"
  # Leftovers of an earlier run in the same DIR, before their ports are
  # judged taken.
  pay_ha_stop "${dir}"
  pay_is_root && chown "${PAY_PG_OS_USER}:" "${dir}"
  pay_ha_check_dir_access "${dir}"

  for port in "${all_ports[@]}"; do
    pay_port_in_use "${port}" && pay_die_port_taken "${port}" "HA cluster"
  done

  PAY_HA_PG_PORTS=("$2" "$3")
  PAY_HA_REST_PORTS=("$4" "$5")
  PAY_HA_ETCD_CLIENT_PORT="$6"
  PAY_HA_ETCD_PEER_PORT="$7"
  printf 'PAY_HA_PG_PORTS=(%q %q)\nPAY_HA_REST_PORTS=(%q %q)\n' \
    "$2" "$3" "$4" "$5" >"${dir}/cluster.env"
  printf 'PAY_HA_ETCD_CLIENT_PORT=%q\nPAY_HA_ETCD_PEER_PORT=%q\n' \
    "$6" "$7" >>"${dir}/cluster.env"

  local fresh=0
  if [[ ! -f ${dir}/${PAY_HA_DONE_MARKER} ]]; then
    fresh=1
    # Ports and member data from a half-finished bootstrap would not match.
    rm -rf -- "${dir}/etcd" "${dir:?}/pg1" "${dir:?}/pg2"
  fi
  for i in "${!PAY_HA_MEMBERS[@]}"; do
    pay_ha_write_member_config "${dir}" "${PAY_HA_MEMBERS[i]}" \
      "${PAY_HA_PG_PORTS[i]}" "${PAY_HA_REST_PORTS[i]}" "${PAY_HA_ETCD_CLIENT_PORT}"
  done
  for member in etcd "${PAY_HA_MEMBERS[@]}"; do
    touch "${dir}/${member}.log"
  done

  pay_info "starting etcd on 127.0.0.1:${PAY_HA_ETCD_CLIENT_PORT}"
  pay_ha_spawn "${dir}" "${dir}/etcd.log" "${dir}/etcd.pid" "${PAY_HA_ETCD_BIN}" \
    --name "${PAY_HA_SCOPE}" --data-dir "${dir}/etcd" \
    --listen-client-urls "http://127.0.0.1:${PAY_HA_ETCD_CLIENT_PORT}" \
    --advertise-client-urls "http://127.0.0.1:${PAY_HA_ETCD_CLIENT_PORT}" \
    --listen-peer-urls "http://127.0.0.1:${PAY_HA_ETCD_PEER_PORT}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${PAY_HA_ETCD_PEER_PORT}" \
    --initial-cluster "${PAY_HA_SCOPE}=http://127.0.0.1:${PAY_HA_ETCD_PEER_PORT}" \
    --initial-cluster-state new --initial-cluster-token "${PAY_HA_SCOPE}" \
    --logger zap --log-outputs stderr --log-level warn
  local deadline_us=$(($(pay_now_us) + 30 * 1000000))
  until pay_http_ok "http://127.0.0.1:${PAY_HA_ETCD_CLIENT_PORT}/health"; do
    if ! pay_pid_running "${PAY_SVC_PID}" || (($(pay_now_us) > deadline_us)); then
      pay_tail_log "${dir}/etcd.log"
      pay_die "etcd did not come up on 127.0.0.1:${PAY_HA_ETCD_CLIENT_PORT} (see ${dir}/etcd.log)"
    fi
    sleep 0.1
  done

  pay_info "starting Patroni members ${PAY_HA_MEMBERS[*]} in ${dir}"
  for i in "${!PAY_HA_MEMBERS[@]}"; do
    member="${PAY_HA_MEMBERS[i]}"
    pay_ha_spawn "${dir}" "${dir}/${member}.log" "${dir}/${member}.pid" \
      "${PAY_HA_PATRONI_BIN}" "${dir}/${member}.yml"
    # On a fresh cluster pg1 bootstraps alone, so that it is the first
    # primary; pg2 then clones it. On reuse, whichever member may lead must
    # see the other, so both start together.
    if ((fresh && i == 0)); then
      pay_ha_wait_primary "${dir}" 0 "${PAY_HA_START_TIMEOUT_S}"
    fi
  done
  pay_ha_wait_ready "${dir}" "${PAY_HA_START_TIMEOUT_S}"

  local primary
  primary="$(pay_ha_primary_index)" \
    || pay_die "the HA cluster in ${dir} lost its primary during start-up"
  pay_ha_ensure_role_and_db "${PAY_HA_PG_PORTS[primary]}"
  : >"${dir}/${PAY_HA_DONE_MARKER}"
  pay_info "HA cluster ready: primary ${PAY_HA_MEMBERS[primary]}" \
    "(127.0.0.1:${PAY_HA_PG_PORTS[primary]}), synchronous standby" \
    "${PAY_HA_MEMBERS[1 - primary]}"
}
