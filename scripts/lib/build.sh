# shellcheck shell=bash
# CMake configure + build. Configuring only when the tree has no generated
# build system keeps the everything-built path to a no-op ninja run; ninja
# itself re-runs cmake when a CMakeLists.txt changes.

PAY_BUILD_JOBS="${PAY_BUILD_JOBS:-$(nproc)}"

# ccache: paths relative to the checkout and no working directory in the
# hash, so a fresh clone elsewhere (CI) reuses what an earlier build cached.
export CCACHE_BASEDIR="${PAY_ROOT}"
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

# $1 = build dir, $2 = build type, rest = extra cmake -D arguments.
pay_build_configure() {
  local dir="$1" type="$2"
  shift 2
  if [[ -f ${dir}/CMakeCache.txt && ( -f ${dir}/build.ninja \
    || -f ${dir}/Makefile ) ]]; then
    return 0
  fi
  pay_info "configuring ${dir#"${PAY_ROOT}"/} (${type})"
  cmake -S "${PAY_ROOT}" -B "${dir}" -G Ninja -DCMAKE_BUILD_TYPE="${type}" "$@"
}

# $1 = build dir, rest = targets (none = all).
pay_build_targets() {
  local dir="$1"
  shift
  local target_args=()
  [[ $# -gt 0 ]] && target_args=(--target "$@")
  pay_info "building ${dir#"${PAY_ROOT}"/}${1:+ (targets: $*)}"
  cmake --build "${dir}" -j"${PAY_BUILD_JOBS}" "${target_args[@]}"
}

pay_build_main() {
  pay_build_configure "${PAY_BUILD_DIR}" RelWithDebInfo
  pay_build_targets "${PAY_BUILD_DIR}"
}
