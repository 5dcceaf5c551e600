# Sourced by the end-to-end scripts.

# fresh_database NAME: creates database NAME on the server DATABASE_URL points at and
# prints a DATABASE_URL for it (the URI's path swapped, or dbname= appended to a conninfo).
fresh_database() {
  psql -X -q -d "$DATABASE_URL" -c "CREATE DATABASE $1" >/dev/null
  /usr/bin/python3 -c '
import re, sys
url, db = sys.argv[1], sys.argv[2]
m = re.match(r"^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$", url)
print(m.group(1) + "/" + db + (m.group(3) or "") if m else url + " dbname=" + db)' "$DATABASE_URL" "$1"
}

# serve_role_url URL: the same database as role petitiond_serve (created if missing;
# scripts/start-postgres makes it), for `serve` under least privilege. Run
# `DATABASE_OWNER_URL=URL petitiond migrate --serve-role petitiond_serve` to grant it.
serve_role_url() {
  psql -X -q -d "$1" -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'petitiond_serve')
    THEN CREATE ROLE petitiond_serve LOGIN; END IF; END \$\$" >/dev/null
  /usr/bin/python3 -c '
import re, sys
url = sys.argv[1]
if re.match(r"^postgres(ql)?://", url):
    url = re.sub(r"([?&])user=[^&]*", r"\1user=petitiond_serve", url) if re.search(r"[?&]user=", url) \
        else url + ("&" if "?" in url else "?") + "user=petitiond_serve"
else:
    url = re.sub(r"\buser=\S*", "user=petitiond_serve", url) if re.search(r"\buser=", url) else url + " user=petitiond_serve"
print(url)' "$1"
}

# drop_database NAME (cleanup; never fails).
drop_database() {
  psql -X -q -d "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true
}

# e2e_begin NAME: sets $work (a temp dir), $db (NAME_<pid>), $server_url (the server's
# DATABASE_URL) and $server_pid, and on exit kills $server_pid and every pid in
# $extra_pids, drops the database and removes $work.
e2e_begin() {
  work=$(mktemp -d)
  db="$1_$$"
  server_url=$DATABASE_URL
  server_pid=""
  extra_pids=""
  trap e2e_end EXIT
}
e2e_end() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  for p in $extra_pids; do kill "$p" 2>/dev/null || true; done
  DATABASE_URL=$server_url drop_database "$db"
  rm -rf "$work"
}
# one_minute_workflow DIR [AT]: writes tests/data/one-minute.yaml into DIR, its
# escalation at AT (default 5%: 3 s after intake) instead.
one_minute_workflow() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  mkdir -p "$1"
  sed "s/at: 5%,/at: ${2:-5%},/" "$here/../data/one-minute.yaml" >"$1/one-minute.yaml"
  grep -q "at: ${2:-5%}," "$1/one-minute.yaml" || { echo "one_minute_workflow: no escalation point to move" >&2; exit 1; }
}
# free_port: a TCP port on loopback that nothing listens on now.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_healthy BASE_URL: waits up to 10 s for BASE_URL/healthz, else fails the test.
wait_healthy() {
  for _ in $(seq 1 100); do
    curl -fs "$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "the server at $1 did not start"
}

# fail MESSAGE: reports it with the end of the server's log and exits 1.
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && tail -n 30 "$work/serve.log" >&2; exit 1; }
