"""A production-like environment for running Masthead in a subprocess."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


def production_env(tmp: Path, **overrides: str) -> dict[str, str]:
    """Return a clean environment for a deployment behind a TLS proxy, secrets in files.

    Nothing is inherited from the test process (which runs in demo mode) except ``PATH``.
    An override with an empty value removes that variable.
    """
    secret_file = tmp / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
    stripe_secret = tmp / "stripe_webhook_secret"
    stripe_secret.write_text("whsec_" + secrets.token_hex(16))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        "MASTHEAD_VAR_DIR": str(tmp / "var"),
        "MASTHEAD_MEDIA_ROOT": str(tmp / "media"),
        "MASTHEAD_SECRET_KEY_FILE": str(secret_file),
        "MASTHEAD_ALLOWED_HOSTS": "news.example.com",
        "MASTHEAD_BEHIND_TLS_PROXY": "True",
        "MASTHEAD_SSL_REDIRECT": "True",
        "MASTHEAD_HSTS_SECONDS": "31536000",
        "MASTHEAD_HSTS_INCLUDE_SUBDOMAINS": "True",
        "MASTHEAD_HSTS_PRELOAD": "True",
        "BILLING_PROVIDER": "stripe",
        "BILLING_STRIPE_WEBHOOK_SECRET_FILE": str(stripe_secret),
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value != ""}


def manage(
    env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py ARGS`` with ``env``; return the finished process (never raises on rc)."""
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
