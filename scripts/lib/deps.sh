# shellcheck shell=bash
# System packages. These arrays are the only lists of what the project needs
# from apt; the README and CI rely on the scripts to install them.

PAY_APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libcaf-dev libpqxx-dev libboost1.81-dev libboost-json1.81-dev libspdlog-dev
  libgtest-dev libgmock-dev libssl-dev prometheus-cpp-dev libjemalloc-dev
  prometheus chromium
  postgresql postgresql-contrib
  curl ca-certificates openssl procps jq
)

# scripts/fuzz only (installed only when its mode is asked for): clang and
# libFuzzer's runtime, which gcc has no counterpart of.
PAY_FUZZ_APT_PACKAGES=(clang libfuzzer-14-dev)

# Prints the packages among "$@" that are not fully installed.
# One dpkg-query call for the whole list keeps the all-present path fast.
pay_packages_missing() {
  local installed=() pkg name status
  # shellcheck disable=SC2016 # ${Package} is dpkg-query's syntax, not bash's
  while IFS=' ' read -r name status; do
    # "install ok installed", or "hold ok installed" for a pinned package.
    if [[ ${status} == *' ok installed' ]]; then
      installed+=("${name%%:*}")
    fi
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
  for pkg in "$@"; do
    [[ " ${installed[*]} " == *" ${pkg} "* ]] || printf '%s\n' "${pkg}"
  done
}

# Prints the packages from PAY_APT_PACKAGES that are not fully installed.
pay_deps_missing() {
  pay_packages_missing "${PAY_APT_PACKAGES[@]}"
}

# Installs whichever of "$@" are missing (as root), or says how to.
pay_packages_ensure() {
  local missing=()
  mapfile -t missing < <(pay_packages_missing "$@")
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

  mapfile -t missing < <(pay_packages_missing "$@")
  [[ ${#missing[@]} -eq 0 ]] \
    || pay_die "apt-get finished but these are still missing: ${missing[*]}"
}

pay_deps_ensure() {
  pay_packages_ensure "${PAY_APT_PACKAGES[@]}"
}

pay_fuzz_deps_ensure() {
  pay_packages_ensure "${PAY_FUZZ_APT_PACKAGES[@]}"
}
