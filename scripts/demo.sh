#!/usr/bin/env bash
# make demo: migrate the SQLite database, load the demo newsroom once, serve in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
export MASTHEAD_DEMO=True
# Every demo visitor comes from 127.0.0.1, one network: the default 60 metered reads a
# day per network would soon wall every new visitor. Demo only; a value you set wins.
export PAYWALL_NETWORK_DAILY_ALLOWANCE=${PAYWALL_NETWORK_DAILY_ALLOWANCE:-1000}
# The same for logged-in readers' network allowance and for sign-ups per network.
export PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE=${PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE:-5000}
export ACCOUNTS_REGISTRATIONS_PER_NETWORK=${ACCOUNTS_REGISTRATIONS_PER_NETWORK:-1000}
PORT=${PORT:-8000}
PY=.venv/bin/python
mkdir -p var
$PY manage.py migrate --noinput -v 0
$PY manage.py load_demo
$PY manage.py collectstatic --noinput -v 0
echo
echo "  Masthead demo:  http://127.0.0.1:$PORT/"
echo "  Newsroom:       http://127.0.0.1:$PORT/admin/"
echo "  Logins (password masthead-demo):"
echo "    reader@example.com      registered reader, no subscription"
echo "    subscriber@example.com  All Access subscriber"
echo "    editor@example.com      editor (newsroom + Dashboard)"
echo
exec $PY manage.py runserver "127.0.0.1:$PORT" --noreload
