#!/usr/bin/env bash
# The console and the public pages in a real browser (Debian chromium driven by npm
# playwright-core, tests/browser): a hotline call logged by keyboard alone, assigned by
# the supervisor, answered by the handler, closed, looked up on /track with its code,
# a wrong code refused, and a handler of another office kept out. Saves a screenshot of
# each page in SCREENSHOT_DIR (default: the work directory).
# Usage: browser.sh PETITIOND_BINARY SOURCE_DIR   (needs DATABASE_URL)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server (scripts/test sets it)}"
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium is missing (scripts/setup installs it)" >&2; exit 1; }
[ -d "$src/tests/browser/node_modules/playwright-core" ] ||
  { echo "FAIL: tests/browser/node_modules is missing (scripts/test runs npm ci there)" >&2; exit 1; }

e2e_begin browser
DATABASE_URL=$(fresh_database "$db")
export DATABASE_URL
"$bin" migrate >/dev/null
for u in "lin intake main" "chen supervisor main" "wang handler main" "liu handler main" "lee director main" \
         "syaman handler lanyu" "root admin main"; do
  set -- $u
  echo "$1-password" | "$bin" user add "$1" --role "$2" --office "$3" --password-stdin >/dev/null
done
port=$(free_port)
: "${PETITIOND_TEST_SMTP_URL:?the mail sink (scripts/test starts it): the survey link arrives by mail}"
cat >"$work/config.yaml" <<YAML
smtp: { url: "$PETITIOND_TEST_SMTP_URL", from: "petitiond@hr.example.gov.tw" }
mailbox: { public_url: "http://127.0.0.1:$port" }
news:
  feeds:
    # Nothing listens there: the admin's 新聞來源 shows the failed fetch.
    - { url: "http://127.0.0.1:$(free_port)/rss", office: main, keywords: [戶政], interval: 1 hour }
YAML
"$bin" serve --listen "127.0.0.1:$port" --workflows "$src/workflows" --config "$work/config.yaml" \
  >>"$work/serve.log" 2>&1 &
server_pid=$!
wait_healthy "http://127.0.0.1:$port"
node "$src/tests/browser/console.mjs" "http://127.0.0.1:$port" "${SCREENSHOT_DIR:-$work}" || fail "browser test failed"
echo "1 passed, 0 failed"
