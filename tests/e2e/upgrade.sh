#!/usr/bin/env bash
# Upgrading keeps running cases running: a database is built with the migrations of an
# earlier landed release (read from git history at $UPGRADE_FROM, default the commit
# below) and filled as that release wrote it: a running case with a pending timer, a
# case waiting for the petitioner with its clock paused, a finished case. Then this
# release's `petitiond migrate` upgrades it and `serve` runs on it: every timer fires
# once, the paused clock resumes and fires once, every case can still move, and the
# finished case gets its finish time (migration 0022).
# Usage: upgrade.sh PETITIOND_BINARY SOURCE_DIR   (needs DATABASE_URL and the git history)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
: "${DATABASE_URL:?}"
# The last release that landed before migrations 0020-0022 (issue #19's attachments).
from=${UPGRADE_FROM:-ec10f94c43a46691f544b1ab29f401bcc8e16cd0}
git -C "$src" cat-file -e "$from^{commit}" 2>/dev/null ||
  { echo "FAIL: commit $from is not in $src's history (a shallow clone?); the upgrade test needs it" >&2; exit 1; }

e2e_begin upgrade
DATABASE_URL=$(fresh_database "$db")
export DATABASE_URL
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$DATABASE_URL" "$@"; }

# 1. The old release's schema, exactly as its migrator applied it: each file in order,
#    recorded with its checksum.
sql -c "CREATE TABLE schema_migrations (name text PRIMARY KEY, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())"
old=0
for f in $(git -C "$src" ls-tree --name-only "$from" migrations/ | sort); do
  git -C "$src" show "$from:$f" >"$work/m.sql"
  sql -1 -f "$work/m.sql" >/dev/null
  sql -c "INSERT INTO schema_migrations (name, checksum) VALUES ('$(basename "$f")', '$(sha256sum "$work/m.sql" | cut -d' ' -f1)')"
  old=$((old + 1))
done
echo "built the schema of $from ($old migrations)"

# 2. Filled as that release's serve wrote it: the workflow, three cases, their trail,
#    clocks and the pending timer.
wf="$src/tests/data/upgrade/upgrade-check.yaml"
mkdir -p "$work/workflows"
cp "$wf" "$work/workflows/"
sql -v yaml="$(cat "$wf")" -v sum="$(sha256sum "$wf" | cut -d' ' -f1)" <<'SQL'
INSERT INTO workflows (name, version, yaml, checksum) VALUES ('upgrade-check', 1, :'yaml', :'sum');
INSERT INTO cases (public_no, channel, workflow_name, workflow_version, state, office, subject, body, petitioner,
                   assignee, overdue, priority, access_code_hash, received_at, last_seq, next_due_at, origin, outcome)
VALUES ('115-900001', 'counter', 'upgrade-check', 1, 'open', 'main', '辦理中', '升級測試', '{"name":"甲"}', NULL, false, 0,
        'x', now() - interval '30 seconds', 1, now() + interval '15 seconds', 'staff', NULL),
       ('115-900002', 'counter', 'upgrade-check', 1, 'waiting', 'main', '待補正', '升級測試', '{"name":"乙"}', NULL, false, 0,
        'x', now() - interval '40 seconds', 2, 'infinity', 'staff', NULL),
       ('115-900003', 'counter', 'upgrade-check', 1, 'done', 'main', '已結案', '升級測試', '{"name":"丙"}', NULL, false, 0,
        'x', now() - interval '50 seconds', 2, 'infinity', 'staff', 'answered');
INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, counts_as, outcome)
SELECT id, 1, 'created', NULL, 'open', 'chen', received_at, '{"channel":"counter","office":"main"}', NULL, NULL FROM cases;
INSERT INTO case_events (case_id, seq, event, from_state, to_state, actor, at, data, counts_as, outcome)
SELECT id, 2, CASE WHEN state = 'waiting' THEN 'ask' ELSE 'finish' END, 'open', state, 'chen',
       now() - interval '10 seconds', '{}', NULL, outcome FROM cases WHERE state <> 'open';
INSERT INTO clocks (case_id, name, started_at, due_at, paused_at, paused_seconds, stopped_at, extensions, fired,
                    calendar_incomplete, pending_extension)
SELECT id, 'quick', received_at, received_at + interval '1 minute',
       CASE WHEN state = 'waiting' THEN now() - interval '10 seconds' END, 0,
       CASE WHEN state = 'done' THEN now() - interval '10 seconds' END, 0, '{}', false, NULL FROM cases;
INSERT INTO timers (case_id, clock, rule, due_at)
SELECT id, 'quick', 0, received_at + interval '1 minute' FROM cases WHERE state = 'open';
SQL
echo "filled: a running case with a pending timer, a paused clock, a finished case"

# 3. This release: migrate forward, serve.
"$bin" migrate >"$work/migrate.log"
new=$(grep -c '^applied ' "$work/migrate.log" || true)
[ "$new" -ge 3 ] || fail "migrate applied $new migrations: $(cat "$work/migrate.log")"
[ "$(sql -c "SELECT count(*) FROM cases WHERE finished_at IS NOT NULL")" = 1 ] || fail "the finished case has no finish time"
echo 'supervisor-pass' | "$bin" user add chen --role supervisor,handler --office main --password-stdin >/dev/null
port=$(free_port)
base="http://127.0.0.1:$port"
"$bin" serve --listen "127.0.0.1:$port" --workflows "$work/workflows" >"$work/serve.log" 2>&1 &
server_pid=$!
wait_healthy "$base"
token=$(curl -s -X POST "$base/api/v1/sessions" -d '{"login":"chen","password":"supervisor-pass"}' |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
event() {  # event ID EVENT: sends it with the case's version; fails the test on a refusal
  local id version status
  id=$(sql -c "SELECT id FROM cases WHERE public_no = '$1'")
  version=$(sql -c "SELECT row_version FROM cases WHERE id = $id")
  status=$(curl -s -o "$work/out.json" -w '%{http_code}' -X POST "$base/api/v1/cases/$id/events" \
    -H "Authorization: Bearer $token" -H "If-Match: \"$version\"" -d "{\"event\":\"$2\"}")
  [ "$status" = 200 ] || fail "$2 on $1 answered $status: $(cat "$work/out.json")"
}
escalations() { sql -c "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id
                        WHERE c.public_no = '$1' AND e.event = 'escalated'"; }

# The paused clock resumes where it stopped (10 s of its minute were left at the pause).
event 115-900002 answer
for _ in $(seq 1 400); do
  [ "$(escalations 115-900001)" -ge 1 ] && [ "$(escalations 115-900002)" -ge 1 ] && break
  sleep 0.1
done
sleep 2  # a timer that fired twice would show by now
[ "$(escalations 115-900001)" = 1 ] || fail "the old pending timer fired $(escalations 115-900001) times"
[ "$(escalations 115-900002)" = 1 ] || fail "the resumed clock fired $(escalations 115-900002) times"
[ "$(sql -c "SELECT count(*) FROM timers")" = 0 ] || fail "timers left: $(sql -c "SELECT * FROM timers")"
event 115-900001 finish
event 115-900002 finish
[ "$(sql -c "SELECT count(*) FROM cases WHERE state = 'done' AND finished_at IS NOT NULL")" = 3 ] ||
  fail "not every case finished with its finish time"
echo "upgraded $from (+$new migrations): every timer fired once, the paused clock resumed, every case moved"
echo "1 passed, 0 failed"
