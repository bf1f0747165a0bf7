"""Calling an ASGI app from a test's own thread (so Django's test database is shared)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from django.core import signals
from django.db import close_old_connections

# A client address outside every admin network.
OUTSIDER = "203.0.113.7"


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


@contextmanager
def shared_connection() -> Iterator[None]:
    """Keep Django's handler from closing the test's database connection at request end.

    Django's own test client does the same: inside a test's transaction the connection
    the handler would close is the test's own.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
