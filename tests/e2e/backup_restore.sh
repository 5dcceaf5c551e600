#!/usr/bin/env bash
# Backup and restore round trip: a database with cases (one finished, one running with
# a pending timer) is backed up with scripts/backup, restored with scripts/restore into
# a new database as its owner (the serve role granted again), and served from there:
# the same cases with the same versions, the restored timer fires once, and the
# running case moves on.
# Usage: backup_restore.sh PETITIOND_BINARY SOURCE_DIR   (needs DATABASE_URL)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
: "${DATABASE_URL:?}"
e2e_begin backup
restored="restored_$$"
trap 'e2e_end; DATABASE_URL=$server_url drop_database "$restored"' EXIT

DATABASE_URL=$(fresh_database "$db")
export DATABASE_URL
"$bin" migrate >/dev/null
echo 'supervisor-pass' | "$bin" user add chen --role supervisor,handler --office main --password-stdin >/dev/null
one_minute_workflow "$work/workflows" 50%   # the escalation 30 s after intake

serve() {  # serve DATABASE_URL: starts serve on a free port, sets $base
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  DATABASE_URL=$1 "$bin" serve --listen "127.0.0.1:$port" --workflows "$work/workflows" >>"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_healthy "$base"
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
api() {  # api METHOD PATH [BODY [IF-MATCH]]
  curl -s -X "$1" "$base$2" -H "Authorization: Bearer $token" ${3:+-d "$3"} ${4:+-H "If-Match: \"$4\""}
}
field() { /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

serve "$DATABASE_URL"
token=$(curl -s -X POST "$base/api/v1/sessions" -d '{"login":"chen","password":"supervisor-pass"}' | field token)
make() { api POST /api/v1/cases "{\"workflow\":\"one-minute\",\"channel\":\"counter\",\"subject\":\"$1\",\"body\":\"備份測試\"}" | field id; }
finished=$(make 已結案)
running=$(make 進行中)
api POST "/api/v1/cases/$finished/events" '{"event":"finish"}' 1 >/dev/null
stop
psql -X -q -t -A -d "$DATABASE_URL" -c "SELECT id, public_no, state, row_version FROM cases ORDER BY id" >"$work/before.txt"
[ "$(psql -X -q -t -A -d "$DATABASE_URL" -c "SELECT count(*) FROM timers WHERE case_id = $running")" = 1 ] ||
  fail "the running case has no pending timer to restore"

"$src/scripts/backup" "$work/petitiond.dump"
restored_url=$(DATABASE_URL=$server_url fresh_database "$restored")
serve_url=$(serve_role_url "$restored_url")
DATABASE_URL=$restored_url PETITIOND_BIN=$bin "$src/scripts/restore" "$work/petitiond.dump" petitiond_serve
# A second restore into a database that has data is refused.
if DATABASE_URL=$restored_url PETITIOND_BIN=$bin "$src/scripts/restore" "$work/petitiond.dump" 2>/dev/null; then
  fail "restore over a database with tables was not refused"
fi
psql -X -q -t -A -d "$restored_url" -c "SELECT id, public_no, state, row_version FROM cases ORDER BY id" >"$work/after.txt"
diff "$work/before.txt" "$work/after.txt" || fail "the restored cases differ"

# The restored database serves, as the serve role: the same cases, the timer fires once.
serve "$serve_url"
curl -fs "$base/readyz" >/dev/null || fail "/readyz after restore"
token=$(curl -s -X POST "$base/api/v1/sessions" -d '{"login":"chen","password":"supervisor-pass"}' | field token)
[ "$(api GET "/api/v1/cases/$running" | field state)" = open ] || fail "the running case is not served"
for _ in $(seq 1 450); do
  [ "$(psql -X -q -t -A -d "$restored_url" -c "SELECT count(*) FROM case_events WHERE case_id = $running AND event = 'escalated'")" = 1 ] && break
  sleep 0.1
done
fired=$(psql -X -q -t -A -d "$restored_url" -c "SELECT count(*) FROM case_events WHERE case_id = $running AND event = 'escalated'")
[ "$fired" = 1 ] || fail "the restored timer fired $fired times"
version=$(psql -X -q -t -A -d "$restored_url" -c "SELECT row_version FROM cases WHERE id = $running")
api POST "/api/v1/cases/$running/events" '{"event":"finish"}' "$version" | grep -q '"state":"done"' ||
  fail "the restored case does not move on"
stop
echo "1 passed, 0 failed"
