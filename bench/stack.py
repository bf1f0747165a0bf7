"""What the benchmarks and ``tests/production`` share besides the services themselves.

The services (PostgreSQL, Redis, granian or gunicorn, nginx) come from the launcher in
``devservices``; this module holds the app's clean environment and ``manage.py`` runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
VENV_BIN = Path(PYTHON).parent


def app_env(**settings: str) -> dict[str, str]:
    """Return a clean environment for the app: ``PATH`` plus ``settings``."""
    env = {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }
    env.update(settings)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``manage.py ARGS`` under ``env``; return its output, raise on failure."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout
