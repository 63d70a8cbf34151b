#!/usr/bin/env bash
# editors/vscode/test.sh — build, test and package the VS Code extension.
#
#   editors/vscode/test.sh
#
# Steps: npm ci (from package-lock.json), type-check against @types/vscode,
# bundle with esbuild, unit tests with node --test, package the .vsix with
# vsce and check what is inside. Needs node (20 or later) and npm, nothing
# installed globally. Leaves editors/vscode/taskls-<version>.vsix behind.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
START=$SECONDS
STEP=set-up
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '\neditors/vscode/test.sh: FAILED (exit %d) in step: %s\n' "$rc" "$STEP" >&2
  fi
}
trap on_exit EXIT

STEP_START=$SECONDS
step() {
  if [ "$STEP" != set-up ]; then
    printf '    (%ds)\n' "$((SECONDS - STEP_START))"
  fi
  STEP=$*
  STEP_START=$SECONDS
  printf '\n==> vscode: %s\n' "$STEP"
}

step "node and npm"
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not on PATH" >&2; exit 1; }
done
node -e 'const [major] = process.versions.node.split(".").map(Number); if (major < 20) { console.error(`node ${process.version} is too old: 20 or later is needed`); process.exit(1); }'
echo "node $(node --version), npm $(npm --version)"

step "npm ci"
# --ignore-scripts: nothing here needs an install script (esbuild finds its
# binary in its platform package; vsce-sign is only used for publishing).
# --prefer-offline: the lockfile pins every tarball by hash, so a cached copy
# is as good as a fresh one, and npm's revalidation of a warm cache is slow.
npm ci --ignore-scripts --prefer-offline --no-audit --no-fund

step "type-check (tsc --noEmit)"
./node_modules/.bin/tsc --noEmit -p .

step "bundle and compile the tests (esbuild)"
node build.mjs

step "unit tests (node --test)"
node --test out/test/*.test.js

step "package (vsce)"
VERSION=$(node -p 'require("./package.json").version')
VSIX=taskls-$VERSION.vsix
rm -f taskls-*.vsix
# --no-dependencies: everything is bundled into dist/extension.js
# --skip-license: the project has no LICENSE file yet
./node_modules/.bin/vsce package --no-dependencies --skip-license --out "$VSIX" </dev/null

step "check $VSIX"
[ -f "$VSIX" ] || { echo "$VSIX was not written" >&2; exit 1; }
node check-vsix.mjs "$VSIX"

step done
printf '\neditors/vscode/test.sh: ok, %s built (%ds)\n' "$PWD/$VSIX" "$((SECONDS - START))"
