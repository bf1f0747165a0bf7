"""The gateway as ``make gateway-demo`` runs it, in front of the test WordPress, over HTTP.

Two granian servers share one environment and a SQLite database of their own (migrated,
the demo logins and plans loaded, the demo's level rules, one sync): the gateway
(``masthead.gateway.asgi:application``, ASGI) and Masthead's WSGI app
(``masthead.wsgi:application``, for Masthead's own paths). The nginx cache of ``make prod``
stands in front of both in gateway mode, with its purge endpoint: the documented
production shape (docs/gateway.md). Tests reach it the way readers and the publisher's
audit do: by URL.

One per test session (≈ 15 s to start), in a fresh folder beside the test services'
folder: ``live_gateway`` in tests/wordpress/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devservices import Launcher, default_run_dir
from devservices.ports import free_port
from devservices.web import Granian, Nginx
from tests.wordpress.site import WordPressSite

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "masthead-demo"
DEMO_SUBSCRIBER = "subscriber@example.com"
# The demo's level rules (scripts/gateway-demo.sh).
RULES = """
from masthead.gateway.models import LevelRule
LevelRule.objects.get_or_create(kind="tag", term="subscriber",
    defaults={"level": "subscriber", "priority": 1})
LevelRule.objects.get_or_create(kind="category", term="politics",
    defaults={"level": "metered", "section": "politics", "section_name": "Politics"})
"""


@dataclass(frozen=True)
class LiveGateway:
    """Where the gateway answers: through nginx (``url``), the gateway's ASGI app itself
    (``app_url``, which serves Masthead's paths too) and Masthead's WSGI app (``wsgi_url``)."""

    url: str
    app_url: str
    wsgi_url: str
    origin: WordPressSite
    environment: dict[str, str]

    def manage(self, *arguments: str) -> str:
        """Run ``manage.py`` with the gateway's own settings and database; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(arguments)}:\n{done.stderr[-3000:]}")
        return done.stdout


def _environment(folder: Path, origin: WordPressSite, nginx_port: int) -> dict[str, str]:
    # The test run's own variables (its Redis, its settings module) are not the gateway's.
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MASTHEAD_", "GATEWAY_", "PAYWALL_", "DJANGO_", "REDIS_"))
        and key != "DATABASE_URL"
    }
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        "MASTHEAD_DEMO": "True",
        "MASTHEAD_VAR_DIR": str(folder),
        "MASTHEAD_MEDIA_ROOT": str(folder / "media"),
        "DATABASE_URL": f"sqlite:///{folder / 'gateway.sqlite3'}",
        "MASTHEAD_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MASTHEAD_TRUSTED_PROXIES": "127.0.0.1/32",
        "MASTHEAD_SECURE_COOKIES": "False",
        "MASTHEAD_LOG_LEVEL": "WARNING",
        "MASTHEAD_CACHE_PURGE_URLS": f"http://127.0.0.1:{nginx_port}/_purge",
        # Every request of the tests and the audit comes from 127.0.0.1.
        "PAYWALL_NETWORK_DAILY_ALLOWANCE": "100000",
        "PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE": "100000",
        "PAYWALL_CHECK_RATE_LIMIT": "100000",
        "ACCOUNTS_REGISTRATIONS_PER_NETWORK": "1000",
        "GATEWAY_ORIGIN_URL": origin.url,
        "GATEWAY_ORIGIN_USER": origin.admin_user,
        "GATEWAY_ORIGIN_PASSWORD": origin.app_password,
        "GATEWAY_LEAD_PARAGRAPHS": "1",
        # Nobody is an editor here: loopback is every test's address, so no admin network.
        "GATEWAY_ADMIN_NETWORKS": "192.0.2.0/32",
        "GATEWAY_FIREWALL_STORE": "database",
    }


def gateway_folder() -> Path:
    """A fresh folder next to the test services' (nginx's workers must be able to enter it:
    pytest's temporary folders are private to their owner)."""
    services = default_run_dir()
    folder = services.with_name(services.name + "-gateway")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@contextmanager
def live_gateway(origin: WordPressSite, folder: Path) -> Iterator[LiveGateway]:
    """Start the gateway and its nginx in ``folder``; stop them when the block ends."""
    (folder / "media").mkdir(parents=True, exist_ok=True)
    app_port, wsgi_port, nginx_port = free_port(), free_port(), free_port()
    environment = _environment(folder, origin, nginx_port)
    gateway = LiveGateway(
        f"http://127.0.0.1:{nginx_port}",
        f"http://127.0.0.1:{app_port}",
        f"http://127.0.0.1:{wsgi_port}",
        origin,
        environment,
    )
    gateway.manage("migrate", "--noinput", "-v", "0")
    gateway.manage("load_demo")
    gateway.manage("shell", "-v", "0", "-c", RULES)
    gateway.manage("gateway_sync")
    gateway.manage("collectstatic", "--noinput", "-v", "0")
    with Launcher(folder / "services") as launcher:
        launcher.start(
            Granian(
                name="gateway-app",
                port=app_port,
                interface="asgi",
                app="masthead.gateway.asgi:application",
                workers=1,
                ready_path="/healthz",
                environment=environment,
            )
        )
        launcher.start(
            Granian(
                name="gateway-wsgi",
                port=wsgi_port,
                interface="wsgi",
                app="masthead.wsgi:application",
                workers=1,
                ready_path="/healthz",
                environment=environment,
            )
        )
        launcher.start(
            Nginx(
                name="gateway-nginx",
                port=nginx_port,
                upstream=f"127.0.0.1:{wsgi_port}",
                gateway_upstream=f"127.0.0.1:{app_port}",
                static_root=folder / "static",
                media_root=folder / "media",
            )
        )
        yield gateway
