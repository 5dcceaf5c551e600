#!/usr/bin/env bash
# The three channels end to end through the real binary:
#  - the director's Maildir: fixture messages written by Python's email package move
#    from new/ to cur/ once taken; the truncated and the oversize one are stored as
#    rejected with their reasons;
#  - news: an RSS feed served with an ETag by a local HTTP server: the matching item
#    becomes one news case (304 on later polls, never taken twice), a later report of
#    the same story attaches to it, the director is notified, a broken feed is stored
#    as rejected, 3 redirects are followed and 9 refused;
#  - the 1999 platform: a signed webhook (201, then 200 for the repeat, 401 when the
#    signature is wrong) and `petitiond import hotline` with a bad row.
# Usage: channels.sh PETITIOND_BINARY SOURCE_DIR   (needs DATABASE_URL)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server (scripts/test sets it)}"

e2e_begin e2e_channels
sql() { psql -X -q -t -A -d "$DATABASE_URL" -c "$1"; }
# wait_for SQL EXPECTED: polls for up to 45 s until the query prints EXPECTED (a feed's
# first fetch comes at a random moment in the 30 s after start).
wait_for() {
  for _ in $(seq 1 450); do
    [ "$(sql "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  fail "$1: expected $2, got $(sql "$1")"
}

DATABASE_URL=$(fresh_database "$db")
export DATABASE_URL
"$bin" migrate >/dev/null
echo 'director-pass' | "$bin" user add boss --role director --office main --email boss@example.tw --password-stdin >/dev/null

# The news site.
mkdir -p "$work/site"
cp "$src/tests/connectors/data/rss.xml" "$work/site/rss.xml"
cp "$src/tests/connectors/data/broken.xml" "$work/site/broken.xml"
cp "$src/tests/connectors/data/atom.xml" "$work/site/atom.xml"
# A feed with nothing for the office, watched 120 times over (/many/N/quiet).
cat >"$work/site/quiet.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>quiet</title><link>https://quiet.example.tw/</link><description>d</description>
<item><title>天氣晴</title><guid>q-1</guid><description>無關</description></item></channel></rss>
XML
/usr/bin/python3 "$(dirname "$0")/feed_server.py" "$work/site" "$work/feed.port" &
extra_pids=$!
for _ in $(seq 1 50); do [ -f "$work/feed.port" ] && break; sleep 0.1; done
feed="http://127.0.0.1:$(cat "$work/feed.port")"

# The director's mailbox.
mkdir -p "$work/md/new" "$work/md/cur" "$work/md/tmp"
for m in big5 multipart truncated no-from oversize; do cp "$src/tests/connectors/data/$m.eml" "$work/md/new/$m"; done

port=$(free_port)
base="http://127.0.0.1:$port"
cat >"$work/config.yaml" <<YAML
hotline: { secret: "platform-secret" }
mailbox: { maildir: "$work/md", confirm_days: 7, max_attachment: 1024, interval: 1s }
news:
  feeds:
    - { url: "$feed/rss", office: main, keywords: [戶政], exclude: [體育], interval: 1s }
    - { url: "$feed/broken", office: main, keywords: [戶政], interval: 1 hour }
    - { url: "$feed/redirect/3/atom", office: lanyu, keywords: [戶政], interval: 1 hour, allow_private: true }
    - { url: "$feed/redirect/9/atom", office: lanyu, keywords: [戶政], interval: 1 hour, allow_private: true }
    - { url: "$feed/redirect/1/rss", office: beinan, keywords: [戶政], interval: 1 hour }
$(for i in $(seq 1 120); do echo "    - { url: \"$feed/many/$i/quiet\", office: main, keywords: [戶政], interval: 1 hour }"; done)
  workers: 4
YAML
started=$(date +%s)
"$bin" serve --listen "127.0.0.1:$port" --workflows "$src/workflows" --config "$work/config.yaml" \
  >>"$work/serve.log" 2>&1 &
server_pid=$!
wait_healthy "$base"

# Mailbox: read as mail clients read it. Three cases (the one without a sender
# registered only); the truncated copy of the multipart message read with a warning and
# recognised as its duplicate; one rejection (an attachment over the limit, flagged in
# cur/); every message out of new/.
wait_for "SELECT count(*) FROM cases WHERE channel = 'mailbox'" 3
wait_for "SELECT count(*) FROM intake_raw WHERE channel = 'mailbox' AND status = 'rejected'" 1
[ -z "$(ls "$work/md/new")" ] || fail "messages left in new/: $(ls "$work/md/new")"
[ "$(ls "$work/md/cur" | wc -l)" = 5 ] || fail "cur/ holds $(ls "$work/md/cur")"
[ -f "$work/md/cur/oversize:2,FS" ] || fail "the refused message is not flagged: $(ls "$work/md/cur")"
[ "$(sql "SELECT count(*) FROM intake_raw WHERE status = 'duplicate' AND warnings LIKE '%truncated%'")" = 1 ] ||
  fail "the truncated message's warning is not on its intake row"
[ "$(sql "SELECT count(*) FROM intake_raw WHERE status = 'registered_only' AND warnings LIKE '%no sender%'")" = 1 ] ||
  fail "the message without a sender is not registered only"
[ "$(sql "SELECT subject FROM cases WHERE external_ref = '<big5-001@example.tw>'")" = "戶口名簿遺失補發" ] ||
  fail "Big5 subject not decoded"
sql "SELECT reason FROM intake_raw WHERE status = 'rejected' AND channel = 'mailbox' ORDER BY id" | grep -q "over the limit" ||
  fail "oversize attachment not the reason"
[ "$(sql "SELECT count(*) FROM case_attachments")" = 1 ] || fail "the PDF attachment was not kept"
[ "$(sql "SELECT count(*) FROM outbox WHERE subject LIKE '%受理通知%'")" = 2 ] || fail "no acceptance notices"

# News: one case for the one matching item; polled again with 304; the director told.
wait_for "SELECT count(*) FROM cases WHERE channel = 'news' AND office = 'main'" 1
for _ in $(seq 1 50); do grep -q "/rss 304" "$work/site/requests.log" && break; sleep 0.1; done
grep -q "/rss 304" "$work/site/requests.log" || fail "no conditional GET: $(cat "$work/site/requests.log")"
[ "$(sql "SELECT count(*) FROM cases WHERE channel = 'news' AND office = 'main'")" = 1 ] || fail "the same item was taken twice"
# The 0% escalation tells the director at once (the fixture item is old, so its
# due-date escalation fires as well).
wait_for "SELECT count(*) > 0 FROM outbox WHERE recipient = 'boss@example.tw' AND subject LIKE '%蘭嶼戶政%'" t
wait_for "SELECT count(*) FROM intake_raw WHERE channel = 'news' AND status = 'rejected' AND reason LIKE '%not well-formed%'" 1
# Redirects are followed up to 5 times: 3 reach the Atom feed, 9 are refused.
wait_for "SELECT count(*) FROM cases WHERE channel = 'news' AND office = 'lanyu'" 1
wait_for "SELECT count(*) FROM news_feeds WHERE url LIKE '%/redirect/9/atom' AND last_error LIKE '%edirect%'" 1
# A redirect to loopback from a feed not marked allow_private is refused.
wait_for "SELECT count(*) FROM news_feeds WHERE url LIKE '%/redirect/1/rss' AND last_error LIKE '%private or loopback%'" 1
# A later report of the same story attaches to the open case.
/usr/bin/python3 - "$work/site/rss.xml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace("<channel>\n    <title>地方新聞</title>", """<channel>
    <title>地方新聞</title>
    <item>
      <title>蘭嶼戶政事務所颱風後恢復上班 民眾湧入</title>
      <link>https://news.example.tw/a/1009</link>
      <guid>news-1009</guid>
      <description>戶政窗口大排長龍</description>
    </item>""")
open(p, "w", encoding="utf-8").write(s)
PY
wait_for "SELECT count(*) FROM intake_raw WHERE channel = 'news' AND status = 'merged'" 1
[ "$(sql "SELECT count(*) FROM cases WHERE channel = 'news' AND office = 'main'")" = 1 ] || fail "the same story opened a second case"
[ "$(sql "SELECT count(*) FROM case_events WHERE event = 'news_item_attached'")" = 1 ] || fail "not attached"

# Every configured feed is fetched within 60 s of start, by a few workers, the first
# fetches spread out rather than all at once.
for _ in $(seq 1 600); do
  [ "$(sql "SELECT count(*) FROM news_feeds WHERE url LIKE '%/many/%' AND last_success_at IS NOT NULL")" = 120 ] && break
  sleep 0.1
done
all_in=$(( $(date +%s) - started ))
[ "$(sql "SELECT count(*) FROM news_feeds WHERE url LIKE '%/many/%' AND last_success_at IS NOT NULL")" = 120 ] ||
  fail "not every feed was fetched in time: $(sql "SELECT count(*) FROM news_feeds WHERE url LIKE '%/many/%'") of 120"
[ "$all_in" -le 60 ] || fail "the 120 quiet feeds took $all_in s to be fetched"
spread=$(sql "SELECT round(extract(epoch FROM max(polled_at) - min(polled_at))) FROM news_feeds WHERE url LIKE '%/many/%'")
[ "$spread" -ge 10 ] || fail "the first fetches came all at once (within $spread s)"
echo "125 feeds (4 workers): all fetched within $all_in s of start, the quiet ones spread over $spread s"
[ "$(sql "SELECT count(*) FROM intake_raw WHERE source LIKE '%/many/%'")" = 0 ] || fail "a quiet feed's item was kept"

# The 1999 platform webhook, signed.
body='{"case_id":"TT-7","service_name":"陳情","subject":"門牌","description":"綠島鄉門牌錯誤","district":"綠島鄉","petitioner":{"name":"林","phone":"0911-000-111"}}'
sign() { /usr/bin/python3 -c 'import hmac,hashlib,sys; print("sha256="+hmac.new(sys.argv[1].encode(),(sys.argv[2]+"."+sys.argv[3]).encode(),hashlib.sha256).hexdigest())' "$@"; }
post() {
  curl -s -o "$work/body" -w '%{http_code}' -X POST "$base/api/v1/intake/hotline" -H "X-Timestamp: $1" \
    -H "X-Signature: $2" -H 'Content-Type: application/json' --data-binary "$body"
}
ts=$(date +%s)
[ "$(post "$ts" "$(sign platform-secret "$ts" "$body")")" = 201 ] || fail "webhook: $(cat "$work/body")"
[ "$(post "$ts" "$(sign platform-secret "$ts" "$body")")" = 200 ] || fail "repeat: $(cat "$work/body")"
[ "$(post "$ts" "$(sign wrong "$ts" "$body")")" = 401 ] || fail "wrong signature accepted"
[ "$(sql "SELECT office FROM cases WHERE external_ref = 'TT-7'")" = "green-island" ] || fail "not routed to Green Island"

# Batch import of 1999 open data: a bad row is reported with its line and stored.
cat >"$work/calls.csv" <<'CSV'
case_id,status,district,service_name,subject,agency,description,address,lat,long,created_at,updated_at
OD-1,結案,臺東市,陳情,路燈,戶政,路燈不亮,中華路1號,22.75,121.15,2026-03-02 09:00:00,2026-03-02 10:00:00
OD-2,處理中,卑南鄉,陳情,門牌,戶政,門牌錯誤,,north,121.1,2026-03-02 09:00:00,
OD-3,處理中,卑南鄉,陳情,門牌,戶政,門牌模糊,,,,2026-03-02 11:00:00,
CSV
set +e
"$bin" import hotline "$work/calls.csv" --workflows "$src/workflows" >"$work/import.out" 2>"$work/import.err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "import exit $rc: $(cat "$work/import.err")"
grep -q "calls.csv:3: lat 'north' is not a number" "$work/import.err" || fail "bad row not reported: $(cat "$work/import.err")"
grep -q "2 cases created, 0 already known, 1 rows rejected" "$work/import.out" || fail "$(cat "$work/import.out")"
[ "$(sql "SELECT count(*) FROM cases WHERE external_ref LIKE 'OD-%'")" = 2 ] || fail "import cases"
[ "$(sql "SELECT office FROM cases WHERE external_ref = 'OD-3'")" = beinan ] || fail "OD-3 not routed to Beinan"
"$bin" import hotline "$work/calls.csv" --workflows "$src/workflows" >"$work/import.out" 2>/dev/null || true
grep -q "0 cases created, 2 already known, 1 rows rejected" "$work/import.out" || fail "re-import: $(cat "$work/import.out")"
# Personal data never reaches the log (issue #9): the petitioners' phone numbers,
# e-mail addresses and addresses seeded above, and the webhook's petitioner.
for seeded in 0911-000-111 lin@example.tw chen@example.tw big@example.tw 中華路1號 '"name":"林"'; do
  if grep -qF -- "$seeded" "$work/serve.log"; then fail "the server log holds personal data: $seeded"; fi
done
echo "channels: ok"
