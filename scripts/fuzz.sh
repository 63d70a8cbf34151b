#!/usr/bin/env bash
# scripts/fuzz.sh — run taskls's fuzz targets one after the other.
#
#   scripts/fuzz.sh                      every target for 20 seconds
#   scripts/fuzz.sh 120                  every target for 120 seconds
#   scripts/fuzz.sh 60 FuzzSnapshot      only the targets named (a name
#                                        shared by packages runs in each)
#
# Environment:
#   FUZZ_SECONDS    seconds per target when no number is given (default 20)
#   FUZZ_MINIMIZE   time spent minimizing each new input (default 5s; Go's
#                   own default, 60s, eats short runs of the slower targets)
#
# Plain `go test ./...` runs only the committed seeds (testdata/fuzz/<Name>/
# of each package, written by `go run ./internal/fuzzseed`); this script
# mutates them. A failure leaves the failing input in testdata/fuzz/<Name>/
# of the package: keep it there (renamed crash-<what>) as a regression seed,
# fix the bug, and rerun. The script stops at the first failing target.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH=/usr/local/go/bin:$PATH
fi

N=${FUZZ_SECONDS:-20}
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  N=$1
  shift
fi
MIN=${FUZZ_MINIMIZE:-5s}

# name and package of every target
TARGETS=(
  "FuzzParse ./analysis/taskfile"
  "FuzzPositions ./analysis/text"
  "FuzzSnapshot ./analysis/workspace"
  "FuzzParse ./analysis/jsonpos"
  "FuzzParse ./analysis/manifest"
  "FuzzFastMapping ./analysis/taskfile"
  "FuzzFastYAMLDoc ./analysis/taskfile"
  "FuzzPackID ./analysis/taskfile"
)

selected() {
  local name=$1 s
  [ ${#WANT[@]} -eq 0 ] && return 0
  for s in "${WANT[@]}"; do
    [ "$s" = "$name" ] && return 0
  done
  return 1
}

# fuzz_one runs one target. Go 1.26's fuzzing coordinator can end a run
# that found nothing with "context deadline exceeded" when -fuzztime expires
# while a worker is busy (go.dev/issue/75804, fixed in Go 1.27). A real
# failure always writes its input under testdata/fuzz/<Name>/ and says so:
# a deadline failure that wrote none is run again, once; any other failure,
# or the same one twice, fails the script.
fuzz_one() {
  local name=$1 pkg=$2 log rc attempt
  log=$(mktemp)
  for attempt in 1 2; do
    set +e
    go test -run='^$' -fuzz="^${name}\$" -fuzztime="${N}s" -fuzzminimizetime="$MIN" "$pkg" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -eq 0 ]; then
      rm -f "$log"
      return 0
    fi
    if [ "$attempt" -eq 1 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
      echo "fuzz.sh: $name ended with \"context deadline exceeded\" and wrote no failing input (go.dev/issue/75804): running it again"
      continue
    fi
    rm -f "$log"
    return "$rc"
  done
}

WANT=("$@")
ran=0
for t in "${TARGETS[@]}"; do
  read -r name pkg <<<"$t"
  selected "$name" || continue
  printf '\n==> %s in %s for %ss\n' "$name" "$pkg" "$N"
  start=$SECONDS
  fuzz_one "$name" "$pkg"
  printf '    (%ds)\n' "$((SECONDS - start))"
  ran=$((ran + 1))
done

if [ "$ran" -eq 0 ]; then
  echo "fuzz.sh: no target named: ${WANT[*]}" >&2
  exit 2
fi
printf '\n==> %d target(s) fuzzed for %ss each, no failure\n' "$ran" "$N"
