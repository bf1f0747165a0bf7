#!/usr/bin/env bash
# Create .venv and install the pinned packages; reuse it when the requirements are unchanged.
#   scripts/ensure-venv.sh          what the tests, linters and benchmarks need (requirements-dev.txt)
#   scripts/ensure-venv.sh runtime  only what the running site needs (requirements.txt): make demo
# Each set has its own stamp, so `make demo` on a fresh machine never waits for the test
# tools, and `make test` afterwards adds them to the same virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
case "${1:-dev}" in
  runtime) files=(requirements.txt); stamp="$VENV/.runtime.sha" ;;
  dev) files=(requirements.txt requirements-dev.txt); stamp="$VENV/.requirements.sha" ;;
  *) echo "usage: $0 [runtime|dev]" >&2; exit 2 ;;
esac
want=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating the virtualenv $VENV"
  python3 -m venv "$VENV"
fi
echo "==> installing the ${1:-dev} Python packages into $VENV (${files[-1]})"
# pip's own progress (one line per package) instead of a minute of silence.
set +e
"$VENV/bin/pip" install --disable-pip-version-check --progress-bar off -r "${files[-1]}" \
  | grep --line-buffered -E '^(Collecting|Successfully installed)' | sed -u 's/^/    /'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "pip install failed (exit $status)" >&2; exit "$status"; }
echo "$want" > "$stamp"
