#!/usr/bin/env bash
# make gateway-demo: Masthead's paywall in front of a real WordPress, on 127.0.0.1:${PORT:-8100}.
#   MariaDB + WordPress (seeded: three categories, posts walled by the tag "subscriber"),
#   the gateway (granian, ASGI) for the origin's paths, Masthead's WSGI app (granian) for
#   its own paths, and the nginx cache of make prod in front of both.
#   State lives in var/gateway-demo/ (delete it to start afresh); Ctrl-C stops everything.
# GATEWAY_DEMO_ORIGIN=fake uses the small WordPress-shaped test origin instead (no packages).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8100}
DIR=$ROOT/var/gateway-demo
PY=.venv/bin/python
ORIGIN_KIND=${GATEWAY_DEMO_ORIGIN:-wordpress}

scripts/ensure-venv.sh runtime
if [ "$ORIGIN_KIND" = wordpress ]; then
  # shellcheck disable=SC2046 # one word per package, as the launcher's kind lists them
  scripts/ensure-debian-packages.sh $("$PY" -c 'from devservices.wordpress import DEBIAN_PACKAGES; print(DEBIAN_PACKAGES)')
else
  scripts/ensure-debian-packages.sh nginx
fi
mkdir -p "$DIR/media"

launcher() { "$PY" -m devservices --run-dir "$DIR/services" "$@"; }
background=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "==> stopping"
  for pid in ${background[@]+"${background[@]}"}; do kill "$pid" 2>/dev/null || true; done
  launcher stop || true
}
trap stop_all INT TERM EXIT

if [ "$ORIGIN_KIND" = wordpress ]; then
  echo "==> MariaDB and WordPress (first start ≈ 30 s, then ≈ 2 s)"
  services=$(launcher start mariadb wordpress --print-env --prefix GW_)
  eval "$services"
  export GATEWAY_ORIGIN_URL="$GW_WP_URL"
  export GATEWAY_ORIGIN_USER="$GW_WP_ADMIN_USER" GATEWAY_ORIGIN_PASSWORD="$GW_WP_APP_PASSWORD"
  # The seeded posts' shortest lead-in is one paragraph.
  export GATEWAY_LEAD_PARAGRAPHS=${GATEWAY_LEAD_PARAGRAPHS:-1}
else
  ORIGIN_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$PY" -m masthead.gateway.fake_origin --port "$ORIGIN_PORT" > "$DIR/fake-origin.log" 2>&1 &
  background+=("$!")
  export GATEWAY_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT"
  export GATEWAY_ORIGIN_USER=gateway GATEWAY_ORIGIN_PASSWORD=origin-app-password
fi

export MASTHEAD_DEMO=True
export MASTHEAD_VAR_DIR="$DIR"
export MASTHEAD_MEDIA_ROOT="$DIR/media"
export MASTHEAD_ALLOWED_HOSTS="127.0.0.1,localhost"
export MASTHEAD_TRUSTED_PROXIES="127.0.0.1/32"
export MASTHEAD_SECURE_COOKIES=False
export MASTHEAD_LOG_LEVEL=${MASTHEAD_LOG_LEVEL:-WARNING}
# Every demo visitor comes from 127.0.0.1 (as in make demo).
export PAYWALL_NETWORK_DAILY_ALLOWANCE=${PAYWALL_NETWORK_DAILY_ALLOWANCE:-1000}
export PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE=${PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE:-5000}
export ACCOUNTS_REGISTRATIONS_PER_NETWORK=${ACCOUNTS_REGISTRATIONS_PER_NETWORK:-1000}
# The origin's admin from this machine only (every request here comes from loopback).
export GATEWAY_ADMIN_NETWORKS=${GATEWAY_ADMIN_NETWORKS:-127.0.0.1/32}

echo "==> migrations, demo logins and plans, level rules, the first sync, static files"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py load_demo
"$PY" manage.py shell -v 0 -c '
from masthead.gateway.models import LevelRule
LevelRule.objects.get_or_create(kind="tag", term="subscriber", defaults={"level": "subscriber", "priority": 1})
LevelRule.objects.get_or_create(kind="category", term="politics", defaults={"level": "metered", "section": "politics", "section_name": "Politics"})
'
"$PY" manage.py gateway_sync
"$PY" manage.py collectstatic --noinput -v 0
# The scheduled sync: every minute, in the background.
"$PY" manage.py gateway_sync --every 60 > "$DIR/sync.log" 2>&1 &
background+=("$!")

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port)
WSGI_PORT=$(free_port)
# The production shape (docs/gateway.md): nginx sends Masthead's own paths to the WSGI app
# and the origin's to the gateway; both servers run with this same environment.
echo "==> the gateway: granian ASGI on 127.0.0.1:$APP_PORT, Masthead's paths: granian WSGI on 127.0.0.1:$WSGI_PORT, nginx on 127.0.0.1:$PORT"
launcher start "granian:name=gateway-app,port=$APP_PORT,interface=asgi,app=masthead.gateway.asgi:application,workers=1,log=$DIR/app.log"
launcher start "granian:name=masthead-wsgi,port=$WSGI_PORT,interface=wsgi,app=masthead.wsgi:application,workers=1,log=$DIR/wsgi.log"
launcher start "nginx:port=$PORT,upstream=127.0.0.1:$WSGI_PORT,gateway_upstream=127.0.0.1:$APP_PORT,directory=$DIR/nginx,static_root=$DIR/static,media_root=$DIR/media"
cat <<EOT

  Masthead in front of WordPress:  http://127.0.0.1:$PORT/
  Masthead's login:                http://127.0.0.1:$PORT/accounts/login/
  Level rules (Newsroom admin):    http://127.0.0.1:$PORT/admin/gateway/levelrule/
  WordPress itself (origin):       $GATEWAY_ORIGIN_URL
  Logins (password masthead-demo):
    reader@example.com      registered reader, no subscription
    subscriber@example.com  All Access subscriber
    editor@example.com      editor (newsroom + Dashboard)
  Ctrl-C stops everything.

EOT
launcher wait || true
