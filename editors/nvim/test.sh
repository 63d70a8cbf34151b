#!/usr/bin/env bash
# editors/nvim/test.sh — real headless Neovim as the LSP client of taskls,
# through the configs in editors/nvim, on examples/.
#
#   TASKLS_BIN=$PWD/.build/taskls editors/nvim/test.sh
#
# Two Neovims:
#   - Debian's `neovim` package (0.7.2 on Debian 12), installed with apt-get
#     when missing: modes `setup` (lua/taskls.lua) and `readme` (the 0.7
#     block of README.md, vim.lsp.start_client);
#   - a 0.11+ Neovim unpacked from a newer Debian suite into
#     .build/nvim-new/ by test/fetch-nvim.sh (no system change; cached):
#     modes `enable` (lsp/taskls.lua + vim.lsp.enable), `lspconfig`
#     (lspconfig/taskls.lua as an lsp/ config) and `setup`.
# test/run.lua does the checks inside each Neovim; see its header.
#
# Environment:
#   TASKLS_BIN           the taskls binary to test (required)
#   CI=true              a Neovim that is missing and cannot be installed or
#                        fetched fails the run (otherwise: skipped, loudly)
#   TASKLS_NVIM_OLD      the old Neovim (default: nvim from Debian's package)
#   TASKLS_NVIM_NEW      a 0.11+ nvim to use instead of fetching one
#   TASKLS_NVIM_SUITE    Debian suite to fetch the newer Neovim from (forky)
#   TASKLS_NVIM_REFRESH=1  fetch the newer Neovim again
#   TASKLS_BUILD_DIR     where .build/ is (default: the repository's .build/)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CI=${CI:-false}
START=$SECONDS

die() {
  printf '\neditors/nvim/test.sh: %s\n' "$*" >&2
  exit 1
}

[ -n "${TASKLS_BIN:-}" ] || die "TASKLS_BIN is not set: point it at the taskls binary to test, e.g.
  go build -o .build/taskls ./cmd/taskls && TASKLS_BIN=\$PWD/.build/taskls editors/nvim/test.sh"
{ [ -f "$TASKLS_BIN" ] && [ -x "$TASKLS_BIN" ]; } || die "TASKLS_BIN=$TASKLS_BIN is not an executable file"
TASKLS_BIN=$(cd "$(dirname "$TASKLS_BIN")" && pwd)/$(basename "$TASKLS_BIN")
BUILD=$(mkdir -p "${TASKLS_BUILD_DIR:-$ROOT/.build}" && cd "${TASKLS_BUILD_DIR:-$ROOT/.build}" && pwd)

SKIPPED=()
# unavailable WHAT WHY: fails under CI=true, otherwise a loud skip.
unavailable() {
  if [ "$CI" = true ]; then
    die "cannot run $1: $2 (CI=true, so this is an error, not a skip)"
  fi
  printf '\n!!! SKIPPING %s: %s (set CI=true to make this an error)\n' "$1" "$2" >&2
  SKIPPED+=("$1 ($2)")
}

# apt_install PKG...: installs Debian packages as root; apt-get update only
# when the package lists do not have them (once per run).
APT_UPDATED=false
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  if apt-get install -y -q --no-install-recommends "$@"; then
    return 0
  fi
  [ "$APT_UPDATED" = false ] || return 1
  APT_UPDATED=true
  apt-get update -q && apt-get install -y -q --no-install-recommends "$@"
}

# A scratch home, so that no user config, plugin or site folder takes part.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/taskls-nvim.XXXXXX")
trap 'end_servers >/dev/null 2>&1; rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/bin"
# The configs run `taskls serve` from PATH. This taskls notes its pid (Neovim
# starts servers detached, in a session of their own) and becomes the binary.
cat >"$SCRATCH/bin/taskls" <<EOF
#!/bin/sh
echo \$\$ >>'$SCRATCH/server-pids'
exec '$TASKLS_BIN' "\$@"
EOF
chmod +x "$SCRATCH/bin/taskls"
# end_servers: ends the servers that outlived their Neovim (they should not)
# and fails when there were any.
end_servers() {
  local pid left=0
  [ -f "$SCRATCH/server-pids" ] || return 0
  while read -r pid; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do # a server may take a moment to exit
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "not ok - taskls (pid $pid) still ran after its Neovim had exited: killed"
      kill -KILL "$pid" 2>/dev/null || true
      left=1
    fi
  done <"$SCRATCH/server-pids"
  : >"$SCRATCH/server-pids"
  return "$left"
}
export PATH="$SCRATCH/bin:$PATH"

PASSED=0 FAILED=0 RUNS_FAILED=0

