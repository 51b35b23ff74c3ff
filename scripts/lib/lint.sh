# shellcheck shell=bash
# clang-format and clang-tidy for scripts/lint (.clang-format, .clang-tidy,
# docs/contributing.md). Sourced after common.sh, deps.sh and build.sh, never
# executed.

# Debian's unversioned packages: clang-format and clang-tidy 14 on bookworm.
PAY_LINT_APT_PACKAGES=(clang-format clang-tidy)

PAY_LINT_JOBS="${PAY_LINT_JOBS:-2}"
PAY_LINT_VAR="${PAY_VAR}/lint"

# The folders whose .cpp files clang-tidy reads (headers are checked through
# them, see HeaderFilterRegex). The test code (PAY_TIDY_EXTRA_DIRS, read with
# scripts/lint --all) almost doubles a first run, for findings that never
# reach a shipped binary; fuzz/ is compiled only by scripts/fuzz, with clang,
# into build-fuzz/, so the main compile database has no entry for it.
PAY_TIDY_DIRS=(actors app config domain gateway http messages observability
  persistence pspsim)
# shellcheck disable=SC2034 # used by scripts/lint --all
PAY_TIDY_EXTRA_DIRS=(testkit tests tools)

pay_lint_deps() {
  pay_packages_ensure "${PAY_LINT_APT_PACKAGES[@]}"
}

# Tracked C++ sources and headers, NUL-separated, relative to PAY_ROOT (not
# those deleted but not yet staged). Build trees are untracked, but a
# checkout without git (a tarball) falls back to find, which has to skip them.
pay_lint_cxx_files() {
  if git -C "${PAY_ROOT}" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    local f
    git -C "${PAY_ROOT}" ls-files -z -- '*.cpp' '*.hpp' \
      | while IFS= read -r -d '' f; do
        [[ -e ${PAY_ROOT}/${f} ]] && printf '%s\0' "${f}"
      done
  else
    (cd "${PAY_ROOT}" && find . \( -name 'build*' -o -name var -o -name .git \
      -o -name node_modules \) -prune -o -type f \
      \( -name '*.cpp' -o -name '*.hpp' \) -printf '%P\0')
  fi
}

# Prints "file:line" for a file clang-format would change ($1), at its first
# complaint, as one short write (so parallel workers never interleave). Only
# called for the files of a batch that failed as a whole.
pay_lint_format_one() {
  local first
  clang-format --dry-run --Werror --style=file "$1" >/dev/null 2>&1 && return 0
  first="$(clang-format --dry-run --style=file "$1" 2>&1 | head -n 1)"
  first="${first#"$1":}"
  printf '%s:%s\n' "$1" "${first%%:*}"
}

# $1 = check | fix. check prints each file that is not formatted and fails
# if there is any.
pay_lint_format() {
  local mode="$1" bad
  cd "${PAY_ROOT}" || return 1
  if [[ ${mode} == fix ]]; then
    pay_lint_cxx_files | xargs -0 -r -P "${PAY_LINT_JOBS}" -n 20 \
      clang-format -i --style=file
    return 0
  fi
  export -f pay_lint_format_one
  # shellcheck disable=SC2016 # "$@" is the inner bash's
  bad="$(pay_lint_cxx_files | xargs -0 -r -P "${PAY_LINT_JOBS}" -n 20 \
    bash -c 'clang-format --dry-run --Werror --style=file "$@" >/dev/null 2>&1 \
      || for f; do pay_lint_format_one "$f"; done' _ | sort)"
  if [[ -z ${bad} ]]; then
    pay_info "clang-format: $(pay_lint_cxx_files | tr -cd '\0' | wc -c) files," \
      "all formatted"
    return 0
  fi
  printf '%s\n' "${bad}" | sed 's/^/  not formatted: /'
  printf '%d files need formatting: scripts/lint --fix\n' \
    "$(printf '%s\n' "${bad}" | wc -l)"
  return 1
}

# The compile database clang-tidy reads. The main build exports it (see
# CMAKE_EXPORT_COMPILE_COMMANDS in CMakeLists.txt); configuring is enough,
# nothing has to be built, as no tracked source includes a generated file.
pay_lint_compile_db() {
  local db="${PAY_BUILD_DIR}/compile_commands.json"
  [[ -f ${db} ]] && return 0
  pay_deps_ensure
  if [[ -f ${PAY_BUILD_DIR}/CMakeCache.txt ]]; then
    # Configured before the export was switched on: generate again.
    cmake -S "${PAY_ROOT}" -B "${PAY_BUILD_DIR}" >/dev/null
  else
    pay_build_configure "${PAY_BUILD_DIR}" RelWithDebInfo
  fi
  [[ -f ${db} ]] || pay_die "cmake wrote no ${db}"
}

