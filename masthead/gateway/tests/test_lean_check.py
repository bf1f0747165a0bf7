"""Origin articles through ``masthead.wsgi``'s lean access check (the gateway mode's split).

In gateway mode nginx sends ``/api/access/`` to Masthead's WSGI app, whose lean path
(``masthead.access.lean``) answers anonymous and pass-holding readers from facts it holds
in memory. Here origin articles, served by the gateway's content source, must get exactly
the full stack's answer (anonymous, metered out, subscriber with the gated part and its
signed media), and a post a sync walls must be walled on the very next lean check: the
sync starts a new content generation, which the lean path's one Redis script compares.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client, override_settings
from django.utils import timezone

from masthead.access import hotpath
from masthead.access.lean import LeanCheckApp
from masthead.access.tests.test_hot_path import _comparable, _environ, _serve
from masthead.billing.models import AccessGrant
from masthead.gateway import index
from masthead.gateway.fake_origin import FakeOrigin
from masthead.gateway.models import ORIGIN_ID_BASE, LevelRule

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

FREE, WALLED, METERED = ORIGIN_ID_BASE + 101, ORIGIN_ID_BASE + 102, ORIGIN_ID_BASE + 104
# Origin post 101 is in "culture", 104 in "news": both metered here, so one visitor can
# spend the meter on origin articles alone.
CULTURE_METERED = ORIGIN_ID_BASE + 101


@pytest.fixture
def levels(db: None) -> None:
    """The "subscriber" tag walls; "news" is metered; "culture" stays free."""
    LevelRule.objects.create(kind="tag", term="subscriber", level="subscriber", priority=1)
    LevelRule.objects.create(kind="category", term="news", level="metered", section="news")


@pytest.fixture
def hot(origin: FakeOrigin, redis_url: str, settings: Any) -> Iterator[hotpath.HotStore]:
    """The gateway's settings (the ``origin`` fixture) with the meter and the cache on one
    Redis: the lean path runs, with the gateway's content source behind it."""
    import uuid

    import redis as redis_lib

    prefix = f"test:{uuid.uuid4().hex}:"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(
        REDIS_URL=redis_url,
        CACHES=caches,
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL="",
        PAYWALL_REDIS_PREFIX=prefix,
        PAYWALL_HOT_PATH=True,
        PAYWALL_ANONYMOUS_ALLOWANCE=1,
        PAYWALL_READER_PASS_MINUTES=5,
    ):
        store = hotpath.hot_store()
        assert store is not None
        assert settings.PAYWALL_CONTENT_SOURCE == "masthead.gateway.source"
        yield store
        client = redis_lib.Redis.from_url(redis_url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


@pytest.fixture
def apps() -> Iterator[tuple[LeanCheckApp, WSGIHandler]]:
    """The lean dispatch (as masthead/wsgi.py wraps it) and the full stack, sharing the
    test's database connection (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    full = WSGIHandler()
    try:
        yield LeanCheckApp(full), full
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def answered_lean(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per check: True when the lean path answered it (not the full stack)."""
    seen: list[bool] = []
    answer = hotpath.answer

    def spied(request: Any) -> Any:
        found = answer(request)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(hotpath, "answer", spied)
    return seen


def _check(app: Any, article: int, cookie: str = "") -> tuple[str, list[tuple[str, str]], bytes]:
    return _serve(app, _environ(article, cookie=cookie))


def _same(
    apps: tuple[LeanCheckApp, WSGIHandler], article: int, cookies: tuple[str, str] = ("", "")
) -> dict[str, Any]:
    """Check ``article`` on both paths (each with its own cookies); assert identical
    answers; return the lean one's JSON."""
    lean = _check(apps[0], article, cookies[0])
    full = _check(apps[1], article, cookies[1])
    assert lean[0] == full[0] == "200 OK"
    assert json.loads(lean[2]) == json.loads(full[2])
    assert _comparable(lean[1]) == _comparable(full[1])
    answer: dict[str, Any] = json.loads(lean[2])
    return answer


def _visitor(headers: list[tuple[str, str]]) -> str:
    return next(
        value.split(";")[0].strip()
        for name, value in headers
        if name == "Set-Cookie" and value.strip().startswith("masthead_visitor=")
    )


def test_anonymous_checks_on_origin_articles_match_the_full_stack(
    hot: hotpath.HotStore,
    levels: None,
    apps: tuple[LeanCheckApp, WSGIHandler],
    answered_lean: list[bool],
) -> None:
    index.sync_all()
    free = _same(apps, FREE)
    # A free origin page goes out whole from the gateway: it has no gated part to send.
    assert free["granted"] is True
    walled = _same(apps, WALLED)
    assert walled["granted"] is False and "walled-secret-5" not in json.dumps(walled)
    metered = _same(apps, METERED)
    assert metered["granted"] is True and "metered-secret-5" in metered["html"]
    assert answered_lean == [True, True, True]


def test_a_metered_out_reader_gets_the_full_stacks_answer(
    hot: hotpath.HotStore,
    levels: None,
    apps: tuple[LeanCheckApp, WSGIHandler],
    answered_lean: list[bool],
) -> None:
    LevelRule.objects.create(kind="category", term="culture", level="metered")
    index.sync_all()
    # One visitor per path, each spending its allowance (1) on the same first article.
    cookies = tuple(_visitor(_check(app, METERED)[1]) for app in apps)
    answer = _same(apps, CULTURE_METERED, (cookies[0], cookies[1]))
    assert answer["granted"] is False and answer["reason"] == "meter_exhausted"
    assert "free-secret-5" not in json.dumps(answer)
    assert answered_lean == [True, True]


def test_a_subscriber_gets_the_gated_part_and_its_media_as_on_the_full_stack(
    hot: hotpath.HotStore,
    levels: None,
    apps: tuple[LeanCheckApp, WSGIHandler],
    answered_lean: list[bool],
    settings: Any,
    tmp_path: Any,
) -> None:
    from masthead.access import generations

    settings.MEDIA_ROOT = str(tmp_path)
    settings.PAYWALL_MEDIA_ACCEL_REDIRECT = ""
    generations.resume()
    index.sync_all()
    user = get_user_model().objects.create_user(email="s@example.com", password="pw-12345678")
    AccessGrant.objects.create(user=user, starts_at=timezone.now(), note="lean gateway test")
    browser = Client()
    browser.force_login(user)
    session = f"sessionid={browser.cookies['sessionid'].value}"
    # The first check (no pass yet) goes the ordinary way and issues the reader pass.
    _, headers, _ = _check(apps[1], WALLED, session)
    issued = [v for n, v in headers if n == "Set-Cookie" and "masthead_pass=" in v]
    assert issued
    cookie = f"{session}; {issued[0].split(';')[0].strip()}"
    answered_lean.clear()
    answer = _same(apps, WALLED, (cookie, cookie))
    assert answered_lean[0] is True  # the lean path answered (the full stack is the second)
    assert answer["granted"] is True and "walled-secret-5" in answer["html"]
    # The gated image as a signed URL of the protected-media service, never the origin's.
    assert "/wp-content/uploads/" not in answer["html"]
    src = answer["html"].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert src.startswith("/media/origin/2026/12/secret-chart.png?")
    generations.resume()


def test_a_post_walled_by_a_sync_is_walled_on_the_very_next_lean_check(
    hot: hotpath.HotStore,
    levels: None,
    origin: FakeOrigin,
    apps: tuple[LeanCheckApp, WSGIHandler],
    answered_lean: list[bool],
) -> None:
    index.sync_all()
    before = json.loads(_check(apps[0], FREE)[2])
    assert before["granted"] is True
    # An editor tags it "subscriber" in WordPress; the scheduled sync picks it up.
    origin.posts[101].tags = [10]
    origin.posts[101].modified = "2026-12-02T10:00:00"
    index.sync_all()
    status, _, body = _check(apps[0], FREE)
    after = json.loads(body)
    assert status == "200 OK"
    assert after["granted"] is False and "free-secret-5" not in body.decode()
    assert answered_lean == [True, True]
