#!/usr/bin/env bash
# Faults under load (issue 9, item 8), on a PostgreSQL cluster of its own:
#  1. PostgreSQL stopped for 10 s while cases are created: the server stays up, answers
#     503 with Retry-After meanwhile, creates cases again within 5 s of the database
#     returning, and every case that got a 201 is in the database;
#  2. the server killed with SIGKILL under the same load: after a restart every case
#     that got a 201 is there.
# Usage: faults.sh PETITIOND_BINARY SOURCE_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2

work=$(mktemp -d)
pgdir=$(mktemp -d /tmp/petitiond-faults-pg.XXXXXX)
server_pid=""
load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  "$src/scripts/stop-postgres" "$pgdir" || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

DATABASE_URL=$("$src/scripts/start-postgres" "$pgdir" faults)
export DATABASE_URL
"$bin" migrate >/dev/null
echo 'intake-pass' | "$bin" user add lin --role intake --office main --password-stdin >/dev/null

port=$(free_port)
base="http://127.0.0.1:$port"
cat >"$work/config.yaml" <<YAML
database: { connect_timeout: 2s, statement_timeout: 5s, lease_timeout: 1s }
YAML
start_server() {
  "$bin" serve --listen "127.0.0.1:$port" --workflows "$src/workflows" --config "$work/config.yaml" \
    >>"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_healthy "$base"
}
token() {
  curl -fs -X POST "$base/api/v1/sessions" -H 'Content-Type: application/json' \
    -d '{"login":"lin","password":"intake-pass"}' | /usr/bin/python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])'
}
sql() { psql -X -q -d "$DATABASE_URL" -tAc "$1"; }
# every_201_stored FILE: each case id answered with 201 in FILE is a row of cases.
every_201_stored() {
  awk '$2 == 201 { print $3 }' "$1" | sort -u >"$work/ids"
  local answered stored
  answered=$(wc -l <"$work/ids")
  [ "$answered" -gt 0 ] || fail "no case was created at all"
  stored=$(sql "SELECT count(*) FROM cases WHERE id = ANY('{$(paste -sd, "$work/ids")}'::bigint[])")
  [ "$stored" = "$answered" ] || fail "$answered cases answered 201, $stored of them in the database"
  echo "$answered"
}

start_server
tok=$(token)

# 1. The database goes away for 10 s.
/usr/bin/python3 "$src/tests/e2e/load.py" "$base" "$tok" 60 "$work/load1.txt" &
load_pid=$!
sleep 2
"$src/scripts/stop-postgres" "$pgdir"
down_at=$(date +%s.%N)
sleep 10
"$src/scripts/start-postgres" "$pgdir" faults >/dev/null
up_at=$(date +%s.%N)
sleep 8
touch "$work/load1.txt.stop"
wait "$load_pid" || true
load_pid=""
kill -0 "$server_pid" 2>/dev/null || fail "the server died while the database was down"
during=$(awk -v a="$down_at" -v b="$up_at" '$1 > a + 1 && $1 < a + 10 { print $2 }' "$work/load1.txt" | sort | uniq -c | tr '\n' ' ')
awk -v a="$down_at" -v b="$up_at" '$1 > a + 1 && $1 < a + 10 && $2 != 503 { bad = 1 } END { exit bad }' "$work/load1.txt" ||
  fail "while the database was down the answers were: $during (expected only 503)"
awk -v a="$down_at" -v b="$up_at" '$1 > a + 1 && $1 < a + 10 && $2 == 503 && $4 == "-" { bad = 1 } END { exit bad }' \
  "$work/load1.txt" || fail "a 503 without Retry-After"
first_back=$(awk -v b="$up_at" '$1 > b && $2 == 201 { print $1; exit }' "$work/load1.txt")
[ -n "$first_back" ] || fail "no case was created after the database returned"
recovery=$(/usr/bin/python3 -c "print(round($first_back - $up_at, 2))")
/usr/bin/python3 -c "import sys; sys.exit(0 if $first_back - $up_at <= 5 else 1)" ||
  fail "the first case after the database returned took $recovery s"
n1=$(every_201_stored "$work/load1.txt")
echo "database down 10 s: answers meanwhile: $during; serving again $recovery s after it returned; $n1 cases answered 201, all stored"

# 2. SIGKILL under load.
/usr/bin/python3 "$src/tests/e2e/load.py" "$base" "$tok" 30 "$work/load2.txt" &
load_pid=$!
sleep 3
kill -9 "$server_pid"
server_pid=""
sleep 0.5
touch "$work/load2.txt.stop"
wait "$load_pid" 2>/dev/null || true
load_pid=""
start_server
n2=$(every_201_stored "$work/load2.txt")
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] || fail "not ready after the restart"
echo "SIGKILL under load: $n2 cases answered 201 before the kill, all stored after the restart"
echo "1 passed, 0 failed"
