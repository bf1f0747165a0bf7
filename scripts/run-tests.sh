#!/usr/bin/env bash
# The whole suite: lint, types, tests on SQLite, then the service-backed tests on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-venv.sh
scripts/ensure-debian-packages.sh chromium postgresql redis-server redis-tools nginx wrk \
  libnginx-mod-http-cache-purge fonts-dejavu-core
# The test WordPress (tests/wordpress/, the gateway's tests): Debian's WordPress, php-fpm
# and MariaDB, without the Apache that apt would otherwise pick as its web server.
scripts/ensure-debian-packages.sh wordpress wordpress-theme-twentytwentythree php-fpm php-cli \
  php-mysql php-xml php-gd php-curl php-mbstring mariadb-server apache2- libapache2-mod-php8.2-
PY=.venv/bin/python
export PATH="$PWD/.venv/bin:$PATH"

# Lint failures are reported at the end so one run shows every problem at once.
lint=0
echo "==> ruff"; ruff check . || lint=1
echo "==> mypy"; mypy masthead devservices bench || lint=1
echo "==> lint-imports (the layers between apps)"; lint-imports || lint=1
# The launcher starts PostgreSQL and Redis on free ports (or MASTHEAD_TEST_PG_PORT and
# MASTHEAD_TEST_REDIS_PORT) and stops only those. Assigned first so that a failed start
# stops the run (set -e), instead of leaving the service variables unset and the Redis and
# PostgreSQL tests failing one by one.
services=$($PY -m devservices start postgres redis --print-env)
eval "$services"
trap '$PY -m devservices stop postgres redis' EXIT
export MASTHEAD_TEST_PG_URL MASTHEAD_TEST_REDIS_URL MASTHEAD_TEST_PG_PORT MASTHEAD_TEST_REDIS_PORT

echo "==> tests on SQLite (with the Redis test server)"
$PY -m pytest -q --durations=20 "$@"
echo "==> access, meter, payment and gift tests on PostgreSQL"
# The access, billing, gifts, core and demo suites run whole on PostgreSQL (their Redis tests use the
# Redis server in both passes); elsewhere only the tests marked postgres.
export DATABASE_URL="$MASTHEAD_TEST_PG_URL"
$PY -m pytest -q -p no:warnings -m "not browser" masthead/access masthead/billing masthead/gifts \
  masthead/core masthead/demo
# Exit code 5 means "no tests collected": acceptable for this filtered pass.
status=0
$PY -m pytest -q -p no:warnings -m postgres --ignore=masthead/access --ignore=masthead/billing \
  --ignore=masthead/gifts --ignore=masthead/core --ignore=masthead/demo "$@" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 5 ] || exit "$status"
unset DATABASE_URL
if [ "$lint" -ne 0 ]; then echo "ruff, mypy or lint-imports failed (see above)"; exit 1; fi
