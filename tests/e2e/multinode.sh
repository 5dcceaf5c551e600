#!/usr/bin/env bash
# Many nodes, one database: 3 petitiond processes share a database; 1000 cases whose
# clocks escalate within seconds are created across them; one process is killed with
# SIGKILL while escalations are firing. Checks that every escalation fired exactly
# once (the killed node's open batch rolls back and another node fires it) and every
# notice was delivered (the outbox lease passes its claimed messages on): e-mail to the real SMTP sink,
# webhooks to a local receiver, each idempotency key received. Then the sign-in
# throttle holds across nodes: 6 wrong passwords split over two nodes get a 429.
# Usage: multinode.sh PETITIOND_BINARY SOURCE_DIR
# Needs DATABASE_URL, PETITIOND_TEST_SMTP_URL and PETITIOND_TEST_MAILDIR (scripts/test).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
cases=${MULTINODE_CASES:-1000}
: "${DATABASE_URL:?}" "${PETITIOND_TEST_SMTP_URL:?}" "${PETITIOND_TEST_MAILDIR:?}"
py=/usr/bin/python3

work=$(mktemp -d)
db="multinode_$$"
server_url=$DATABASE_URL
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  DATABASE_URL=$server_url drop_database "$db"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 20 "$work"/node*.log >&2 || true; exit 1; }

DATABASE_URL=$(fresh_database "$db")
export DATABASE_URL
sql() { psql -X -q -t -A -d "$DATABASE_URL" -c "$1"; }

mkdir -p "$work/workflows"
# Escalations at 30 s: every case is made before the first one fires.
one_minute_workflow "$work/workflows" 50%
hook_port=$(free_port)
$py "$src/tests/e2e/webhook_sink.py" "$hook_port" "$work/hooks.txt" &
pids+=($!)
cat >"$work/petitiond.yaml" <<YAML
smtp: { url: "$PETITIOND_TEST_SMTP_URL", from: "petitiond@hr.example.gov.tw" }
webhooks:
  - { url: "http://127.0.0.1:$hook_port/hook", secret: "multinode-secret" }
dispatcher: { lease: 5s, first_retry: 2s }
YAML

"$bin" migrate >/dev/null
mail="chen-$db@example.tw"
echo 'supervisor-pass' | "$bin" user add chen --role supervisor,intake --office main --email "$mail" --password-stdin >/dev/null
# The notices counted below are the escalations'. chen's morning digest (from 08:00
# Taipei on a working day) would add one more when the test runs across that hour.
sql "UPDATE users SET daily_digest = false WHERE login = 'chen'"

ports=()
for i in 1 2 3; do
  port=$(free_port)
  ports+=("$port")
  "$bin" serve --listen "127.0.0.1:$port" --workflows "$work/workflows" --config "$work/petitiond.yaml" \
    >"$work/node$i.log" 2>&1 &
  pids+=($!)
done
node_pids=("${pids[@]:1}")
for port in "${ports[@]}"; do
  wait_healthy "http://127.0.0.1:$port"
done

# Create the cases across the three nodes, three clients at once, keep-alive.
start=$(date +%s.%N)
$py - "$cases" "${ports[@]}" <<'PY'
import http.client, json, sys, threading
n, ports = int(sys.argv[1]), sys.argv[2:]
def token(port):
    c = http.client.HTTPConnection("127.0.0.1", int(port))
    c.request("POST", "/api/v1/sessions", json.dumps({"login": "chen", "password": "supervisor-pass"}))
    return json.loads(c.getresponse().read())["token"]
errors = []
def create(port, count):
    tok = token(port)
    c = http.client.HTTPConnection("127.0.0.1", int(port))
    for i in range(count):
        body = json.dumps({"workflow": "one-minute", "channel": "counter", "office": "main", "subject": f"多節點測試 {i}", "body": "b"})
        c.request("POST", "/api/v1/cases", body, {"Authorization": "Bearer " + tok})
        r = c.getresponse(); r.read()
        if r.status != 201: errors.append(r.status)
