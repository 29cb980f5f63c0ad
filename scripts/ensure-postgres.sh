#!/usr/bin/env bash
# Start the machine's packaged PostgreSQL cluster if it is not answering, and wait for it.
set -euo pipefail
host=127.0.0.1
port=5432
if pg_isready -q -h "$host" -p "$port"; then
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
  pg_isready -q -h "$host" -p "$port" && exit 0
  sleep 1
done
echo "PostgreSQL did not start on $host:$port." >&2
exit 1
