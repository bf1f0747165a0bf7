#!/usr/bin/env bash
# The test suite's PostgreSQL (with a streaming standby), Redis and Redis Cluster, through the
# launcher (python -m devservices), for working by hand; scripts/run-tests.sh calls the launcher itself.
#   eval "$(scripts/test-services.sh start)"   -> exports MASTHEAD_TEST_PG_URL/_PORT, _REDIS_URL/_PORT,
#                                                 _PG_REPLICA_URL/_PORT, _REDIS_CLUSTER_NODES
#   scripts/test-services.sh stop              -> stops what start started, nothing else
#   scripts/test-services.sh status
# Free ports unless MASTHEAD_TEST_PG_PORT / MASTHEAD_TEST_REDIS_PORT ask for some; state in
# MASTHEAD_SERVICES_DIR (default: a folder per checkout under /tmp/masthead-services).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
case "${1:-}" in
  start) exec "$PY" -m devservices start postgres redis redis-cluster postgres-replica --print-env ;;
  stop) exec "$PY" -m devservices stop postgres-replica postgres redis redis-cluster ;;
  status) exec "$PY" -m devservices status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
