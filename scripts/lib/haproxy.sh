# shellcheck shell=bash
# HAProxy (the Debian haproxy package) in front of several paymentd nodes, and
# optionally in front of a Patroni-managed PostgreSQL pair (scripts/lib/
# patroni.sh), for the multi-node set-ups: one loopback address that keeps
# answering while single nodes die. Sourced after common.sh, deps.sh and
# services.sh, never executed.
#
# HAProxy runs in the foreground (-db) as a background job of ours rather than
# daemonising itself, so "$!" is its pid and its log lines (server up/down)
# land in the log file we give it instead of syslog, which containers lack.

PAY_CLUSTER_APT_PACKAGES=(haproxy)

PAY_HAPROXY_BIN="/usr/sbin/haproxy"
PAY_HAPROXY_START_TIMEOUT_S=10

pay_haproxy_deps_ensure() {
  pay_packages_ensure "${PAY_CLUSTER_APT_PACKAGES[@]}"
}

# Dies unless $1 is a TCP port number; $2 says which argument it was.
pay_haproxy_check_port() {
  local port="$1" what="$2"
  if [[ ! ${port} =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    pay_die "haproxy: ${what} '${port}' is not a TCP port"
  fi
}

# Writes an HAProxy configuration to CFG_FILE (replacing it): an HTTP frontend
# on 127.0.0.1:PUBLIC_PORT spreading requests round-robin over the paymentd
# nodes (each NODE_URL is http://HOST:PORT), and the statistics page on
# 127.0.0.1:STATS_PORT at /stats (/stats;csv for scripts).
# Usage: pay_haproxy_write_config CFG_FILE PUBLIC_PORT STATS_PORT NODE_URL...
pay_haproxy_write_config() {
  local cfg="$1" public_port="$2" stats_port="$3"
  shift 3
  (($# > 0)) || pay_die "pay_haproxy_write_config: no paymentd node URLs given"
  pay_haproxy_check_port "${public_port}" "public port"
  pay_haproxy_check_port "${stats_port}" "stats port"

  local servers="" url host port n=0
  for url in "$@"; do
    [[ ${url} =~ ^http://([A-Za-z0-9.-]+):([0-9]+)/?$ ]] \
      || pay_die "pay_haproxy_write_config: '${url}' is not http://HOST:PORT"
    host="${BASH_REMATCH[1]}" port="${BASH_REMATCH[2]}"
    pay_haproxy_check_port "${port}" "port of ${url}"
    n=$((n + 1))
    servers+="  server node${n} ${host}:${port} check"$'\n'
  done

  mkdir -p "$(dirname "${cfg}")"
  cat >"${cfg}" <<CFG
# Written by scripts/lib/haproxy.sh (pay_haproxy_write_config); edits are lost.
global
  # stdout is the log file pay_haproxy_start gives us. "notice" keeps server
  # state changes (up, down, no server available) and drops the per-request
  # lines, which are logged at "info".
  log stdout format raw local0 notice
  maxconn 4096

defaults
  mode http
  log global
  option dontlognull
  timeout connect 2s
  # paymentd may hold a request for up to 30 s (waiting on a PSP or a lock);
  # the server timeout must outlast that or HAProxy answers 504 for a request
  # the node is still working on, and the client timeout must outlast both.
  timeout server 35s
  timeout client 40s
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout queue 5s
  timeout check 2s
  # A node that dies takes a moment to be marked down (fall 2 x inter); in the
  # meantime, requests that hit it are retried on another node instead of
  # failing. Without redispatch, retries would stick to the dead server.
  retries 2
  option redispatch
  retry-on conn-failure empty-response response-timeout

frontend payments_http
  bind 127.0.0.1:${public_port}
  default_backend paymentd

backend paymentd
  balance roundrobin
  # An empty-response or response-timeout retry re-sends a request that the
  # dead node may already have acted on. HAProxy itself does that for any
  # method, so this rule is what limits POSTs (and every other method that
  # changes state) to the connection-failure retry, where the request never
  # reached a node. GET and HEAD are safe to send twice.
  http-request disable-l7-retry unless METH_GET
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
${servers}
listen stats
  bind 127.0.0.1:${stats_port}
  stats enable
  stats uri /stats
  stats refresh 5s
CFG
}

# Appends to CFG_FILE a TCP frontend on 127.0.0.1:PG_PORT that forwards to
# whichever PostgreSQL is the Patroni primary. Each member is given as
# PG_PORT_OF_MEMBER:PATRONI_REST_PORT (both on 127.0.0.1); its REST API answers
# GET /primary with 200 only on the current leader, so exactly one server is
# up at a time and clients never reach a read-only standby.
# Usage: pay_haproxy_write_pg_section CFG_FILE PG_PORT MEMBER_PG:MEMBER_REST...
pay_haproxy_write_pg_section() {
  local cfg="$1" pg_port="$2"
  shift 2
  (($# > 0)) || pay_die "pay_haproxy_write_pg_section: no Patroni members given"
  [[ -f ${cfg} ]] \
    || pay_die "pay_haproxy_write_pg_section: ${cfg} does not exist; write it first"
  pay_haproxy_check_port "${pg_port}" "PostgreSQL port"

  local servers="" member member_pg member_rest n=0
  for member in "$@"; do
    [[ ${member} =~ ^([0-9]+):([0-9]+)$ ]] \
      || pay_die "pay_haproxy_write_pg_section: '${member}' is not PG_PORT:REST_PORT"
    member_pg="${BASH_REMATCH[1]}" member_rest="${BASH_REMATCH[2]}"
    pay_haproxy_check_port "${member_pg}" "member PostgreSQL port"
    pay_haproxy_check_port "${member_rest}" "member REST port"
    n=$((n + 1))
    servers+="  server pg${n} 127.0.0.1:${member_pg} check port ${member_rest}"$'\n'
  done

  cat >>"${cfg}" <<CFG

# Written by scripts/lib/haproxy.sh (pay_haproxy_write_pg_section).
listen postgres_primary
  bind 127.0.0.1:${pg_port}
  mode tcp
  # Database connections are long-lived and idle between transactions; the
  # HTTP timeouts from defaults would cut pooled connections.
  timeout client 30m
  timeout server 30m
  option httpchk GET /primary
  http-check expect status 200
  # A refused connection is retried after min(timeout connect, 1s); on
  # loopback a connect never takes long, and a short turn-around lets the
  # retries reach the new primary within a client's connect timeout.
  timeout connect 250ms
  # inter 1s in steady state; fastinter re-checks a server that just failed
  # a check (so the dead primary is down after ~1.25 s, not 2 s) and
  # downinter polls the down ones (so the promoted standby is up within
  # 250 ms of its promotion). Checks are cheap REST calls on loopback.
  # shutdown-sessions: when the old primary is marked down, its open
  # connections are cut at once, so clients reconnect (to the new primary)
  # instead of hanging on a server that may come back as a read-only standby.
  default-server inter 1s fastinter 250ms downinter 250ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers}
CFG
}

# Waits until the postgres_primary section of the HAProxy whose stats page is
# on STATS_PORT routes to exactly one server that passed its check. Until the
# first checks have run (spread over the first second), HAProxy counts every
# server as up and would send some connections to the read-only standby.
# Dies after TIMEOUT_S seconds.
# Usage: pay_haproxy_wait_pg_primary STATS_PORT TIMEOUT_S
pay_haproxy_wait_pg_primary() {
  local stats_port="$1" timeout_s="$2" deadline_us states
  deadline_us=$(($(pay_now_us) + timeout_s * 1000000))
  while true; do
    # Field 18 of the CSV is the status: "UP" only after a passed check,
    # "UP 1/2" and the like while checks are pending. Prints e.g. "UP DOWN".
    states="$(curl -fsS --max-time 2 "http://127.0.0.1:${stats_port}/stats;csv" \
      2>/dev/null | awk -F, '$1 == "postgres_primary" && $2 != "FRONTEND" \
        && $2 != "BACKEND" { printf "%s%s", sep, $18; sep = " " }' || true)"
    # Exactly one "UP" word, everything else "DOWN".
    if [[ " ${states} " == *" UP "* \
      && $(tr ' ' '\n' <<<"${states}" | grep -cvx DOWN) == 1 ]]; then
      return 0
    fi
    (($(pay_now_us) > deadline_us)) \
      && pay_die "HAProxy (stats on port ${stats_port}) routes to no single" \
        "PostgreSQL primary after ${timeout_s}s; server states: ${states}"
    sleep 0.1
  done
}

# The 127.0.0.1 ports CFG_FILE binds, one a line.
pay_haproxy_bind_ports() {
  sed -n 's/^[[:space:]]*bind[[:space:]]\{1,\}127\.0\.0\.1:\([0-9]\{1,\}\).*/\1/p' "$1"
}

# Validates CFG_FILE, then starts HAProxy on it in the background: its pid in
# PIDFILE, its output appended to LOGFILE. Replaces an instance an earlier run
# left behind under the same PIDFILE. Returns once every bind port accepts
# connections; dies (showing the log) otherwise.
# Usage: pay_haproxy_start CFG_FILE PIDFILE LOGFILE
pay_haproxy_start() {
  local cfg="$1" pidfile="$2" log="$3" out port pid deadline_us all_up
  [[ -x ${PAY_HAPROXY_BIN} ]] \
    || pay_die "${PAY_HAPROXY_BIN} is missing; run pay_haproxy_deps_ensure"
  if ! out="$("${PAY_HAPROXY_BIN}" -c -q -f "${cfg}" 2>&1)"; then
    printf '%s\n' "${out}" >&2
    pay_die "haproxy rejects ${cfg}"
  fi

  pay_haproxy_stop "${pidfile}"
  local ports=()
  mapfile -t ports < <(pay_haproxy_bind_ports "${cfg}")
  for port in "${ports[@]}"; do
    pay_port_in_use "${port}" && pay_die_port_taken "${port}" "haproxy, ${cfg}"
  done

  mkdir -p "$(dirname "${log}")" "$(dirname "${pidfile}")"
  pay_info "starting haproxy (${cfg})"
  pay_spawn_service "${PAY_HAPROXY_BIN}" "${log}" "${pidfile}" -- -db -f "${cfg}"
  pid="${PAY_SVC_PID}"

  deadline_us=$(($(pay_now_us) + PAY_HAPROXY_START_TIMEOUT_S * 1000000))
  while true; do
    if ! pay_pid_running "${pid}"; then
      pay_tail_log "${log}"
      pay_die "haproxy exited during start-up (see ${log})"
    fi
    all_up=1
    for port in "${ports[@]}"; do
      pay_port_in_use "${port}" || { all_up=0; break; }
    done
    ((all_up)) && return 0
    if (($(pay_now_us) > deadline_us)); then
      pay_tail_log "${log}"
      pay_die "haproxy did not listen on port ${port} within" \
        "${PAY_HAPROXY_START_TIMEOUT_S}s (see ${log})"
    fi
    sleep 0.1
  done
}

# Stops the HAProxy that PIDFILE names, if it still runs; clears PIDFILE.
# A no-op when nothing runs, so it is safe to call twice.
# Usage: pay_haproxy_stop PIDFILE
pay_haproxy_stop() {
  pay_stop_pidfile "$1" "${PAY_HAPROXY_BIN}" haproxy
}
