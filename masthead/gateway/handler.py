"""Django's ASGI handler for the gateway's Masthead paths, its synchronous work on one
thread per process.

Django's own ``ASGIHandler`` runs each request inside a ``ThreadSensitiveContext``: every
request's synchronous middleware and views get a thread of their own, made for it and
dropped after it. Django's database connections belong to a thread, so under it no
connection outlives its request: each registered or subscriber access check opened a
new PostgreSQL connection (and left the old one to the garbage collector), which is what
``CONN_MAX_AGE`` exists to avoid (about 7x slower, docs/deploy.md). The native
deployment runs Django under granian WSGI with one blocking thread per worker; this
handler gives the gateway's Masthead paths the same shape: without the per-request
context, asgiref runs thread-sensitive work on its one process-wide thread, so the
connection persists and requests take turns on it exactly as they do under WSGI.

It also builds the middleware chain for synchronous calls, as WSGI does, and runs the
whole chain with one hop to that thread. Django's async chain, with Masthead's
synchronous middleware inside it, hops thread to event loop and back in the middle of
every request (the middleware to the view with ``async_to_sync``, the view with
``sync_to_async``): the one thread then sits idle while the event loop serves other
requests, and the gateway's access checks ran at about half the native rate.
"""

from __future__ import annotations

from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class OneThreadASGIHandler(ASGIHandler):
    """``ASGIHandler`` without the per-request thread: sync code on one thread per process,
    the middleware chain built for synchronous calls and run in one hop."""

    def __init__(self) -> None:
        # Not ASGIHandler.__init__, which builds the chain for asynchronous calls.
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """The synchronous chain (``get_response``, as under WSGI) on the one thread."""
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve one HTTP request (only HTTP, as Django's handler)."""
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


def get_application() -> OneThreadASGIHandler:
    """Set Django up and return the handler (``get_asgi_application``'s counterpart)."""
    django.setup(set_prefix=False)
    return OneThreadASGIHandler()
