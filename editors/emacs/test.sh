#!/usr/bin/env bash
# editors/emacs/test.sh — smoke test of Emacs + Eglot as the LSP client of
# taskls, through editors/emacs/taskls.el, on examples/ (see test/smoke.el).
#
#   TASKLS_BIN=$PWD/.build/taskls editors/emacs/test.sh
#
# Needs Emacs 28+ with Eglot 1.9+ and markdown-mode; as root it installs
# Debian's emacs-nox, elpa-eglot and elpa-markdown-mode with apt-get when
# they are missing.
#
# Environment:
#   TASKLS_BIN    the taskls binary to test (required)
#   CI=true       a missing Emacs, Eglot or markdown-mode that cannot be
#                 installed fails the run (otherwise: skipped, loudly)
#   TASKLS_EMACS  the emacs to run (default: emacs on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CI=${CI:-false}
START=$SECONDS

die() {
  printf '\neditors/emacs/test.sh: %s\n' "$*" >&2
  exit 1
}

[ -n "${TASKLS_BIN:-}" ] || die "TASKLS_BIN is not set: point it at the taskls binary to test, e.g.
  go build -o .build/taskls ./cmd/taskls && TASKLS_BIN=\$PWD/.build/taskls editors/emacs/test.sh"
{ [ -f "$TASKLS_BIN" ] && [ -x "$TASKLS_BIN" ]; } || die "TASKLS_BIN=$TASKLS_BIN is not an executable file"
TASKLS_BIN=$(cd "$(dirname "$TASKLS_BIN")" && pwd)/$(basename "$TASKLS_BIN")

# skip WHY: fails under CI=true, otherwise a loud skip (exit 0).
skip() {
  if [ "$CI" = true ]; then
    die "cannot run the Emacs + Eglot test: $1 (CI=true, so this is an error, not a skip)"
  fi
  printf '\n!!! SKIPPING the Emacs + Eglot test: %s (set CI=true to make this an error)\n' "$1" >&2
  echo "emacs: 0 passed, 0 failed"
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

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/taskls-emacs.XXXXXX")
end_servers() {
  local pid left=0
  [ -f "$SCRATCH/server-pids" ] || return 0
  while read -r pid; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do # a server may take a moment to exit
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "not ok - taskls (pid $pid) still ran after Emacs had exited: killed"
      kill -KILL "$pid" 2>/dev/null || true
      left=1
    fi
  done <"$SCRATCH/server-pids"
  : >"$SCRATCH/server-pids"
  return "$left"
}
trap 'end_servers >/dev/null 2>&1; rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/bin" "$SCRATCH/home"
EMACS=${TASKLS_EMACS:-emacs}
# has_lib FEATURE: Emacs (with Debian's site-start, which activates elpa-*
# packages) can require FEATURE.
has_lib() {
  command -v "$EMACS" >/dev/null 2>&1 &&
    HOME=$SCRATCH/home "$EMACS" --batch -q --eval "(require '$1)" </dev/null >/dev/null 2>&1
}
emacs_ok() {
  command -v "$EMACS" >/dev/null 2>&1 &&
    "$EMACS" --batch -q --eval '(kill-emacs (if (>= emacs-major-version 28) 0 1))' </dev/null >/dev/null 2>&1
}

t0=$SECONDS
if ! emacs_ok; then
  echo "==> installing emacs-nox"
  apt_install emacs-nox || true
  emacs_ok || skip "no Emacs 28+, and apt-get install emacs-nox failed"
fi
for pair in eglot:elpa-eglot markdown-mode:elpa-markdown-mode; do
  if ! has_lib "${pair%%:*}"; then
    echo "==> installing ${pair#*:}"
    apt_install "${pair#*:}" || true
    has_lib "${pair%%:*}" || skip "Emacs cannot (require '${pair%%:*}), and apt-get install ${pair#*:} failed"
  fi
done
echo "==> $("$EMACS" --version | head -n1) ($(command -v "$EMACS")); eglot $(dpkg-query -W -f='${Version}' elpa-eglot 2>/dev/null || echo '(built in)')"
echo "    set-up ($((SECONDS - t0))s)"

# taskls.el runs `taskls serve` from PATH; this one notes its pid first
cat >"$SCRATCH/bin/taskls" <<EOS
#!/bin/sh
echo \$\$ >>'$SCRATCH/server-pids'
exec '$TASKLS_BIN' "\$@"
EOS
chmod +x "$SCRATCH/bin/taskls"

RESULT=$SCRATCH/result.txt
rc=0
t0=$SECONDS
(
  export PATH="$SCRATCH/bin:$PATH" HOME=$SCRATCH/home TASKLS_REPO=$ROOT TASKLS_RESULT=$RESULT
  cd "$ROOT"
  # smoke.el has its own watchdog (60 s); this is the last resort
  exec timeout -k 5 120 "$EMACS" --batch -q -l "$HERE/test/smoke.el" </dev/null
) >"$SCRATCH/emacs.log" 2>&1 || rc=$?
[ -f "$RESULT" ] || echo "not ok - no result file (emacs exited with $rc)" >"$RESULT"
sed -n '/^#/!p' "$RESULT"
end_servers || rc=${rc/#0/1}
PASSED=$(grep -c '^ok ' "$RESULT" || true)
FAILED=$(grep -c '^not ok ' "$RESULT" || true)
if [ "$rc" -ne 0 ] || [ "$FAILED" -ne 0 ] || [ "$PASSED" -eq 0 ]; then
  [ "$FAILED" -ne 0 ] || FAILED=1
  printf '  -> FAILED: emacs exit status %d (124 = killed by timeout, 3 = watchdog)\n' "$rc"
  sed 's/^/     /' "$SCRATCH/emacs.log" | tail -n 30
fi
printf '  (emacs %ds)\n\n==> editors/emacs done in %ds\n' "$((SECONDS - t0))" "$((SECONDS - START))"
echo "emacs: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
