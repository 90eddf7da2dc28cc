#!/usr/bin/env bash
# The alert outbox embedded against the outbox shared on PostgreSQL (issue #17), in one run:
# embedded (1 process) = the reference; PostgreSQL with 1 and 3 replicas. Starts its own PostgreSQL (Debian's package,
# as bin/test installs it) in a temporary directory, with fsync on (the default), and stops it at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bin/lib/jdk.sh
find_jdk
bin/burnrate --version >/dev/null
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
tmp=$(mktemp -d); chmod 755 "$tmp"
as=(); [ "$(id -u)" = 0 ] && { chown postgres "$tmp"; as=(runuser -u postgres --); }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as[@]}" "$pgbin/initdb" -D "$tmp/data" -A trust -U burnrate >/dev/null
"${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$tmp -c max_connections=200" -l "$tmp/log" -w start >/dev/null
trap '"${as[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m fast stop >/dev/null; rm -rf "$tmp"' EXIT
cp="$root/target/classes:$root/target/lib/*"
run() { java --enable-native-access=ALL-UNNAMED -cp "$cp" bench/OutboxBench.java "$@" 2>&1 | grep -v WARNING; }
threads="${1:-8}"; alerts="${2:-2000}"
run embedded 1 "$threads" "$alerts"
for n in 1 3; do
  db="bench$n"; "${as[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U burnrate "$db"
  run "postgresql://burnrate@127.0.0.1:$port/$db" "$n" "$threads" "$alerts"
done
