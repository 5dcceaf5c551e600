#!/usr/bin/env bash
# `petitiond validate`: every error of a broken file with FILE:LINE:COL and exit 1;
# the shipped workflows pass with exit 0.
# Usage: validate.sh PETITIOND_BINARY SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" validate "$src"/workflows/*.yaml >/dev/null || fail "the shipped workflows do not validate"

cat >"$work/broken.yaml" <<'YAML'
workflow: broken
version: 1
clocks:
  response: { within: 6 weekdays }
states:
  received: { initial: true, starts: [response] }
  stuck: {}
transitions:
  - { on: go, from: received, to: stuck, roles: [janitor] }
YAML
set +e
out=$("$bin" validate "$work/broken.yaml" 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] || fail "exit code $rc, expected 1"
for want in "$work/broken.yaml:4:23: '6 weekdays' is not a duration" \
            "$work/broken.yaml:7:3: state 'stuck' is a dead end" \
            "$work/broken.yaml:9:50: unknown role 'janitor'"; do
  grep -qF "$want" <<<"$out" || fail "missing '$want' in:
$out"
done
echo "1 passed, 0 failed"
