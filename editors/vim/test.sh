#!/usr/bin/env bash
# editors/vim/test.sh — smoke test of Vim + ALE as the LSP client of taskls,
# through editors/vim/taskls.vim, on examples/ (see test/smoke.vim).
#
#   TASKLS_BIN=$PWD/.build/taskls editors/vim/test.sh
#
# Needs Vim 8.2+ with +job/+channel/+timers and ALE 3+; as root it installs
# Debian's vim-nox and vim-ale with apt-get when they are missing.
#
# Environment:
#   TASKLS_BIN    the taskls binary to test (required)
#   CI=true       a missing Vim or ALE that cannot be installed fails the run
#                 (otherwise: skipped, loudly)
#   TASKLS_VIM    the vim to run (default: vim on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CI=${CI:-false}
START=$SECONDS

die() {
  printf '\neditors/vim/test.sh: %s\n' "$*" >&2
  exit 1
}

[ -n "${TASKLS_BIN:-}" ] || die "TASKLS_BIN is not set: point it at the taskls binary to test, e.g.
  go build -o .build/taskls ./cmd/taskls && TASKLS_BIN=\$PWD/.build/taskls editors/vim/test.sh"
{ [ -f "$TASKLS_BIN" ] && [ -x "$TASKLS_BIN" ]; } || die "TASKLS_BIN=$TASKLS_BIN is not an executable file"
TASKLS_BIN=$(cd "$(dirname "$TASKLS_BIN")" && pwd)/$(basename "$TASKLS_BIN")

# skip WHY: fails under CI=true, otherwise a loud skip (exit 0).
skip() {
  if [ "$CI" = true ]; then
    die "cannot run the Vim + ALE test: $1 (CI=true, so this is an error, not a skip)"
  fi
  printf '\n!!! SKIPPING the Vim + ALE test: %s (set CI=true to make this an error)\n' "$1" >&2
  echo "vim: 0 passed, 0 failed"
  exit 0
}

# apt_install PKG...: as root, with apt-get update only when needed (once).
APT_UPDATED=false
apt_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "$@" && return 0
  [ "$APT_UPDATED" = false ] || return 1
  APT_UPDATED=true
  apt-get update -q && apt-get install -y -q --no-install-recommends "$@"
}

vim_ok() {
  local v=$1
  command -v "$v" >/dev/null 2>&1 &&
    "$v" -N -u NONE -i NONE -n -es -c 'if has("job") && has("channel") && has("timers") && has("lambda") && v:version >= 802 | qall! | else | cquit | endif' </dev/null >/dev/null 2>&1
}
ale_ok() {
  "$1" -N -u NONE -i NONE -n -es -c 'silent! packadd ale' -c 'if exists("g:loaded_ale") | qall! | else | cquit | endif' </dev/null >/dev/null 2>&1
}

VIM=${TASKLS_VIM:-vim}
t0=$SECONDS
if ! vim_ok "$VIM"; then
  echo "==> installing vim-nox (no Vim 8.2+ with +job/+channel/+timers)"
  apt_install vim-nox || true
  vim_ok "$VIM" || skip "no Vim 8.2+ with +job/+channel/+timers, and apt-get install vim-nox failed"
fi
if ! ale_ok "$VIM"; then
  echo "==> installing vim-ale"
  apt_install vim-ale || true
  ale_ok "$VIM" || skip "ALE is not available to 'packadd ale', and apt-get install vim-ale failed"
fi
echo "==> $("$VIM" --version | head -n1) ($(command -v "$VIM")); ALE $(dpkg-query -W -f='${Version}' vim-ale 2>/dev/null || echo '(not from Debian)')"
echo "    set-up ($((SECONDS - t0))s)"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/taskls-vim.XXXXXX")
end_servers() {
  local pid left=0
  [ -f "$SCRATCH/server-pids" ] || return 0
  while read -r pid; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do # a server may take a moment to exit
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "not ok - taskls (pid $pid) still ran after Vim had exited: killed"
      kill -KILL "$pid" 2>/dev/null || true
      left=1
    fi
  done <"$SCRATCH/server-pids"
  : >"$SCRATCH/server-pids"
  return "$left"
}
trap 'end_servers >/dev/null 2>&1; rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/bin" "$SCRATCH/home"
# taskls.vim runs `taskls serve` from PATH; this one notes its pid first
cat >"$SCRATCH/bin/taskls" <<EOF
#!/bin/sh
echo \$\$ >>'$SCRATCH/server-pids'
exec '$TASKLS_BIN' "\$@"
EOF
chmod +x "$SCRATCH/bin/taskls"

RESULT=$SCRATCH/result.txt
rc=0
t0=$SECONDS
(
  export PATH="$SCRATCH/bin:$PATH" HOME=$SCRATCH/home TASKLS_REPO=$ROOT TASKLS_RESULT=$RESULT
  cd "$ROOT"
  # smoke.vim has its own watchdog (60 s); this is the last resort
  exec timeout -k 5 120 "$VIM" -N -u NONE -i NONE -n -es -S "$HERE/test/smoke.vim" </dev/null
) >"$SCRATCH/vim.log" 2>&1 || rc=$?
[ -f "$RESULT" ] || echo "not ok - no result file (vim exited with $rc)" >"$RESULT"
sed -n '/^#/!p' "$RESULT"
end_servers || rc=${rc/#0/1}
PASSED=$(grep -c '^ok ' "$RESULT" || true)
FAILED=$(grep -c '^not ok ' "$RESULT" || true)
if [ "$rc" -ne 0 ] || [ "$FAILED" -ne 0 ] || [ "$PASSED" -eq 0 ]; then
  [ "$FAILED" -ne 0 ] || FAILED=1
  printf '  -> FAILED: vim exit status %d (124 = killed by timeout, 3 = watchdog)\n' "$rc"
  sed 's/^/     /' "$SCRATCH/vim.log" | tail -n 30
fi
printf '  (vim %ds)\n\n==> editors/vim done in %ds\n' "$((SECONDS - t0))" "$((SECONDS - START))"
echo "vim: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
