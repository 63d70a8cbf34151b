#!/usr/bin/env bash
# scripts/bench.sh — measure taskls against the targets of issue 6 and print
# one Markdown table: target, goal, measured median (and p95), met or not.
#
#   scripts/bench.sh              # 1000 and 10000 tasks
#   BENCH_50K=1 scripts/bench.sh  # and 50000 (several minutes more)
#   scripts/bench.sh 2000 20000   # other sizes for the server benchmark
#
# Steps:
#   1. build the server (.build/bench/taskls, unless TASKLS_BIN is set) and
#      the workspace generator;
#   2. generate one workspace per size into .build/bench/ws-nN-sSEED, with
#      injected faults; kept and reused while the generator's source is the same;
#   3. go test -run x -bench . -count 7 ./internal/gen/ (its benchmarks run
#      at 1k and 10k tasks, and 50k with TASKLS_BENCH_50K=1), formatted with
#      benchstat (raw lines when benchstat cannot be fetched);
#   4. `taskls check` on each workspace, whole process, with hyperfine
#      (installed with apt-get when missing and we are root), else a loop;
#   5. e2e/bench.mjs: the real server over stdio on each workspace, and
#      yaml-language-server beside it when it installs from npm;
#   6. e2e/bench/report.mjs: the targets table.
# Everything is also written to .build/bench/results/<time>/ (report.md there).
#
# Environment:
#   BENCH_50K=1        add 50000 to the default sizes (and TASKLS_BENCH_50K=1)
#   BENCH_SEED         generator seed (default 1)
#   BENCH_COUNT        go test -count (default 7)
#   BENCH_RUNS         server sessions per size (default 7)
#   BENCH_CHECK_RUNS   taskls check runs per size (default 10)
#   BENCH_YLS=0        do not run yaml-language-server
#   BENCH_YLS_RUNS     its sessions (default: BENCH_RUNS)
#   BENCH_GO=0         skip the Go benchmarks
#   BENCH_GO_FILTER    go test -bench pattern (default '.'; '/50000' runs only
#                      the 50k sub-benchmarks)
#   TASKLS_BIN         the server binary to measure (default: build one)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH=/usr/local/go/bin:$PATH
fi
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

SEED=${BENCH_SEED:-1}
COUNT=${BENCH_COUNT:-7}
RUNS=${BENCH_RUNS:-7}
CHECK_RUNS=${BENCH_CHECK_RUNS:-10}
YLS_RUNS=${BENCH_YLS_RUNS:-$RUNS}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
YLS_VERSION=2.0.0
BENCH_DIR=$ROOT/.build/bench

if [ "$#" -gt 0 ]; then
  SIZES=("$@")
else
  SIZES=(1000 10000)
  if [ "${BENCH_50K:-0}" = 1 ]; then SIZES+=(50000); fi
fi
for n in "${SIZES[@]}"; do
  case $n in '' | *[!0-9]*) echo "bench.sh: size '$n' is not a number" >&2; exit 2 ;; esac
done

for tool in go node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench.sh: $tool is needed" >&2; exit 1; }
done

OUT=$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
ln -sfn "$OUT" "$BENCH_DIR/results/latest"

