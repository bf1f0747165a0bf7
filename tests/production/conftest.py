"""One production-shaped stack for the tests here: own PostgreSQL, own Redis, granian, nginx.

Everything runs on spare ports of 127.0.0.1, never on the shared test servers (the fault
tests stop and restart these). The app runs ``bench.settings``: the real app plus two
``/bench/`` views the cache tests need (a public page that sets a cookie).
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from bench.stack import ROOT, app_env, manage
from devservices import AppServer, Granian, Launcher, Nginx, Postgres, Redis, free_port

DEMO_PASSWORD = "masthead-demo"
# deploy/render_nginx.py switches the purge location on when this module is installed.
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")


class FromAddress(HTTPAdapter):
    """Connect from ``address`` (any of 127.0.0.0/8 works on Linux): a client of its own.

    nginx sets X-Forwarded-For to the address a client connects from, so this, and not a
    forged header, is how a test stands for a reader on another network.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def own_address() -> str:
    """Return a loopback address in a /24 of its own (its own network allowance)."""
    number = secrets.randbelow(200 * 250)
    return f"127.{number // 250 + 30}.{number % 250}.7"


@dataclass
class Stack:
    """The running services and how to reach them."""

    postgres: Postgres
    redis: Redis
    app: AppServer
    nginx: Nginx
    env: dict[str, str]

    @property
    def url(self) -> str:
        """The site's address through nginx."""
        return f"http://127.0.0.1:{self.nginx.port}"

    def session(self, address: str | None = None) -> requests.Session:
        """Return a new browser-like client (its own cookies) that talks to nginx.

        With ``address`` it connects from that loopback address (see ``FromAddress``).
        """
        client = requests.Session()
        if address is not None:
            client.mount("http://", FromAddress(address))
        client.headers["Origin"] = self.url
        client.headers["Sec-Fetch-Site"] = "same-origin"
        return client

    def log_in(self, email: str) -> requests.Session:
        """Return a client logged in as ``email`` through the login form."""
        client = self.session()
        form = client.get(f"{self.url}/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "the login page carries a CSRF token"
        answer = client.post(
            f"{self.url}/accounts/login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": email,
                "email": email,
                "password": DEMO_PASSWORD,
            },
            headers={"Referer": f"{self.url}/accounts/login/"},
            timeout=10,
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text[:500]
        assert "sessionid" in client.cookies
        return client


def _directory() -> Path:
    # PostgreSQL runs as the postgres user, so the folder must be reachable by it.
    path = Path(tempfile.mkdtemp(prefix="masthead-production-"))
    path.chmod(0o755)
    return path


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """Start the whole stack once for the session; stop it afterwards."""
    if shutil.which("nginx") is None or shutil.which("redis-server") is None:
        pytest.skip("nginx and redis-server are needed (scripts/run-tests.sh installs them)")
    directory = _directory()
    (directory / "secret_key").write_text(secrets.token_urlsafe(50))
    # The launcher records these in the folder's services/ and stops only them; the fault
    # tests stop and start single services through the same objects.
    launcher = Launcher(directory / "services")
    try:
        # immediate: the cluster is deleted afterwards, a clean shutdown would be wasted.
        postgres = launcher.start(Postgres(data_dir=directory / "pg", stop_mode="immediate"))
        redis_server = launcher.start(Redis())
        nginx_port, app_port = free_port(), free_port()
        var_dir = ROOT / "var" / "test" / "production"
        env = app_env(
            DJANGO_SETTINGS_MODULE="bench.settings",
            MASTHEAD_VAR_DIR=str(var_dir),
            MASTHEAD_MEDIA_ROOT=str(directory / "media"),
            MASTHEAD_SECRET_KEY_FILE=str(directory / "secret_key"),
            DATABASE_URL=postgres.url(),
            REDIS_URL=redis_server.url,
            MASTHEAD_ALLOWED_HOSTS="127.0.0.1,localhost",
            MASTHEAD_CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{nginx_port}",
            MASTHEAD_TRUSTED_PROXIES="127.0.0.1/32",
            MASTHEAD_SECURE_COOKIES="False",
            MASTHEAD_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            BILLING_PROVIDER="stripe",
            # Placeholders: no request here ever reaches Stripe.
            BILLING_STRIPE_SECRET_KEY="sk_test_placeholder",
            BILLING_STRIPE_WEBHOOK_SECRET="whsec_placeholder",
            # No resolver answers here: crawler verification fails fast and closed.
            CRAWLERS_DNS_SERVER="127.0.0.1",
            CRAWLERS_DNS_PORT=str(free_port()),
            CRAWLERS_DNS_TIMEOUT="0.2",
            ANALYTICS_SYNC="True",
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        if PURGE_MODULE.exists():
            # From here on, saves (the app's and the tests' own manage.py calls) purge
            # this nginx's cache; load_demo ran before nginx could answer.
            env["MASTHEAD_CACHE_PURGE_URLS"] = f"http://127.0.0.1:{nginx_port}/_purge"
        app = launcher.start(
            Granian(
                name="app",
                port=app_port,
                environment=env,
                workers=2,
                log=directory / "app.log",
            )
        )
        nginx = launcher.start(
            Nginx(
                directory=directory / "nginx",
                port=nginx_port,
                upstream=f"127.0.0.1:{app_port}",
                static_root=var_dir / "static",
                media_root=directory / "media",
                workers="1",
            )
        )
        yield Stack(postgres, redis_server, app, nginx, env)
    finally:
        launcher.stop()
        shutil.rmtree(directory, ignore_errors=True)
