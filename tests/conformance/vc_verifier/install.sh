#!/usr/bin/env bash
# Install the W3C VC verifier harness's pinned npm dependencies
# (@digitalcredentials/verifier-core and the DCC issuing libraries used by
# make_fixture.mjs) into node_modules/ beside this script:
#
#   bash tests/conformance/vc_verifier/install.sh [--force]
#
# `npm ci` from package-lock.json. Idempotent: a stamp file in node_modules
# records a hash of package.json, package-lock.json and this script plus the
# Node.js major version; when it matches, nothing is done.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
cd "$HERE"

for tool in node npm sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "vc verifier: '$tool' is needed on PATH" >&2
    exit 1
  fi
done

NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$NODE_MAJOR" -lt 18 ]]; then
  echo "vc verifier: Node.js >= 18 is needed (20 is what it is tested on), found $(node --version)" >&2
  exit 1
fi

# Serialise concurrent runs (parallel test workers) on the lock file.
exec 9<package-lock.json
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

STAMP="node_modules/.vc-verifier-installed"
WANT="$(cat package.json package-lock.json "$SELF" | sha256sum | cut -d' ' -f1) node$NODE_MAJOR"

if [[ "${1:-}" != "--force" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "vc verifier: node_modules up to date"
  exit 0
fi

start=$SECONDS
rm -f "$STAMP"
# --ignore-scripts: every dependency is plain JavaScript; the only install
# script in the tree is core-js's postinstall banner.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

# Smoke test: the verifier and the issuing libraries load.
node --input-type=module -e "
  await import('@digitalcredentials/verifier-core');
  await import('@digitalcredentials/eddsa-rdfc-2022-cryptosuite');
  await import('@digitalcredentials/vc-bitstring-status-list');
"

echo "$WANT" >"$STAMP"
echo "vc verifier: installed in $((SECONDS - start))s"
