#!/usr/bin/env bash
# The OpenAPI document as clients get it, linted by Redocly's recommended rules (npm
# @redocly/cli, locked in tests/openapi): 0 errors. The API tests check every JSON
# answer they receive against the same document's schemas (tests/api/api_fixture.hpp).
# Usage: openapi.sh PETITIOND_BINARY SOURCE_DIR   (needs DATABASE_URL)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
: "${DATABASE_URL:?}"
redocly="$src/tests/openapi/node_modules/.bin/redocly"
[ -x "$redocly" ] || { echo "FAIL: $redocly is missing (scripts/test runs npm ci in tests/openapi)" >&2; exit 1; }
e2e_begin openapi
DATABASE_URL=$(fresh_database "$db")
export DATABASE_URL
"$bin" migrate >/dev/null
port=$(free_port)
"$bin" serve --listen "127.0.0.1:$port" --workflows "$src/workflows" >"$work/serve.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$port"
curl -fs "http://127.0.0.1:$port/api/v1/openapi.json" >"$work/openapi.json"
cat >"$work/redocly.yaml" <<'YAML'
extends:
  - recommended
YAML
(cd "$work" && "$redocly" lint openapi.json --config redocly.yaml --format stylish) >"$work/lint.txt" 2>&1 || {
  cat "$work/lint.txt" >&2
  fail "Redocly's recommended rules found errors in the OpenAPI document"
}
grep -E "error|warning" "$work/lint.txt" || true
echo "1 passed, 0 failed"
