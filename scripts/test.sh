#!/usr/bin/env bash
# scripts/test.sh — run every test of taskls, doing its own set-up first.
#
#   scripts/test.sh
#
# Steps: Go modules, go vet, go test -race, a short fuzzing of every fuzz
# target, build the server binary into
# .build/, the end-to-end tests in e2e/ (Node, over stdio against that binary),
# then the editor tests. Needs go, node and npm on PATH. With CI=true a missing
# tool is an error; on a developer machine the steps that need it are skipped
# loudly and listed at the end.
#
# Environment:
#   TASKLS_BUILD_DIR   where the binary goes (default: .build/ in the repo)
#   TASKLS_FUZZ_SECONDS  seconds each fuzz target mutates its seeds (default 8)
#   CI=true            missing tools fail the run instead of skipping steps
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD_DIR=$(mkdir -p "${TASKLS_BUILD_DIR:-$ROOT/.build}" && cd "${TASKLS_BUILD_DIR:-$ROOT/.build}" && pwd)
BIN=$BUILD_DIR/taskls
CI=${CI:-false}
START=$SECONDS
SKIPPED=()

# Go installed from the official tarball may not be on PATH in a bare shell.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH=/usr/local/go/bin:$PATH
fi
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

STEP=set-up
STEP_START=$SECONDS

step() {
  STEP=$*
  printf '\n==> %s\n' "$STEP"
  STEP_START=$SECONDS
}

on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '\ntest.sh: FAILED (exit %d) in step: %s\n' "$rc" "$STEP" >&2
  fi
}
trap on_exit EXIT

step_done() {
  printf '    (%ds)\n' "$((SECONDS - STEP_START))"
}

die() {
  printf '\ntest.sh: %s\n' "$*" >&2
  exit 1
}

# have TOOL WHAT: true when TOOL is on PATH. When it is not: with CI=true the
# run fails; otherwise WHAT is recorded as skipped and a warning printed.
have() {
  local tool=$1 what=$2
  if command -v "$tool" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$CI" = true ]; then
    STEP="looking for $tool"
    die "'$tool' is not on PATH but is needed for: $what (CI=true, so this is an error, not a skip)"
  fi
  printf '\n!!! SKIPPING %s: %s is not installed (set CI=true to make this an error)\n' "$what" "$tool" >&2
  SKIPPED+=("$what (no $tool)")
  return 1
}

go_tests() {
  have go "all Go steps" || die "go is required for every step"
  step "go version"
  go version

  step "go mod download"
  go mod download
  step_done

  step "go vet ./..."
  go vet ./...
  step_done

  step "go test -race ./..."
  go test -race -count=1 ./...
  step_done

  step "go build -o $BIN ./cmd/taskls"
  go build -o "$BIN" ./cmd/taskls
  step_done
}

e2e_tests() {
  have node "end-to-end tests (e2e/)" || return 0
  have npm "end-to-end tests (e2e/)" || return 0
  step "npm ci (e2e/)  [node $(node --version), npm $(npm --version)]"
  (cd e2e && npm ci --no-audit --no-fund)
  step_done

  step "node --test (e2e/, TASKLS_BIN=$BIN)"
  (cd e2e && TASKLS_BIN=$BIN node --test ./*.test.mjs)
  step_done
}

# ---------------------------------------------------------------------------
# Editor tests: add them here as editor support lands.
#   - VS Code extension: (cd editors/vscode && npm ci && npm test), behind
#     `have node` / `have npm` like e2e_tests.
#   - Neovim: install it when missing (apt-get update && apt-get install -y
#     neovim, as root on CI) and run the headless tests in editors/nvim with
#     TASKLS_BIN=$BIN.
# Use `have TOOL WHAT` for every tool, so that CI fails instead of skipping.
# ---------------------------------------------------------------------------
editor_tests() {
  if have node "VS Code extension tests (editors/vscode)" && have npm "VS Code extension tests (editors/vscode)"; then
    step "VS Code extension: npm ci, type-check, bundle, unit tests, vsce package (editors/vscode/test.sh)"
    editors/vscode/test.sh
    step_done
  fi
  # Neovim, Vim/ALE and Emacs/Eglot: real headless clients through the shipped
  # configs; each script installs its editor with apt-get when it is missing.
  for t in editors/nvim/test.sh editors/vim/test.sh editors/emacs/test.sh; do
    if [ -x "$t" ]; then
      step "$t (TASKLS_BIN=$BIN)"
      TASKLS_BIN=$BIN "$t"
      step_done
    fi
  done
}

# Every fuzz target mutates its seeds for a few seconds (the seeds alone
# already ran under go test); scripts/fuzz.sh runs them longer.
fuzz_tests() {
  step "fuzzing: every target for ${TASKLS_FUZZ_SECONDS:-8}s (scripts/fuzz.sh)"
  FUZZ_MINIMIZE=2s scripts/fuzz.sh "${TASKLS_FUZZ_SECONDS:-8}"
  step_done
}

go_tests
fuzz_tests
e2e_tests
editor_tests

printf '\n==> done in %ds\n' "$((SECONDS - START))"
if [ "${#SKIPPED[@]}" -gt 0 ]; then
  printf '!!! skipped:\n' >&2
  printf '!!!   %s\n' "${SKIPPED[@]}" >&2
fi
