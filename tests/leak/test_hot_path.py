"""The access check's hot path (``masthead.wsgi``'s lean dispatch) tried for leaks.

Every fixture article, live or not, is checked by anonymous readers through the lean WSGI
entry on Redis, with the meter spent and with room on it, from the site's origin, from
another origin and as a claimed crawler: gated text reaches only the readers the ordinary
path would give it to, and the two paths answer alike.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory, override_settings

from masthead.access import lean_check_app

from .fixtures import FREE_KEYS, LeakWorld
from .oracle import markers_in

pytestmark = pytest.mark.redis


@pytest.fixture
def apps(redis_url: str) -> Iterator[tuple[Any, WSGIHandler]]:
    """The lean entry and the full stack on one Redis (meter and cache), sharing the DB."""
    prefix = f"leak:{uuid.uuid4().hex}:"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with override_settings(
            REDIS_URL=redis_url,
            CACHES=caches,
            PAYWALL_METER_STORE="redis",
            PAYWALL_REDIS_URL="",
            PAYWALL_REDIS_PREFIX=prefix,
            PAYWALL_HOT_PATH=True,
        ):
            full = WSGIHandler()
            yield lean_check_app(full), full
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def _serve(app: Any, article: int, **headers: str) -> tuple[str, str]:
    body = json.dumps({"article": article, "gift": None})
    extra = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin", **headers}
    environ = dict(
        RequestFactory()
        .post("/api/access/", body, content_type="application/json", **extra)
        .environ
    )
    environ["wsgi.input"] = io.BytesIO(body.encode())
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: Any, exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, response_headers

    result = app(environ, start_response)
    try:
        text = b"".join(result).decode()
    finally:
        result.close()
    return seen["status"], text + "".join(f"{n}: {v}\n" for n, v in seen["headers"])


@pytest.mark.parametrize("allowance", [0, 1000])
def test_anonymous_checks_through_the_lean_path_leak_nothing(
    world: LeakWorld, apps: tuple[Any, WSGIHandler], allowance: int
) -> None:
    lean, full = apps
    with override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=allowance):
        entitled = set(FREE_KEYS) | (
            {k for k, a in world.live.items() if a.level == "metered"} if allowance else set()
        )
        forbidden = set(world.gated_markers([k for k in world.articles if k not in entitled]))
        for key, fixture in world.articles.items():
            pk = fixture.article.pk
            for headers in (
                {},
                {"HTTP_ORIGIN": "https://elsewhere.example"},
                {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
            ):
                status, text = _serve(lean, pk, **headers)
                assert not markers_in(text) & forbidden, (key, headers, status)
                other_status, _other = _serve(full, pk, **headers)
                assert status == other_status, (key, headers)
