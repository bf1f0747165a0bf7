#!/usr/bin/env bash
# make bench: the benchmarks on loopback (about 13 minutes, at most 20), writing
# bench/results/latest.json. Options pass through: scripts/bench.sh --seconds 5 --rounds 1
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-debian-packages.sh postgresql redis-server nginx wrk chromium
scripts/ensure-venv.sh
# The gateway's figures need WordPress (Debian's packages); without them the bench still
# runs and reports those figures as missing.
# shellcheck disable=SC2046 # one word per package, as the launcher's kind lists them
scripts/ensure-debian-packages.sh $(.venv/bin/python -c 'from devservices.wordpress import DEBIAN_PACKAGES; print(DEBIAN_PACKAGES)') ||
  echo "==> WordPress's packages could not be installed: the gateway figures will be missing" >&2
# The whole run is bounded: a stuck step cannot hold the machine past 20 minutes.
exec timeout --signal=INT 1200 .venv/bin/python -m bench.run "$@"
