# Masthead: the commands people rely on (docs/design.md, "Stable interfaces").
PORT ?= 8000
PY = .venv/bin/python

.PHONY: demo test lint prod bench venv clean gateway-demo

venv:
	@scripts/ensure-venv.sh

demo:
	@scripts/ensure-venv.sh runtime
	@MASTHEAD_DEMO=True scripts/demo.sh

test:
	@scripts/run-tests.sh

lint: venv
	.venv/bin/ruff check . && .venv/bin/mypy masthead devservices bench && .venv/bin/lint-imports

prod:
	@scripts/prod.sh

gateway-demo:
	@scripts/gateway-demo.sh

bench:
	@scripts/bench.sh

clean:
	rm -rf var/test var/services
