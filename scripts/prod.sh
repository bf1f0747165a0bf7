#!/usr/bin/env bash
# make prod: the production shape on one machine, in the foreground; Ctrl-C stops it all.
#   PostgreSQL (private cluster) + Redis + granian workers + nginx with deploy/nginx.conf,
#   nginx on 127.0.0.1:${PORT:-8080}. State lives in var/prod/ (delete it to start afresh).
# Knobs: PORT, WORKERS (app processes, default: CPUs), APP_PORT, PG_PORT, REDIS_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8080}
APP_PORT=${APP_PORT:-8081}
PG_PORT=${PG_PORT:-54339}
REDIS_PORT=${REDIS_PORT:-63809}
WORKERS=${WORKERS:-$(nproc)}
DIR=$ROOT/var/prod
PGBIN=""

scripts/ensure-debian-packages.sh postgresql redis-server redis-tools nginx
scripts/ensure-venv.sh
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$DIR/media" "$DIR/nginx" "$DIR/pg"

as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$PGBIN/pg_ctl -D '$DIR/pg' -m fast -w stop" >/dev/null 2>&1 || true
}
trap stop_all INT TERM EXIT

# A secret of our own, kept in a file readable only by us (never the public demo key).
if [ ! -s "$DIR/secret_key" ]; then
  (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DIR/secret_key")
fi

echo "==> PostgreSQL on 127.0.0.1:$PG_PORT"
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR/pg" && chmod 755 "$DIR"
if [ ! -f "$DIR/pg/PG_VERSION" ]; then
  as_pg "$PGBIN/initdb -D '$DIR/pg' -U postgres --auth=trust" >"$DIR/initdb.log" 2>&1
fi
as_pg "$PGBIN/pg_ctl -D '$DIR/pg' -w -t 30 -l '$DIR/pg/log' -o \"-p $PG_PORT -k '$DIR/pg' -c listen_addresses=127.0.0.1 -c max_connections=200\" start" >/dev/null
as_pg "$PGBIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='masthead'\"" | grep -q 1 \
  || as_pg "$PGBIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -c 'CREATE DATABASE masthead'" >/dev/null

echo "==> Redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$DIR" --logfile "$DIR/redis.log" &
pids+=($!)

export DJANGO_SETTINGS_MODULE=masthead.settings
export MASTHEAD_DEBUG=False MASTHEAD_DEMO=False
export MASTHEAD_VAR_DIR="$DIR"
export MASTHEAD_SECRET_KEY_FILE="$DIR/secret_key"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/masthead"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export MASTHEAD_MEDIA_ROOT="$DIR/media"
export MASTHEAD_ALLOWED_HOSTS="127.0.0.1,localhost"
export MASTHEAD_CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$PORT,http://localhost:$PORT"
export MASTHEAD_TRUSTED_PROXIES="127.0.0.1/32"
# Plain HTTP on loopback: no TLS here, so no Secure cookies, HSTS or HTTPS redirect.
export MASTHEAD_SECURE_COOKIES=False
# No real mail server on this machine: mail goes to the console (the log below).
export MASTHEAD_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
export MASTHEAD_LOG_LEVEL=${MASTHEAD_LOG_LEVEL:-WARNING}
# Stripe needs real keys and the outside network; placeholders let the site start (the test
# payments provider is demo-only and refused here). Checkout answers with an error.
export BILLING_PROVIDER=${BILLING_PROVIDER:-stripe}
[ -s "$DIR/stripe_webhook_secret" ] || echo "whsec_placeholder_$(date +%s)" > "$DIR/stripe_webhook_secret"
export BILLING_STRIPE_WEBHOOK_SECRET_FILE=${BILLING_STRIPE_WEBHOOK_SECRET_FILE:-$DIR/stripe_webhook_secret}
export BILLING_STRIPE_SECRET_KEY=${BILLING_STRIPE_SECRET_KEY:-sk_test_placeholder}

for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "==> migrations, demo newsroom, static files"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo
.venv/bin/python manage.py collectstatic --noinput -v 0

echo "==> granian: $WORKERS workers on 127.0.0.1:$APP_PORT (log: var/prod/app.log)"
.venv/bin/granian --interface wsgi --host 127.0.0.1 --port "$APP_PORT" --workers "$WORKERS" \
  --blocking-threads 1 --backlog 2048 --no-ws masthead.wsgi:application >"$DIR/app.log" 2>&1 &
pids+=($!)

echo "==> nginx on 127.0.0.1:$PORT (cache and logs: var/prod/nginx)"
.venv/bin/python deploy/render_nginx.py --listen "127.0.0.1:$PORT" --upstream "127.0.0.1:$APP_PORT" \
  --run-dir "$DIR/nginx" --static-root "$DIR/static" --media-root "$DIR/media" > "$DIR/nginx/nginx.conf"
nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -t -q
nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/robots.txt" 2>/dev/null && break; sleep 0.2
done
cat <<EOF

  Masthead, production shape:  http://127.0.0.1:$PORT/
  Newsroom:                    http://127.0.0.1:$PORT/admin/
  Logins (password masthead-demo):
    reader@example.com      registered reader, no subscription
    subscriber@example.com  All Access subscriber
    editor@example.com      editor (newsroom + Dashboard)
  PostgreSQL 127.0.0.1:$PG_PORT, Redis 127.0.0.1:$REDIS_PORT, $WORKERS granian workers, nginx cache.
  Ctrl-C stops everything.

EOF
wait -n "${pids[@]}" || true
# Ctrl-C reaches every process of the group: one exiting is the usual way to get here.
echo "==> stopped (if unexpected: var/prod/app.log, var/prod/nginx/error.log)" >&2