threads = [threading.Thread(target=create, args=(p, n // len(ports) + (1 if k < n % len(ports) else 0)))
           for k, p in enumerate(ports)]
for t in threads: t.start()
for t in threads: t.join()
if errors: sys.exit(f"case creation failed: {errors[:5]}")
PY
created=$(sql "SELECT count(*) FROM cases")
[ "$created" = "$cases" ] || fail "created $created cases, expected $cases"
echo "created $cases cases across 3 nodes in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }") s"

# Kill node 2 once escalations are firing.
for _ in $(seq 1 600); do
  fired=$(sql "SELECT count(*) FROM case_events WHERE event = 'escalated'")
  [ "$fired" -ge $((cases / 5)) ] && break
  sleep 0.1
done
kill -9 "${node_pids[1]}"
wait "${node_pids[1]}" 2>/dev/null || true
echo "node 2 killed with SIGKILL after $fired escalations"

for _ in $(seq 1 1200); do
  fired=$(sql "SELECT count(*) FROM case_events WHERE event = 'escalated'")
  pending=$(sql "SELECT count(*) FROM outbox WHERE status = 'pending'")
  [ "$fired" -ge "$cases" ] && [ "$pending" = 0 ] && break
  sleep 0.1
done
distinct=$(sql "SELECT count(DISTINCT case_id) FROM case_events WHERE event = 'escalated'")
[ "$fired" = "$cases" ] || fail "$fired escalations for $cases cases"
[ "$distinct" = "$cases" ] || fail "escalations reached $distinct distinct cases"
[ "$(sql "SELECT count(*) FROM timers")" = 0 ] || fail "timers left unfired"
echo "escalations: $fired, one per case, none twice"

sent=$(sql "SELECT count(*) FROM outbox WHERE status = 'sent'")
total=$(sql "SELECT count(*) FROM outbox")
[ "$total" = $((cases * 2)) ] || fail "$total notices queued, expected $((cases * 2))"
[ "$sent" = "$total" ] || fail "$sent of $total notices sent: $(sql "SELECT status, last_error FROM outbox WHERE status <> 'sent' LIMIT 3")"

hooks=$(wc -l <"$work/hooks.txt")
hook_keys=$(sort -u "$work/hooks.txt" | wc -l)
[ "$hook_keys" = "$cases" ] || fail "webhook receiver saw $hook_keys distinct keys, expected $cases"
# -r over the folder, not a glob: a long-lived sink holds more files than one command line.
grep -rl "^To: $mail" "$PETITIOND_TEST_MAILDIR/new" >"$work/mails.txt" || true
mails=$(wc -l <"$work/mails.txt")
mail_keys=$(xargs -r -d '\n' grep -hi "^Message-ID:" <"$work/mails.txt" | sort -u | wc -l)
[ "$mail_keys" = "$cases" ] || fail "mail sink got $mail_keys distinct messages, expected $cases"
echo "notices: $total queued and marked sent once each; webhooks: $hooks deliveries of $hook_keys keys;" \
     "mail: $mails deliveries of $mail_keys messages (repeats carry the same idempotency key / Message-ID)"
dupes=$(( hooks - hook_keys + mails - mail_keys ))
[ "$dupes" -le 100 ] || fail "$dupes repeated deliveries: more than the killed node's two batches in flight"

# Limits hold across nodes: 5 wrong passwords split over the two live nodes lock the
# login on both, so the 6th (on either) gets 429 before any password is checked.
live=("${ports[0]}" "${ports[2]}")
codes=()
for i in 1 2 3 4 5 6; do
  port=${live[$((i % 2))]}
  codes+=("$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/sessions" \
             -d '{"login":"chen","password":"wrong-'"$i"'"}')")
done
[ "${codes[*]}" = "401 401 401 401 401 429" ] || fail "wrong passwords across two nodes answered: ${codes[*]}"
right=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:${live[0]}/api/v1/sessions" \
          -d '{"login":"chen","password":"supervisor-pass"}')
[ "$right" = 429 ] || fail "the locked login signed in on the other node ($right)"
echo "sign-in throttle: 6 wrong passwords over 2 nodes answered ${codes[*]}; the right one waits too"
echo "1 passed, 0 failed"
