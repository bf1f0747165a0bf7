#!/usr/bin/env bash
# Start or stop the PostgreSQL and Redis servers the test suite uses, on 127.0.0.1 only.
#   scripts/test-services.sh start   -> prints export lines for MASTHEAD_TEST_PG_URL/REDIS_URL
#   scripts/test-services.sh stop
# PostgreSQL refuses to run as root, so the cluster is owned by the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."
# Outside the checkout: PostgreSQL runs as the postgres user, who cannot enter a checkout
# below a private folder (mktemp -d makes them 0700). One folder per checkout path.
DIR=${MASTHEAD_SERVICES_DIR:-/tmp/masthead-services/$(printf '%s' "$PWD" | sha1sum | cut -c1-12)}
PG_PORT=${MASTHEAD_TEST_PG_PORT:-54329}
REDIS_PORT=${MASTHEAD_TEST_REDIS_PORT:-63799}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

start() {
  mkdir -p "$DIR"
  chmod 755 "$(dirname "$DIR")" "$DIR"
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" >/dev/null
  fi
  local pgdata="$DIR/pg"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    rm -rf "$pgdata"; mkdir -p "$pgdata"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pgdata" "$DIR"
    as_pg "$PGBIN/initdb -D '$pgdata' -U postgres --auth=trust" >"$DIR/initdb.log" 2>&1
  fi
  if ! as_pg "$PGBIN/pg_ctl -D '$pgdata' status" >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
    as_pg "$PGBIN/pg_ctl -D '$pgdata' -w -t 30 -o \"-p $PG_PORT -k '$pgdata' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start" \
      >"$DIR/pg_ctl.log" 2>&1 || { cat "$DIR/pg_ctl.log" >&2; exit 1; }
  fi
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "export MASTHEAD_TEST_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/masthead"
  echo "export MASTHEAD_TEST_PG_PORT=$PG_PORT"
  echo "export MASTHEAD_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "export MASTHEAD_TEST_REDIS_PORT=$REDIS_PORT"
}

stop() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if [ -f "$DIR/pg/PG_VERSION" ]; then
    as_pg "$PGBIN/pg_ctl -D '$DIR/pg' -m fast -w stop" >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