say() { printf '\n==> %s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
LOAD_BEFORE=$(load)
START=$SECONDS
say "sizes ${SIZES[*]}, seed $SEED, $(nproc 2>/dev/null || echo '?') CPUs, load average $LOAD_BEFORE; results in ${OUT#"$ROOT"/}"

# --- 1. binaries --------------------------------------------------------------
if [ -n "${TASKLS_BIN:-}" ]; then
  BIN=$(cd "$(dirname "$TASKLS_BIN")" && pwd)/$(basename "$TASKLS_BIN")
else
  BIN=$BENCH_DIR/taskls
  say "go build -o ${BIN#"$ROOT"/} ./cmd/taskls"
  go build -o "$BIN" ./cmd/taskls
fi
GEN=$BENCH_DIR/taskls-gen
go build -o "$GEN" ./internal/gen/cmd/taskls-gen

# --- 2. workspaces, cached by size, seed and the generator's source ------------
GEN_HASH=$(cat internal/gen/gen.go internal/gen/cmd/taskls-gen/main.go | sha256sum | cut -c1-16)
workspace() { echo "$BENCH_DIR/ws-n$1-s$SEED"; }
for n in "${SIZES[@]}"; do
  dir=$(workspace "$n")
  if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$GEN_HASH" ]; then
    say "workspace $n tasks: cached in ${dir#"$ROOT"/}"
    continue
  fi
  say "workspace $n tasks: generating into ${dir#"$ROOT"/}"
  rm -rf "$dir"
  "$GEN" -n "$n" -seed "$SEED" -faults "$dir" >&2
  echo "$GEN_HASH" >"$dir/.complete"
done

# --- 3. Go benchmarks -----------------------------------------------------------
if [ "${BENCH_GO:-1}" != 0 ]; then
  GO_50K=0
  for n in "${SIZES[@]}"; do
    if [ "$n" -ge 50000 ]; then GO_50K=1; fi
  done
  FILTER=${BENCH_GO_FILTER:-.}
  say "go test -run x -bench $FILTER -count $COUNT ./internal/gen/ (TASKLS_BENCH_50K=$GO_50K)"
  TASKLS_BENCH_50K=$GO_50K go test -run x -bench "$FILTER" -count "$COUNT" -timeout 60m ./internal/gen/ | tee "$OUT/go-bench.txt" >&2
  say "benchstat"
  if go run "$BENCHSTAT" "$OUT/go-bench.txt" >"$OUT/benchstat.txt" 2>"$OUT/benchstat.err"; then
    cat "$OUT/benchstat.txt"
  else
    echo "(benchstat could not be run: $(tail -1 "$OUT/benchstat.err"); the raw lines instead)"
    grep '^Benchmark' "$OUT/go-bench.txt" | tee "$OUT/benchstat.txt"
  fi
fi

# --- 4. taskls check, whole process -------------------------------------------
if ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "apt-get install -y hyperfine"
  apt-get install -y hyperfine >&2 || { apt-get update >&2 && apt-get install -y hyperfine >&2; } || true
fi
CHECK_ARGS=()
for n in "${SIZES[@]}"; do
  dir=$(workspace "$n")
  json=$OUT/check-$n.json
  say "taskls check on $n tasks, $CHECK_RUNS runs"
  if command -v hyperfine >/dev/null 2>&1; then
    # exit status 1 is expected: the workspace has injected faults
    hyperfine --warmup 1 --runs "$CHECK_RUNS" -i --style basic --export-json "$json" "$BIN check $dir" >&2
  else
    echo "(no hyperfine: a loop of timed runs)" >&2
    "$BIN" check "$dir" >/dev/null 2>&1 || true
    times=()
    for _ in $(seq "$CHECK_RUNS"); do
      t0=$(date +%s%N)
      "$BIN" check "$dir" >/dev/null 2>&1 || true
      t1=$(date +%s%N)
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')")
    done
    printf '{"results":[{"command":"%s","times":[%s]}]}\n' "taskls check $n" "$(IFS=,; echo "${times[*]}")" >"$json"
    echo "times (s): ${times[*]}" >&2
  fi
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "taskls check on $n tasks: peak RSS %M KB, %e s" "$BIN" check "$dir" >/dev/null 2>"$OUT/check-$n.time" || true
    tail -1 "$OUT/check-$n.time" >&2
  fi
  CHECK_ARGS+=(--check "$n=$json")
done

# --- 5. the server over stdio ------------------------------------------------
if [ ! -d e2e/node_modules/vscode-languageserver-protocol ]; then
  say "npm ci (e2e/)"
  (cd e2e && npm ci --no-audit --no-fund >&2)
fi
YLS_BIN=off
if [ "${BENCH_YLS:-1}" != 0 ]; then
  YLS_DIR=$BENCH_DIR/yls
  YLS_SCRIPT=$YLS_DIR/node_modules/yaml-language-server/bin/yaml-language-server
  if [ ! -f "$YLS_SCRIPT" ]; then
    say "npm install yaml-language-server@$YLS_VERSION (into ${YLS_DIR#"$ROOT"/}, 120 s at most)"
    mkdir -p "$YLS_DIR"
    timeout 120 npm install --prefix "$YLS_DIR" --no-audit --no-fund --loglevel=error "yaml-language-server@$YLS_VERSION" >&2 ||
      echo "(yaml-language-server did not install: its column is skipped)" >&2
  fi
  if [ -f "$YLS_SCRIPT" ]; then YLS_BIN=$YLS_SCRIPT; fi
fi
SERVER_ARGS=()
for n in "${SIZES[@]}"; do
  dir=$(workspace "$n")
  yls=$YLS_BIN
  if [ "$n" -gt 10000 ]; then yls=off; fi # it reads open files only: the 10k figure says it
  if [ "$yls" = off ]; then ylsnote=off; else ylsnote="$YLS_RUNS runs"; fi
  say "e2e/bench.mjs on $n tasks ($RUNS runs; yaml-language-server: $ylsnote)"
  TASKLS_BIN=$BIN node e2e/bench.mjs --runs "$RUNS" --yls "$yls" --yls-runs "$YLS_RUNS" --seed "$SEED" \
    --json "$OUT/server-$n.json" "$dir" >"$OUT/server-$n.md" || echo "(e2e/bench.mjs on $n tasks reported failures: see ${OUT#"$ROOT"/}/server-$n.md)" >&2
  sed '/^```json/,$d' "$OUT/server-$n.md"
  SERVER_ARGS+=(--server "$n=$OUT/server-$n.json")
done

# --- 6. the targets table -------------------------------------------------------
LOAD_AFTER=$(load)
say "targets of issue 6 (bench.sh took $((SECONDS - START)) s)"
node e2e/bench/report.mjs --go "$OUT/go-bench.txt" "${CHECK_ARGS[@]}" "${SERVER_ARGS[@]}" \
  --load "$LOAD_BEFORE before, $LOAD_AFTER after, $(nproc 2>/dev/null || echo '?') CPUs" | tee "$OUT/report.md"
echo
echo "command: scripts/bench.sh ${*:-}$([ "${BENCH_50K:-0}" = 1 ] && echo ' (BENCH_50K=1)'); results in ${OUT#"$ROOT"/}"
