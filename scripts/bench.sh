#!/usr/bin/env bash
# make bench: the benchmarks on loopback (about 10 minutes, at most 20), writing
# bench/results/latest.json. Options pass through: scripts/bench.sh --seconds 5 --rounds 1
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-debian-packages.sh postgresql redis-server nginx wrk chromium
scripts/ensure-venv.sh
# The whole run is bounded: a stuck step cannot hold the machine past 20 minutes.
exec timeout --signal=INT 1200 .venv/bin/python -m bench.run "$@"
