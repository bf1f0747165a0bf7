"""The gateway's Django handler runs every request's synchronous work on one thread.

Django's database connections belong to a thread: on one long-lived thread per process
the connection persists from request to request (``CONN_MAX_AGE``), as under WSGI.
Django's stock ASGI handler (the control) makes a thread per request.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from django.core import signals
from django.core.handlers.asgi import ASGIHandler

from masthead.gateway.handler import OneThreadASGIHandler, get_application

from .asgi_client import shared_connection

T = TypeVar("T")


def _run_in_fresh_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` with ``asyncio.run`` on a thread of its own.

    Another test (Playwright's synchronous API) may leave an event loop running in this
    thread, and ``asyncio.run`` refuses to start inside one.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main).result()


def _threads_of_requests(handler: Any, count: int) -> list[threading.Thread]:
    """Send ``count`` requests on a fresh event loop; the thread each one started on."""
    seen: list[threading.Thread] = []

    def started(**_: Any) -> None:
        seen.append(threading.current_thread())

    async def one() -> int:
        delivered = False
        forever = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await forever.wait()  # the client stays connected
            return {"type": "http.disconnect"}

        statuses: list[int] = []

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/static/no-such-file.css",
            "raw_path": b"/static/no-such-file.css",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 40000),
            "server": ("testserver", 80),
        }
        await handler(scope, receive, send)
        return statuses[0]

    async def all_of_them() -> list[int]:
        return [await one() for _ in range(count)]

    signals.request_started.connect(started)
    try:
        # A loop of its own, outside async_to_sync: no test thread to fall back on.
        statuses = _run_in_fresh_loop(all_of_them())
    finally:
        signals.request_started.disconnect(started)
    assert len(statuses) == count
    return seen


def test_every_request_runs_on_the_same_thread() -> None:
    with shared_connection():
        seen = _threads_of_requests(get_application(), 3)
    assert len(seen) == 3
    assert seen[0] is seen[1] is seen[2]
    assert seen[0] is not threading.current_thread()


def test_control_djangos_own_handler_makes_a_thread_per_request() -> None:
    with shared_connection():
        seen = _threads_of_requests(ASGIHandler(), 2)
    assert len(seen) == 2
    assert seen[0] is not seen[1]


def test_only_http_is_served() -> None:
    async def nothing() -> dict[str, Any]:
        return {}

    async def ignore(message: dict[str, Any]) -> None:
        return None

    handler = OneThreadASGIHandler()
    with pytest.raises(ValueError, match="websocket"):
        _run_in_fresh_loop(handler({"type": "websocket"}, nothing, ignore))


def test_the_middleware_chain_is_built_for_synchronous_calls() -> None:
    # One hop to the thread per request, none between the middleware and the view.
    # (``_middleware_chain`` is Django's own attribute, not in its type stubs.)
    ours: Any = get_application()
    stock: Any = ASGIHandler()
    assert not asyncio.iscoroutinefunction(ours._middleware_chain)
    assert asyncio.iscoroutinefunction(stock._middleware_chain)  # the control