# Runs clang-tidy on one translation unit ($1, absolute) and writes its
# diagnostics to $2. The result is remembered in var/lint/cache/ under a hash
# of: the text of the unit and of every project header it includes (comments
# and NOLINTs too), the paths of the system headers it includes, the dpkg
# database's mtime (system headers change only through apt), its compiler
# command, .clang-tidy and the clang-tidy version. It is replayed while none
# of these change; PAY_LINT_NO_CACHE=1 ignores what is remembered.
pay_lint_tidy_one() {
  local file="$1" out="$2" cmd key="" status=0 deps=()
  local cache="${PAY_LINT_VAR}/cache"
  cmd="$(jq -r --arg f "${file}" \
    'map(select(.file == $f)) | first | .command // empty' \
    "${PAY_BUILD_DIR}/compile_commands.json")"
  # "c++ ... -o x.o -c file.cpp" -> "c++ ... -M file.cpp": the header list,
  # much faster than preprocessing (CMake's commands never quote these).
  if [[ -n ${cmd} ]] && mapfile -t deps < <(
    cd "${PAY_BUILD_DIR}" \
      && eval "$(sed -e 's/ -o [^ ]*//' -e 's/ -c / -M /' <<<"${cmd}")" \
        2>/dev/null | sed -e 's/^[^:]*://' -e 's/\\$//' | tr ' ' '\n' \
      | grep . | sort -u
  ) && [[ ${#deps[@]} -gt 0 ]]; then
    key="$(
      printf '%s\n' "${cmd}" "${deps[@]}"
      stat -c %Y /var/lib/dpkg/status 2>/dev/null
      clang-tidy --version
      cat "${PAY_ROOT}/.clang-tidy"
      cd "${PAY_BUILD_DIR}" && printf '%s\n' "${deps[@]}" | grep -v '^/usr/' \
        | tr '\n' '\0' | xargs -0 -r cat
    )"
    key="$(sha256sum <<<"${key}")"
    key="${key%% *}"
    if [[ ${PAY_LINT_NO_CACHE:-0} != 1 && -f ${cache}/${key} ]]; then
      touch "${cache}/${key}"
      cp "${cache}/${key}" "${out}"
      return 0
    fi
  fi
  clang-tidy --quiet -p "${PAY_BUILD_DIR}" "${file}" >"${out}" 2>"${out}.err" \
    || status=$?
  if [[ ${status} -ne 0 ]] \
    && ! grep -qE '^[^ ]+:[0-9]+:[0-9]+: error:' "${out}"; then
    # clang-tidy failed without a diagnostic (no compile command, a crash):
    # report it, and do not remember it.
    printf '%s:1:1: error: clang-tidy failed: %s [lint-tool]\n' "${file}" \
      "$(tail -n 1 "${out}.err")" >>"${out}"
    return 0
  fi
  if [[ -n ${key} ]]; then
    cp "${out}" "${cache}/${key}.$$" && mv "${cache}/${key}.$$" "${cache}/${key}"
  fi
  return 0
}

# Tracked .cpp files under PAY_TIDY_DIRS, absolute paths, one a line.
pay_lint_tidy_files() {
  local dir
  cd "${PAY_ROOT}" || return 1
  for dir in "${PAY_TIDY_DIRS[@]}"; do
    pay_lint_cxx_files | tr '\0' '\n' | grep -E "^${dir}/.*\.cpp$" || true
  done | sed "s|^|${PAY_ROOT}/|"
}

# Prints each finding once (a header's shows up in every unit that includes
# it) with clang-tidy's context lines, then a count per check; fails if any.
pay_lint_tidy() {
  local work="${PAY_LINT_VAR}/tidy"
  rm -rf "${work}"
  mkdir -p "${work}" "${PAY_LINT_VAR}/cache"
  # Results not replayed for a month belong to sources long gone.
  find "${PAY_LINT_VAR}/cache" -type f -mtime +30 -delete 2>/dev/null || true
  pay_lint_compile_db

  local files
  mapfile -t files < <(pay_lint_tidy_files)
  [[ ${#files[@]} -gt 0 ]] || pay_die "no sources under ${PAY_TIDY_DIRS[*]}"

  export PAY_ROOT PAY_BUILD_DIR PAY_LINT_VAR
  export -f pay_lint_tidy_one
  local i
  # shellcheck disable=SC2016 # "$1" "$2" are the inner bash's
  for i in "${!files[@]}"; do
    printf '%s\0%s\0' "${files[i]}" "${work}/${i}.txt"
  done | xargs -0 -r -n 2 -P "${PAY_LINT_JOBS}" \
    bash -c 'pay_lint_tidy_one "$1" "$2"' _

  # A block is a warning/error line and the notes and source lines after it.
  local report="${work}/report.txt"
  cat "${work}"/*.txt 2>/dev/null | awk '
    /^[^ ]+:[0-9]+:[0-9]+: (warning|error): / { show = !seen[$0]++ }
    show { print }
  ' | sed "s|${PAY_ROOT}/||" >"${report}"
  local findings
  findings="$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "${report}" \
    || true)"
  if [[ -z ${findings} ]]; then
    pay_info "clang-tidy: ${#files[@]} files, no findings"
    return 0
  fi
  cat "${report}"
  printf '\nclang-tidy findings by check:\n'
  sed -n 's/.*\[\([^]]*\)\]$/\1/p' <<<"${findings}" | sort | uniq -c \
    | sort -rn
  printf '%d findings in %d files (all in %s)\n' \
    "$(wc -l <<<"${findings}")" \
    "$(cut -d: -f1 <<<"${findings}" | sort -u | wc -l)" \
    "${report#"${PAY_ROOT}"/}"
  return 1
}
