#!/usr/bin/env bash
# Install the accessibility tests' pinned npm dependency (axe-core, which the browser tests
# inject into every page) into node_modules/ beside this script:
#
#   bash tests/a11y/install.sh [--force]
#
# `npm ci` from package-lock.json. Idempotent: a stamp file in node_modules records a hash of
# package.json, package-lock.json and this script; when it matches, nothing is done.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
cd "$HERE"

for tool in node npm sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "a11y: '$tool' is needed on PATH" >&2
    exit 1
  fi
done

# Serialise concurrent runs (parallel test workers) on the lock file.
exec 9<package-lock.json
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

STAMP="node_modules/.a11y-installed"
WANT="$(cat package.json package-lock.json "$SELF" | sha256sum | cut -d' ' -f1)"

if [[ "${1:-}" != "--force" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "a11y: node_modules up to date"
  exit 0
fi

start=$SECONDS
rm -f "$STAMP"
# --ignore-scripts: axe-core is one plain JavaScript file and has no install script.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

# Smoke test: the file the tests inject is there and is the pinned version.
node -e "
  const want = require('./package.json').dependencies['axe-core'];
  const axe = require('axe-core');
  if (axe.version !== want) { console.error('a11y: axe-core ' + axe.version + ', want ' + want); process.exit(1); }
  require('fs').accessSync(require.resolve('axe-core/axe.min.js'));
"

echo "$WANT" >"$STAMP"
echo "a11y: axe-core installed in $((SECONDS - start))s"
