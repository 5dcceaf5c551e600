#!/usr/bin/env bash
# End to end through the real binary and real HTTP:
#  1. the README flow: sign in, create, assign, reply, close, read the audit trail;
#  2. least privilege: serve runs as petitiond_serve, which cannot truncate, update or
#     un-trigger the audit trail;
#  3. durability: a case whose escalation is due in 3 s, the server killed with
#     SIGKILL before then and started again later: the escalation fires exactly once.
# Usage: flow_and_restart.sh PETITIOND_BINARY SOURCE_DIR   (needs DATABASE_URL)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server (scripts/test sets it)}"

e2e_begin e2e

owner_url=$(fresh_database "$db")
DATABASE_URL=$(serve_role_url "$owner_url")
export DATABASE_URL

mkdir -p "$work/workflows"
cp "$src/workflows/hotline-1999.yaml" "$work/workflows/"
one_minute_workflow "$work/workflows"

port=$(free_port)
base="http://127.0.0.1:$port"
DATABASE_OWNER_URL=$owner_url "$bin" migrate --serve-role petitiond_serve >/dev/null
echo 'supervisor-pass' | "$bin" user add chen --role supervisor --office main --password-stdin >/dev/null
echo 'handler-pass' | "$bin" user add wang --role handler,intake --office main --password-stdin >/dev/null

start_server() {
  "$bin" serve --listen "127.0.0.1:$port" --workflows "$work/workflows" >>"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_healthy "$base"
}

# call METHOD PATH TOKEN [BODY] [IF-MATCH] -> prints "STATUS BODY"
call() {
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$1" "$base$2")
  [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
  [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' -d "$4")
  [ -n "${5:-}" ] && args+=(-H "If-Match: $5")
  local status
  status=$(curl "${args[@]}")
  echo "$status $(cat "$work/body")"
}
# value EXPR: evaluates a Python expression over the JSON body `v` of a "STATUS BODY" line.
value() { python3 -c 'import sys,json; v=json.loads(sys.stdin.read().split(" ",1)[1]); print(eval(sys.argv[1]))' "$1"; }
expect() { [ "${2%% *}" = "$1" ] || fail "expected HTTP $1, got: $2"; }

start_server
sup=$(call POST /api/v1/sessions "" '{"login":"chen","password":"supervisor-pass"}' | value 'v["token"]')
han=$(call POST /api/v1/sessions "" '{"login":"wang","password":"handler-pass"}' | value 'v["token"]')

r=$(call POST /api/v1/cases "$han" '{"channel":"hotline","office":"main","subject":"戶籍謄本","body":"如何申請","petitioner":{"name":"林先生","phone":"0922000333"}}')
expect 201 "$r"
id=$(echo "$r" | value 'v["id"]')
expect 200 "$(call POST "/api/v1/cases/$id/events" "$sup" '{"event":"assign","data":{"assignee":"wang"}}' '"1"')"
expect 403 "$(call POST "/api/v1/cases/$id/events" "$sup" '{"event":"reply","data":{"reply":"x"}}' '"2"')"
expect 200 "$(call POST "/api/v1/cases/$id/events" "$han" '{"event":"reply","data":{"reply":"已告知申請方式"}}' '"2"')"
expect 412 "$(call POST "/api/v1/cases/$id/events" "$sup" '{"event":"close"}' '"2"')"
r=$(call POST "/api/v1/cases/$id/events" "$sup" '{"event":"close"}' '"3"')
expect 200 "$r"
[ "$(echo "$r" | value 'v["state"]')" = closed ] || fail "case not closed: $r"
r=$(call GET "/api/v1/cases/$id/events" "$sup")
[ "$(echo "$r" | value 'len(v["items"])')" = 4 ] || fail "audit trail: $r"
echo "flow: create -> assign -> reply -> close ok, audit trail of 4 events"

# The role serve runs as cannot rewrite or silence the audit trail.
for stmt in "TRUNCATE case_events" "UPDATE case_events SET data = '{}'" "DELETE FROM case_events" \
    "ALTER TABLE case_events DISABLE TRIGGER ALL" "DROP TRIGGER case_events_no_update ON case_events" "TRUNCATE cases CASCADE"; do
  if err=$(psql -X -q -v ON_ERROR_STOP=1 -d "$DATABASE_URL" -c "$stmt" 2>&1); then
    fail "the serve role could run: $stmt"
  fi
  echo "$err" | grep -q -E "permission denied|must be owner" || fail "$stmt failed for another reason: $err"
done
[ "$(psql -X -q -d "$DATABASE_URL" -tAc "SELECT count(*) FROM case_events WHERE case_id = $id")" = 4 ] ||
  fail "the audit trail changed"
echo "least privilege: petitiond_serve cannot truncate, update, delete or un-trigger case_events"

r=$(call POST /api/v1/cases "$han" '{"workflow":"one-minute","channel":"counter","office":"main","subject":"s","body":"b"}')
expect 201 "$r"
fast=$(echo "$r" | value 'v["id"]')
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
sleep 4  # the escalation falls due (3 s) while no server runs
start_server
for _ in $(seq 1 100); do
  r=$(call GET "/api/v1/cases/$fast/events" "$sup")
  n=$(echo "$r" | value 'len([e for e in v["items"] if e["event"] == "escalated"])')
  [ "$n" -ge 1 ] && break
  sleep 0.1
done
[ "$n" = 1 ] || fail "expected one escalation after restart, got $n: $r"
sleep 1
r=$(call GET "/api/v1/cases/$fast/events" "$sup")
n=$(echo "$r" | value 'len([e for e in v["items"] if e["event"] == "escalated"])')
[ "$n" = 1 ] || fail "escalation fired $n times"
[ "$(call GET "/api/v1/cases/$fast" "$sup" | value 'v["overdue"]')" = True ] || fail "case not marked overdue"
echo "restart: the escalation armed before SIGKILL fired once after the restart"

kill -TERM "$server_pid"
wait "$server_pid" || fail "server did not exit cleanly on SIGTERM"
server_pid=""
for seeded in 林先生 0922000333; do  # the petitioner of the case above
  if grep -qF -- "$seeded" "$work/serve.log"; then fail "the server log holds personal data: $seeded"; fi
done
echo "1 passed, 0 failed"
