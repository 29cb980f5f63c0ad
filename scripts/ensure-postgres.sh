#!/usr/bin/env bash
# Start the machine's packaged PostgreSQL cluster if it is not answering, and wait for it.
# This is the local development and test cluster: it runs without fsync (see below).
set -euo pipefail
host=127.0.0.1
port=5432

# Tests make and drop a database for each test; without fsync that costs memory copies rather
# than disk flushes. Only for this throwaway local cluster: a crash of the machine may lose its
# data. Production databases keep the defaults. synchronous_commit stays on, as in production:
# the service turns it off for its own batches, and a test checks that it does.
unsafe_for_speed() {
  local admin=(psql -h "$host" -p "$port" -U postgres -d postgres -Atq)
  if [ "$("${admin[@]}" -c 'SHOW fsync' 2>/dev/null)" = "off" ]; then
    return 0
  fi
  "${admin[@]}" -c 'ALTER SYSTEM SET fsync = off' \
    -c 'ALTER SYSTEM SET full_page_writes = off' \
    -c 'SELECT pg_reload_conf()' >/dev/null \
    || echo "Could not turn fsync off on $host:$port; the tests run anyway, only slower." >&2
}

if pg_isready -q -h "$host" -p "$port"; then
  unsafe_for_speed
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "PostgreSQL is not running on $host:$port and is not installed here." >&2
  echo "Install it (apt-get install -y postgresql) or set FEEDBACK_TEST_BACKENDS=sqlite." >&2
  exit 1
fi
version=$(ls /etc/postgresql | sort -n | tail -n 1)
echo "Starting PostgreSQL $version..."
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  if pg_isready -q -h "$host" -p "$port"; then
    unsafe_for_speed
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL did not start on $host:$port." >&2
exit 1
