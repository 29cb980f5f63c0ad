#!/usr/bin/env bash
# Start Redis on 127.0.0.1:6379 (REDIS_PORT to change it), for the load tests' rate-limit state,
# if it is not answering.
set -euo pipefail
host=127.0.0.1
port="${REDIS_PORT:-6379}"
answers() {
  command -v redis-cli >/dev/null && [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = "PONG" ]
}
if answers; then
  exit 0
fi
if ! command -v redis-server >/dev/null; then
  echo "Redis is not running on $host:$port and is not installed here." >&2
  echo "Install it (apt-get install -y redis-server) and run this script again." >&2
  exit 1
fi
echo "Starting Redis..."
mkdir -p /var/lib/redis /var/log/redis
# Keeps nothing on disk: the tests use it only for rate-limit counters.
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
  --dir /var/lib/redis --logfile "/var/log/redis/ci${REDIS_PORT:+-$port}.log"
for _ in $(seq 1 30); do
  answers && exit 0
  sleep 1
done
echo "Redis did not start on $host:$port." >&2
exit 1
