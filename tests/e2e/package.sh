#!/usr/bin/env bash
# The Debian package, installed and started the way its systemd unit starts it:
# scripts/package builds the .deb (lintian: no errors) around the binary under test,
# `systemd-analyze verify` passes on the installed unit, dpkg -i installs it (the
# petitiond user, /etc/petitiond with its conffiles and access-code key, the workflows
# and calendars under /usr/share/petitiond, man pages), and on a private PostgreSQL
# the unit's ExecStartPre (migrate as the owner, granting the serve role) and
# ExecStart run as the unit runs them: as user petitiond, with the unit's
# EnvironmentFile and working directory, and a NOTIFY_SOCKET that must receive READY=1.
# Then /readyz answers 200 (GET and HEAD). The package is purged at the end.
# Usage: package.sh PETITIOND_BINARY SOURCE_DIR   (as root, or with sudo)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bin=$1
src=$2
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
work=$(mktemp -d /tmp/petitiond-package-test.XXXXXX)
chmod 755 "$work"
server_pid=""
listener_pid=""
installed=""
cleanup() {
  [ -n "$server_pid" ] && stop_server
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null || true
  [ -n "$installed" ] && "${sudo[@]}" dpkg --purge petitiond >/dev/null 2>&1 || true
  "$src/scripts/stop-postgres" "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && tail -n 30 "$work/serve.log" >&2; exit 1; }
dpkg-query -W -f='${Status}' petitiond 2>/dev/null | grep -q "install ok installed" &&
  fail "petitiond is installed on this machine already; this test installs and purges it"

# 1. Build: the binary under test in the package's layout; lintian must show no errors.
PETITIOND_PREBUILT=$bin "$src/scripts/package" "$work/dist" >"$work/package.log" 2>&1 ||
  { cat "$work/package.log" >&2; fail "scripts/package failed"; }
deb=$(ls "$work"/dist/petitiond_*_amd64.deb)
grep -q "lintian shows no errors" "$work/package.log" || fail "lintian: $(cat "$work/package.log")"
dpkg-deb -c "$deb" >"$work/contents.txt"
for f in ./usr/bin/petitiond ./lib/systemd/system/petitiond.service ./etc/petitiond/config.yaml \
         ./etc/petitiond/petitiond.env ./usr/share/petitiond/workflows/hotline-1999.yaml \
         ./usr/share/petitiond/calendar/tw-gov-2026.csv ./usr/share/man/man1/petitiond.1.gz \
         ./usr/sbin/petitiond-backup ./usr/sbin/petitiond-restore; do
  grep -q " $f\$" "$work/contents.txt" || fail "$deb lacks $f"
done
dpkg-deb -I "$deb" conffiles >"$work/conffiles.txt"
grep -q '^/etc/petitiond/config.yaml$' "$work/conffiles.txt" || fail "config.yaml is not a conffile"
echo "built $(basename "$deb"): lintian shows no errors"

# 2. Install.
"${sudo[@]}" dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i failed"; }
installed=yes
getent passwd petitiond >/dev/null || fail "no petitiond system user"
[ "$(stat -c '%U:%G %a' /etc/petitiond/access-code.key)" = "root:petitiond 640" ] ||
  fail "access-code key: $(stat -c '%U:%G %a' /etc/petitiond/access-code.key)"
[ "$(stat -c '%s' /etc/petitiond/access-code.key)" = 32 ] || fail "the access-code key is not 32 bytes"
unit=/lib/systemd/system/petitiond.service
systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || { cat "$work/verify.log" >&2; fail "systemd-analyze verify"; }
for hardening in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes Restart=on-failure Type=notify; do
  grep -q "^$hardening" "$unit" || fail "the unit lacks $hardening"
done
man -l /usr/share/man/man1/petitiond.1.gz >"$work/man.txt" 2>/dev/null || true
grep -q "serve" "$work/man.txt" || fail "the man page does not describe serve"
echo "installed: user petitiond, conffiles, key, unit (systemd-analyze verify passes), man page"

# 3. A private PostgreSQL the petitiond user can reach through its socket.
PETITIOND_PG_OPTIONS="-c unix_socket_permissions=0777" "$src/scripts/start-postgres" "$work/pg" petitiond_pkg >/dev/null
chmod 755 "$work/pg"
owner_url="postgresql:///petitiond_pkg?host=$work/pg&user=petitiond"
port=$(free_port)
"${sudo[@]}" tee /etc/petitiond/petitiond.env >/dev/null <<ENV
DATABASE_URL=postgresql:///petitiond_pkg?host=$work/pg&user=petitiond_serve
DATABASE_OWNER_URL=$owner_url
PETITIOND_SERVE_ROLE=petitiond_serve
PETITIOND_LISTEN=127.0.0.1:$port
PETITIOND_CONFIG=/etc/petitiond/config.yaml
PETITIOND_WORKFLOWS=/usr/share/petitiond/workflows
ENV

# 4. The unit's commands, as the unit runs them.
unit_value() { sed -n "s/^$1=//p" "$unit"; }
env_file=$(unit_value EnvironmentFile)
user=$(unit_value User)
cd_to=$(unit_value WorkingDirectory)
"${sudo[@]}" install -d -o "$user" -g "$user" "$cd_to"
sock="$work/notify.sock"
/usr/bin/python3 - "$sock" "$work/notify.txt" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")
        out.flush()
PY
listener_pid=$!
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
mapfile -t unit_env < <(grep -v '^#' "$env_file" | grep =)
as_unit() {  # the command with the unit's user, environment file and directory
  "${sudo[@]}" runuser -u "$user" -- env -i PATH=/usr/bin:/bin NOTIFY_SOCKET="$sock" "${unit_env[@]}" \
    sh -c "cd '$cd_to' && exec $*"
}
as_unit "$(unit_value ExecStartPre)" >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; fail "ExecStartPre"; }
grep -q "petitiond_serve may serve" "$work/migrate.log" || fail "migrate did not grant the serve role: $(cat "$work/migrate.log")"
# The server runs under runuser, in a shell of its own: $! is that shell, not petitiond,
# so it is stopped by its user and name (the package's user runs nothing else here).
stop_server() {
  "${sudo[@]}" pkill -TERM -u "$user" -x petitiond 2>/dev/null || true
  for _ in $(seq 1 50); do "${sudo[@]}" pgrep -u "$user" -x petitiond >/dev/null || break; sleep 0.1; done
  "${sudo[@]}" pkill -KILL -u "$user" -x petitiond 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
as_unit "$(unit_value ExecStart)" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q "READY=1" "$work/notify.txt" 2>/dev/null && break; sleep 0.1; done
grep -q "READY=1" "$work/notify.txt" || fail "serve did not tell systemd READY=1"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] || fail "/readyz"
[ "$(curl -s -I -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] || fail "HEAD /readyz"
grep -q "superuser or the owner" "$work/serve.log" && fail "serve runs as the owner of the tables"
echo "started as the unit does: migrate as the owner, serve as petitiond_serve; READY=1; /readyz 200"

# 5. Purge.
stop_server
"${sudo[@]}" dpkg --purge petitiond >/dev/null
installed=""
[ ! -e /usr/bin/petitiond ] && [ ! -e /etc/petitiond ] || fail "purge left files behind"
echo "1 passed, 0 failed"
