# shellcheck shell=bash
# System packages. This array is the only list of what the project needs from
# apt; the README and CI rely on scripts/run and scripts/test to install it.

PAY_APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev libpqxx-dev libboost1.81-dev libboost-json1.81-dev libspdlog-dev
  libgtest-dev libgmock-dev libssl-dev prometheus-cpp-dev libjemalloc-dev
  prometheus chromium
  postgresql postgresql-contrib
  curl ca-certificates openssl procps jq
)

# Prints the packages from PAY_APT_PACKAGES that are not fully installed.
# One dpkg-query call for the whole list keeps the all-present path fast.
pay_deps_missing() {
  local installed=() pkg name status
  # shellcheck disable=SC2016 # ${Package} is dpkg-query's syntax, not bash's
  while IFS=' ' read -r name status; do
    # "install ok installed", or "hold ok installed" for a pinned package.
    if [[ ${status} == *' ok installed' ]]; then
      installed+=("${name%%:*}")
    fi
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PAY_APT_PACKAGES[@]}" \
    2>/dev/null || true)
  for pkg in "${PAY_APT_PACKAGES[@]}"; do
    [[ " ${installed[*]} " == *" ${pkg} "* ]] || printf '%s\n' "${pkg}"
  done
}

pay_deps_ensure() {
  local missing=()
  mapfile -t missing < <(pay_deps_missing)
  [[ ${#missing[@]} -eq 0 ]] && return 0

  if ! pay_is_root; then
    printf 'error: missing system packages: %s\n' "${missing[*]}" >&2
    printf 'install them with:\n  sudo apt-get update && ' >&2
    printf 'sudo apt-get install -y --no-install-recommends %s\n' \
      "${missing[*]}" >&2
    exit 1
  fi

  pay_info "installing ${#missing[@]} missing packages: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${missing[@]}"

  mapfile -t missing < <(pay_deps_missing)
  [[ ${#missing[@]} -eq 0 ]] \
    || pay_die "apt-get finished but these are still missing: ${missing[*]}"
}
