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
"""

from __future__ import annotations

from typing import Any

import django
from django.core.handlers.asgi import ASGIHandler


class OneThreadASGIHandler(ASGIHandler):
    """``ASGIHandler`` without the per-request thread: sync code on one thread per process."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve one HTTP request (only HTTP, as Django's handler)."""
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


def get_application() -> OneThreadASGIHandler:
    """Set Django up and return the handler (``get_asgi_application``'s counterpart)."""
    django.setup(set_prefix=False)
    return OneThreadASGIHandler()
