"""The gateway's tests: a fake origin, the level rules, and a way to call the ASGI app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core import signals
from django.core.asgi import get_asgi_application
from django.core.cache import cache
from django.db import close_old_connections
from django.test import override_settings

from masthead.gateway.fake_origin import PASSWORD, USER, FakeOrigin
from masthead.gateway.models import LevelRule
from masthead.gateway.proxy import Gateway

OUTSIDER = "203.0.113.7"


@pytest.fixture
def origin() -> Iterator[FakeOrigin]:
    """A WordPress-shaped origin on a free port, with the gateway's settings pointing at it."""
    server = FakeOrigin().start()
    cache.clear()
    with override_settings(
        GATEWAY_ORIGIN_URL=server.url,
        GATEWAY_ORIGIN_USER=USER,
        GATEWAY_ORIGIN_PASSWORD=PASSWORD,
        GATEWAY_PUBLIC_URL="",
        GATEWAY_ADMIN_NETWORKS=["127.0.0.1/32"],
        GATEWAY_RECHECK_SECONDS=300,
        GATEWAY_ORIGIN_CACHE_SECONDS=300,
        GATEWAY_ORIGIN_TIMEOUT=2.0,
        GATEWAY_FIREWALL="",
        GATEWAY_FIREWALL_INDEX="",
        PAYWALL_CONTENT_SOURCE="masthead.gateway.source",
        PAYWALL_CHECK_RATE_LIMIT=1_000_000,
        ANALYTICS_SYNC=True,
        CACHE_PURGE_URLS=[],
    ):
        yield server
    server.stop()
    cache.clear()


@pytest.fixture
def rules(db: None) -> None:
    """The editors' rules: the "subscriber" tag walls, the "news" category is metered."""
    LevelRule.objects.create(kind="tag", term="subscriber", level="subscriber", priority=1)
    LevelRule.objects.create(
        kind="category", term="news", level="metered", section="news", section_name="News"
    )
    LevelRule.objects.create(kind="category", term="culture", section="culture")


@dataclass
class Answer:
    """One response from the gateway."""

    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", errors="replace")


def call(
    app: Any,
    method: str,
    target: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    client: str = OUTSIDER,
) -> Answer:
    """Send one request to the ASGI app and collect the answer (Django's DB in this thread)."""
    path, _, query = target.partition("?")
    sent = {"host": "testserver", **(headers or {})}

    async def run() -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        delivered = False
        forever = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await forever.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in sent.items()],
            "client": (client, 40000),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)
        return messages

    messages = async_to_sync(run)()
    start = next(m for m in messages if m["type"] == "http.response.start")
    headers_out: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in start.get("headers", []):
        key = name.decode().lower()
        if key == "set-cookie":
            cookies.append(value.decode())
        headers_out[key] = value.decode()
    payload = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return Answer(start["status"], headers_out, cookies, payload)


@pytest.fixture
def gateway(origin: FakeOrigin) -> Iterator[Gateway]:
    """The gateway app in front of the fake origin.

    Django's handler closes the database connection when a request ends; inside a test's
    transaction that would end the test's own connection, so (as Django's test client
    does) the closing is switched off while the gateway is called here.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield Gateway(get_asgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
