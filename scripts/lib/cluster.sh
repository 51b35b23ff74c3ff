# shellcheck shell=bash
# paymentd as several nodes behind HAProxy (scripts/run --nodes N), and
# PostgreSQL as a Patroni pair (--ha). docs/operations.md shows the
# topology. Source after common.sh, deps.sh, postgres.sh, services.sh,
# haproxy.sh and patroni.sh.

# Ports, each overridable from the environment: the nodes listen on
# PAYMENTD_HTTP_PORT+1 .. +N, HAProxy on PAYMENTD_HTTP_PORT itself.
PAY_HAPROXY_STATS_PORT="${HAPROXY_STATS_PORT:-8404}"
PAY_CLUSTER_PG_PORTS=("${HA_PG1_PORT:-15443}" "${HA_PG2_PORT:-15444}")
PAY_CLUSTER_REST_PORTS=("${HA_REST1_PORT:-18008}" "${HA_REST2_PORT:-18009}")
PAY_CLUSTER_ETCD_PORTS=("${HA_ETCD_CLIENT_PORT:-12379}" "${HA_ETCD_PEER_PORT:-12380}")

pay_cluster_haproxy_cfg() { printf '%s/haproxy.cfg' "${PAY_RUN_DIR}"; }
pay_cluster_haproxy_pidfile() { printf '%s/haproxy.pid' "${PAY_RUN_DIR}"; }
pay_cluster_ha_dir() { printf '%s/ha' "${PAY_VAR}"; }

# paymentd-node1 ... : service names whose binary is paymentd.
pay_cluster_node_name() { printf 'paymentd-node%s' "$1"; }

# The PostgreSQL pair under var/ha with HAProxy's port PG_PORT in front of
# the primary; prints nothing, sets DATABASE_URL.
pay_cluster_start_ha() {
  local pg_port="$1"
  pay_ha_deps_ensure
  pay_ha_start "$(pay_cluster_ha_dir)" "${PAY_CLUSTER_PG_PORTS[@]}" \
    "${PAY_CLUSTER_REST_PORTS[@]}" "${PAY_CLUSTER_ETCD_PORTS[@]}"
  # shellcheck disable=SC2034 # read by the caller
  DATABASE_URL="$(pay_ha_url "${pg_port}")"
}

# Writes HAProxy's config: the public port over NODE_URL..., plus (with
# --ha) the PostgreSQL port over the Patroni pair, and starts it.
# Usage: pay_cluster_start_haproxy PUBLIC_PORT HA(0|1) PG_PORT NODE_URL...
pay_cluster_start_haproxy() {
  local public_port="$1" ha="$2" pg_port="$3" cfg
  shift 3
  cfg="$(pay_cluster_haproxy_cfg)"
  pay_haproxy_deps_ensure
  pay_haproxy_write_config "${cfg}" "${public_port}" \
    "${PAY_HAPROXY_STATS_PORT}" "$@"
  if ((ha)); then
    pay_haproxy_write_pg_section "${cfg}" "${pg_port}" \
      "${PAY_CLUSTER_PG_PORTS[0]}:${PAY_CLUSTER_REST_PORTS[0]}" \
      "${PAY_CLUSTER_PG_PORTS[1]}:${PAY_CLUSTER_REST_PORTS[1]}"
  fi
  pay_haproxy_start "${cfg}" "$(pay_cluster_haproxy_pidfile)" \
    "${PAY_LOG_DIR}/haproxy.log"
  if ((ha)); then
    pay_haproxy_wait_pg_primary "${PAY_HAPROXY_STATS_PORT}" 30
  fi
}

pay_cluster_stop_haproxy() {
  pay_haproxy_stop "$(pay_cluster_haproxy_pidfile)"
}

# Every paymentd-node* a run left, whatever N was.
pay_cluster_stop_nodes() {
  local pidfile name
  for pidfile in "${PAY_RUN_DIR}"/paymentd-node*.pid; do
    [[ -e ${pidfile} ]] || continue
    name="$(basename "${pidfile}" .pid)"
    pay_svc_stop "${name}"
  done
}

pay_cluster_stop_ha() {
  [[ -d $(pay_cluster_ha_dir) ]] || return 0
  pay_ha_stop "$(pay_cluster_ha_dir)"
}