# run NVIM MODE: one headless Neovim running test/run.lua.
run() {
  local nvim=$1 mode=$2 t0=$SECONDS rc=0
  local dir=$SCRATCH/run-$RANDOM$RANDOM
  mkdir -p "$dir/tmp"
  local result=$dir/result.txt log=$dir/nvim.log
  (
    export XDG_CONFIG_HOME=$dir/config XDG_DATA_HOME=$dir/data XDG_STATE_HOME=$dir/state \
      XDG_CACHE_HOME=$dir/cache XDG_DATA_DIRS=$dir/data-dirs XDG_CONFIG_DIRS=$dir/config-dirs \
      TASKLS_REPO=$ROOT TASKLS_NVIM_MODE=$mode TASKLS_RESULT=$result TASKLS_TMP=$dir/tmp
    cd "$ROOT"
    # run.lua has its own watchdog (90 s); this is the last resort
    exec timeout -k 5 150 "$nvim" --headless -u NONE -i NONE -n -c "luafile $HERE/test/run.lua" </dev/null
  ) >"$log" 2>&1 &
  wait $! || rc=$?
  [ -f "$result" ] || echo "not ok - no result file (nvim exited with $rc)" >"$result"
  sed -n '/^#/!p' "$result"
  end_servers || { FAILED=$((FAILED + 1)); rc=${rc/#0/1}; }
  local p f
  p=$(grep -c '^ok ' "$result" || true)
  f=$(grep -c '^not ok ' "$result" || true)
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] || [ "$p" -eq 0 ]; then
    RUNS_FAILED=$((RUNS_FAILED + 1))
    [ "$f" -ne 0 ] || FAILED=$((FAILED + 1)) # a crash or time-out with no failed check is a failure too
    printf '  -> FAILED: nvim exit status %d (124 = killed by timeout, 3 = watchdog)\n' "$rc"
    printf '  -- nvim output:\n'
    sed 's/^/     /' "$log" | tail -n 30
    local lsplog
    for lsplog in "$dir"/state/nvim/lsp.log "$dir"/cache/nvim/lsp.log; do
      if [ -f "$lsplog" ]; then
        printf '  -- end of %s (WARN/ERROR):\n' "${lsplog#"$dir"/}"
        { grep -E '^\[(WARN|ERROR)' "$lsplog" || true; } | cut -c1-400 | tail -n 20 | sed 's/^/     /'
      fi
    done
  fi
  printf '  (%s, %ds)\n' "$mode" "$((SECONDS - t0))"
}

# version_of NVIM: "0.7.2"
version_of() {
  "$1" --version 2>/dev/null | sed -n '1s/^NVIM v\([0-9][0-9.]*\).*/\1/p'
}

# at_least VERSION MAJOR MINOR
at_least() {
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  [ "$major" -gt "$2" ] || { [ "$major" -eq "$2" ] && [ "$minor" -ge "$3" ]; }
}

modes_for() {
  if at_least "$1" 0 11; then
    echo enable lspconfig setup
  else
    echo setup readme
  fi
}

echo "==> taskls: $TASKLS_BIN ($(timeout 10 "$TASKLS_BIN" version 2>/dev/null || echo "no version"))"

# --- Debian's own Neovim ---------------------------------------------------
OLD=${TASKLS_NVIM_OLD:-}
if [ -z "$OLD" ]; then
  if ! command -v nvim >/dev/null 2>&1; then
    echo "==> installing Debian's neovim"
    t0=$SECONDS
    apt_install neovim || true
    echo "    ($((SECONDS - t0))s)"
  fi
  OLD=$(command -v nvim || true)
fi
if [ -n "$OLD" ] && [ -x "$OLD" ]; then
  v=$(version_of "$OLD")
  echo "==> Neovim $v ($OLD)"
  for mode in $(modes_for "$v"); do
    run "$OLD" "$mode"
  done
elif [ -n "${TASKLS_NVIM_OLD:-}" ]; then
  unavailable "the tests on Debian's Neovim" "TASKLS_NVIM_OLD=$TASKLS_NVIM_OLD is not executable"
else
  unavailable "the tests on Debian's Neovim" "no nvim, and apt-get install neovim failed (needs root and apt)"
fi

# --- a 0.11+ Neovim from a newer Debian suite --------------------------------
NEW=${TASKLS_NVIM_NEW:-}
if [ -z "$NEW" ]; then
  echo "==> Neovim 0.11+ from Debian ${TASKLS_NVIM_SUITE:-forky} (cached in $BUILD/nvim-new)"
  t0=$SECONDS
  if ! command -v dpkg-deb >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    unavailable "the tests on Neovim 0.11+" "no apt-get/dpkg-deb to fetch it with"
  elif NEW=$("$HERE/test/fetch-nvim.sh" "$BUILD/nvim-new" | tail -n1) && [ -x "$NEW" ]; then
    echo "    ($((SECONDS - t0))s)"
  else
    NEW=
    unavailable "the tests on Neovim 0.11+" "test/fetch-nvim.sh could not fetch it"
  fi
fi
if [ -n "$NEW" ]; then
  v=$(version_of "$NEW")
  [ -n "$v" ] || die "$NEW does not run"
  at_least "$v" 0 11 || die "$NEW is Neovim $v, not 0.11 or later"
  echo "==> Neovim $v ($NEW)"
  for mode in $(modes_for "$v"); do
    run "$NEW" "$mode"
  done
fi

printf '\n==> editors/nvim done in %ds\n' "$((SECONDS - START))"
if [ "${#SKIPPED[@]}" -gt 0 ]; then
  printf '!!! skipped: %s\n' "${SKIPPED[@]}" >&2
fi
echo "nvim: $PASSED passed, $FAILED failed"
[ "$RUNS_FAILED" -eq 0 ] && [ "$FAILED" -eq 0 ]
