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
PY=.venv/bin/python

scripts/ensure-debian-packages.sh postgresql redis-server redis-tools nginx
scripts/ensure-venv.sh
mkdir -p "$DIR/media" "$DIR/nginx"

# The launcher (python -m devservices) records what it starts in var/prod/services and
# stops exactly that: on Ctrl-C, when a service dies, or when this script fails.
launcher() { "$PY" -m devservices --run-dir "$DIR/services" "$@"; }
DRAIN_PID=""
stop_all() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  # The event drain is ours (started below), stopped by its own id; it finishes its batch.
  if [ -n "$DRAIN_PID" ]; then kill "$DRAIN_PID" 2>/dev/null || true; wait "$DRAIN_PID" 2>/dev/null || true; fi
  launcher stop || true
}
trap stop_all INT TERM EXIT

# A secret of our own, kept in a file readable only by us (never the public demo key).
if [ ! -s "$DIR/secret_key" ]; then
  (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$DIR/secret_key")
fi

echo "==> PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"
# A durable cluster (unlike the tests' throwaway ones) in var/prod/pg; Redis keeps nothing.
# Assigned first so that a failed start stops the script (set -e) with the service's log.
services=$(launcher start "postgres:port=$PG_PORT,data_dir=$DIR/pg,durable=true" \
  "redis:port=$REDIS_PORT" --print-env --prefix PROD_)
eval "$services"

export DJANGO_SETTINGS_MODULE=masthead.settings
export MASTHEAD_DEBUG=False MASTHEAD_DEMO=False
export MASTHEAD_VAR_DIR="$DIR"
export MASTHEAD_SECRET_KEY_FILE="$DIR/secret_key"
export DATABASE_URL="$PROD_PG_URL"
export REDIS_URL="$PROD_REDIS_URL"
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

echo "==> migrations, demo newsroom, static files"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo
.venv/bin/python manage.py collectstatic --noinput -v 0

# Saves in the newsroom purge nginx's cache at once (when the purge module is installed;
# set after load_demo, which runs before nginx answers).
if [ -e /usr/lib/nginx/modules/ngx_http_cache_purge_module.so ]; then
  export MASTHEAD_CACHE_PURGE_URLS="http://127.0.0.1:$PORT/_purge"
fi

# The app's workers append analytics events to a Redis stream (ANALYTICS_STREAM, on with
# Redis); this process writes them to PostgreSQL (docs/deploy.md, "The event drain").
echo "==> drain_events: analytics events from Redis to PostgreSQL (log: var/prod/drain.log)"
.venv/bin/python manage.py drain_events >"$DIR/drain.log" 2>&1 &
DRAIN_PID=$!

echo "==> granian: $WORKERS workers on 127.0.0.1:$APP_PORT (log: var/prod/app.log)"
launcher start "granian:port=$APP_PORT,workers=$WORKERS,threads=1,log=$DIR/app.log"

echo "==> nginx on 127.0.0.1:$PORT (cache and logs: var/prod/nginx)"
launcher start "nginx:port=$PORT,upstream=127.0.0.1:$APP_PORT,directory=$DIR/nginx,static_root=$DIR/static,media_root=$DIR/media"
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
# In the foreground until Ctrl-C, or until a service dies (the launcher prints its log).
launcher wait || true
echo "==> stopped (if unexpected: var/prod/app.log, var/prod/nginx/error.log)" >&2
