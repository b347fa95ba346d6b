#!/usr/bin/env bash
# Install the Open Badges 2.0 validator (openbadges 1.1.2) into its own virtual
# environment: bash install.sh <venv-dir>
#
# Its published pins do not import on Python 3.11, so requirements.txt holds a
# working set that is installed with --no-deps. Idempotent: a stamp file in the
# venv records a hash of requirements.txt and of this script; when it matches,
# nothing is done.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: bash $0 <venv-dir>" >&2
  exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQUIREMENTS="$HERE/requirements.txt"
VENV="$1"
STAMP="$VENV/.installed"

# Build tools for the sdists (pycryptodome, future, PyLD, pydux, language-tags,
# validators), pinned so that a new setuptools release cannot break the build.
BUILD_TOOLS=(setuptools==69.5.1 wheel==0.43.0)

WANT="$(cat "$REQUIREMENTS" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)"
if [[ -f "$STAMP" && -x "$VENV/bin/python" && "$(cat "$STAMP")" == "$WANT" ]]; then
  touch "$STAMP"
  echo "ob2 validator: up to date in $VENV"
  exit 0
fi

PYTHON="${OB2_VALIDATOR_BASE_PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [[ -z "$PYTHON" ]]; then
  echo "ob2 validator: python3.11 or python3 is needed" >&2
  exit 1
fi

case "$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" in
  3.11) ;;
  *) echo "ob2 validator: warning: $PYTHON is not Python 3.11; the working set is made for 3.11" >&2 ;;
esac

start=$SECONDS
echo "ob2 validator: installing into $VENV with $("$PYTHON" --version 2>&1)"
rm -f "$STAMP"
"$PYTHON" -m venv --clear "$VENV"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_NO_CACHE_DIR=1
PIP=("$VENV/bin/python" -m pip install -q --no-cache-dir)

"${PIP[@]}" "${BUILD_TOOLS[@]}"

# pycryptodome 3.6.6 converts its Python 2 sources with build_py_2to3, which only
# the standard library's distutils has: without this it installs Python 2 code.
pycryptodome="$(grep -iE '^pycryptodome==' "$REQUIREMENTS")"
SETUPTOOLS_USE_DISTUTILS=stdlib "${PIP[@]}" --no-deps --no-build-isolation "$pycryptodome"

"${PIP[@]}" --no-deps --no-build-isolation -r "$REQUIREMENTS"

# Smoke test: the validator, its crypto and its JSON-LD stack import and the
# harness can load the bundled context.
"$VENV/bin/python" - <<'EOF'
import Crypto.PublicKey.RSA
import jose.jws
import openbadges_bakery
import pyld.jsonld
import requests_cache
from openbadges import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

assert callable(verify)
assert "@context" in OPENBADGES_CONTEXT_V2_DICT
EOF
"$VENV/bin/python" "$HERE/run_validator.py" --help >/dev/null

echo "$WANT" >"$STAMP"
echo "ob2 validator: installed in $((SECONDS - start))s"
