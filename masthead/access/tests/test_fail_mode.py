"""When the meter store is unreachable, the policy's fail mode holds, fast, without a 500."""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import TestCase, override_settings

from masthead.access.meter_redis import RedisMeterStore, redis_client
from masthead.access.meters import count_read
from masthead.access.policy import UNAVAILABLE_METER

from .helpers import check, make_article
from .meter_contract import ask


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def stopped_redis_url(tmp_path) -> str:
    """Start a Redis of our own on a spare port, prove it answers, then stop it."""
    port = _spare_port()
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--daemonize",
            "yes",
            "--pidfile",
            str(tmp_path / "r.pid"),
            "--dir",
            str(tmp_path),
        ],
        check=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis_client(url)
    for _ in range(50):
        try:
            client.ping()
            break
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.05)
    client.shutdown(nosave=True)
    return url


@pytest.mark.redis
@pytest.mark.django_db
@pytest.mark.parametrize("fail_mode,granted", [("open", True), ("closed", False)])
def test_it_holds_the_fail_mode_when_redis_is_stopped(
    client, stopped_redis_url: str, fail_mode: str, granted: bool
) -> None:
    article = make_article("metered")
    subscriber_only = make_article("subscriber")
    with override_settings(
        PAYWALL_METER_STORE="redis",
        PAYWALL_REDIS_URL=stopped_redis_url,
        PAYWALL_REDIS_PREFIX=f"test:{uuid.uuid4().hex}:",
        PAYWALL_FAIL_MODE=fail_mode,
    ):
        started = time.monotonic()
        response = check(client, article.pk)
        elapsed = time.monotonic() - started
        shut = check(client, subscriber_only.pk).json()
    assert response.status_code == 200
    data = response.json()
    assert data["granted"] is granted
    assert data["reason"] == "meter_unavailable"
    assert data["meter"] is None
    assert (article.gated_marker in (data["html"] or "")) is granted
    assert elapsed < 1.0
    assert shut["granted"] is False and subscriber_only.gated_marker not in str(shut)


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A loopback port whose connects hang, as an unreachable host's do.

    Its accept queue is full and never taken from, so Linux drops each further SYN and
    the client waits; nothing leaves the machine.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = int(server.getsockname()[1])
    queued = []
    for _ in range(3):
        waiting = socket.socket()
        waiting.setblocking(False)
        waiting.connect_ex(("127.0.0.1", port))
        queued.append(waiting)
    time.sleep(0.05)
    try:
        yield port
    finally:
        for each in [*queued, server]:
            each.close()


def test_it_answers_unavailable_within_the_timeout_for_an_unreachable_redis(
    unanswered_port: int,
) -> None:
    # The connect must give up after 0.5 s, not hang.
    with pytest.raises(TimeoutError):
        socket.create_connection(("127.0.0.1", unanswered_port), timeout=0.2)
    store = RedisMeterStore(redis_client(f"redis://127.0.0.1:{unanswered_port}/0"), "test:")
    started = time.monotonic()
    assert count_read(store, ask()) == UNAVAILABLE_METER
    assert time.monotonic() - started < 1.0


class BrokenLoaderTests(TestCase):
    def test_it_fails_closed_when_the_entitlements_loader_raises(self) -> None:
        article = make_article("metered")
        with override_settings(PAYWALL_ENTITLEMENTS_LOADER="masthead.access.tests.boom.explode"):
            from masthead.accounts.models import User

            self.client.force_login(User.objects.create_user("r@example.com", "pw-long-enough"))
            data = check(self.client, article.pk).json()
        self.assertEqual((data["granted"], data["reason"]), (False, "error"))
        self.assertEqual(data["offer"]["kind"], "subscription")
        self.assertNotIn(article.gated_marker, str(data))

    def test_it_fails_closed_when_the_gift_verifier_raises(self) -> None:
        article = make_article("subscriber")
        with override_settings(PAYWALL_GIFT_VERIFIER="masthead.access.tests.boom.explode"):
            data = check(self.client, article.pk, gift="anything").json()
        self.assertEqual((data["granted"], data["reason"]), (False, "error"))
        self.assertEqual(data["offer"]["kind"], "registration")

    def test_it_fails_closed_when_the_crawler_verifier_raises(self) -> None:
        article = make_article("free")
        with override_settings(PAYWALL_CRAWLER_VERIFIER="masthead.access.tests.boom.explode"):
            data = check(self.client, article.pk).json()
        self.assertIs(data["granted"], False)

    def test_it_fails_closed_when_rendering_the_gated_part_raises(self) -> None:
        article = make_article("free")
        with override_settings(PAYWALL_CONTENT_SOURCE="masthead.access.tests.boom"):
            response = check(self.client, article.pk)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["reason"], "error")

    # Start-up refuses a port that does not import (test_ports.py); one swapped in while
    # running is an error like any other, never a quiet "no crawler" or "no gift".
    def test_it_fails_closed_when_the_crawler_verifier_is_missing(self) -> None:
        article = make_article("free")
        with override_settings(PAYWALL_CRAWLER_VERIFIER="masthead.nowhere.verdict_for"):
            data = check(self.client, article.pk).json()
        self.assertEqual((data["granted"], data["reason"]), (False, "error"))

    def test_it_fails_closed_when_the_gift_verifier_is_missing(self) -> None:
        article = make_article("subscriber")
        with override_settings(PAYWALL_GIFT_VERIFIER="masthead.nowhere.verify_gift"):
            data = check(self.client, article.pk, gift="anything").json()
        self.assertEqual((data["granted"], data["reason"]), (False, "error"))
        self.assertIsNone(data["html"])
        self.assertNotIn(article.gated_marker, str(data))


class DatabaseDownTests(TestCase):
    @override_settings(PAYWALL_CONTENT_SOURCE="masthead.access.tests.db_down")
    def test_it_answers_503_json_when_the_database_is_gone(self) -> None:
        response = check(self.client, 1)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(set(response.json()), {"error"})
        self.assertNotIn("Traceback", response.content.decode())

    def test_it_answers_503_json_when_the_database_is_locked(self) -> None:
        # SQLite's "database is locked" is transient, not a bug: 503, never a 500.
        locked = OperationalError("database is locked")
        with mock.patch("masthead.newsroom.paywall.article_facts", side_effect=locked):
            response = check(self.client, 1)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(set(response.json()), {"error"})
