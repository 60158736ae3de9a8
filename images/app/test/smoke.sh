#!/bin/sh
# Smoke test run by CI against a started container: `test/smoke.sh http://127.0.0.1:8080`.
# Lives next to the image but is excluded from its build context by .dockerignore.
set -eu
base="${1:-http://127.0.0.1:8080}"
wget -q -O - "$base/healthz" | grep -qx ok
wget -q -O - "$base/version.json" | grep -q '"version"'
echo "smoke test passed against $base"
