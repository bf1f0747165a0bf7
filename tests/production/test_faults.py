"""Services going away under a running site: Redis, PostgreSQL, the app itself."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from typing import Any

import pytest
import requests

from bench.stack import PYTHON, ROOT
from tests.production.conftest import Stack, own_address

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def articles(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    """The demo's live articles by access level."""
    done = subprocess.run(
        [PYTHON, "-m", "bench.catalogue"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    by_level: dict[str, list[dict[str, Any]]] = {}
    for entry in json.loads(done.stdout):
        by_level.setdefault(str(entry["level"]), []).append(entry)
    return by_level


def _anonymous(stack: Stack) -> requests.Session:
    # A network of its own, so other tests' reads do not touch its network allowance.
    return stack.session(address=own_address())


def _check(client: requests.Session, stack: Stack, article: Any) -> requests.Response:
    started = time.monotonic()
    answer = client.post(
        f"{stack.url}/api/access/", json={"article": article, "gift": None}, timeout=10
    )
    assert time.monotonic() - started < 3, "the check answers in time"
    return answer


def _fresh_page(stack: Stack, entry: dict[str, Any]) -> requests.Response:
    # nginx sends a gift link to the app every time, so the app renders the page (an
    # article's cache key ignores any other query string).
    return requests.get(f"{stack.url}{entry['url']}?gift={uuid.uuid4().hex}", timeout=10)


def test_it_holds_the_fail_mode_while_redis_is_down_and_resumes_the_meter(
    stack: Stack, articles
) -> None:
    metered, walled = articles["metered"], articles["subscriber"][0]
    reader = _anonymous(stack)
    before = _check(reader, stack, metered[0]["id"]).json()
    assert (before["granted"], before["reason"], before["meter"]["used"]) == (True, "metered", 1)

    stack.redis.stop()
    try:
        during = _check(reader, stack, metered[1]["id"])
        assert during.status_code == 200, during.text[:300]
        assert during.json()["granted"] is True  # the default fail mode: metered opens
        assert during.json()["reason"] == "meter_unavailable"
        shut = _check(reader, stack, walled["id"])
        assert shut.status_code == 200
        assert shut.json()["granted"] is False
        assert shut.json()["html"] is None
        assert _fresh_page(stack, metered[1]).status_code == 200
        health = requests.get(f"{stack.url}/healthz", timeout=10)
        assert (health.status_code, health.json()["status"]) == (200, "degraded")
        subscriber = stack.log_in("subscriber@example.com")
        assert _check(subscriber, stack, walled["id"]).json()["granted"] is True
    finally:
        stack.redis.start()

    after = _check(reader, stack, metered[2]["id"]).json()
    assert (after["granted"], after["reason"]) == (True, "metered")
    assert after["meter"]["used"] == 1  # counting again (this Redis keeps nothing on disk)
    again = _check(reader, stack, metered[2]["id"]).json()
    assert again["meter"]["used"] == 1  # a re-read is still free


def test_it_recovers_from_a_postgresql_restart_without_restarting_the_app(
    stack: Stack, articles
) -> None:
    entry = articles["metered"][0]
    # Never asked for in this module: the app keeps no fragment or fact of it.
    unseen = articles["subscriber"][-1]
    cached = f"{stack.url}{entry['url']}"
    requests.get(cached, timeout=10)  # in the cache now
    assert _fresh_page(stack, entry).status_code == 200

    stack.postgres.stop("fast")
    try:
        down = _fresh_page(stack, unseen)
        assert down.status_code == 503
        assert "Traceback" not in down.text
        # A page whose fragments and facts a worker keeps needs no database (and nothing
        # can be edited while it is down); a worker that does not keep them answers 503.
        kept = _fresh_page(stack, entry)
        assert kept.status_code in (200, 503)
        assert "Traceback" not in kept.text
        if kept.status_code == 200:
            assert "masthead-gate" in kept.text
        check = _check(_anonymous(stack), stack, entry["id"])
        assert check.status_code == 503
        assert "error" in check.json()
        health = requests.get(f"{stack.url}/healthz", timeout=10)
        assert (health.status_code, health.json()["database"]) == (503, "unavailable")
        preview = requests.get(cached, timeout=10)
        assert preview.status_code == 200  # the cache keeps serving previews
        assert preview.headers["X-Cache-Status"] in {"HIT", "STALE", "UPDATING"}
    finally:
        stack.postgres.start()

    statuses = [_fresh_page(stack, entry).status_code for _ in range(8)]
    assert statuses == [200] * 8
    assert requests.get(f"{stack.url}/healthz", timeout=10).json()["status"] == "ok"
    assert _check(_anonymous(stack), stack, entry["id"]).json()["granted"] is True


def test_it_answers_a_friendly_503_and_serves_stale_previews_when_the_app_is_down(
    stack: Stack, articles
) -> None:
    entry = articles["metered"][0]
    cached = f"{stack.url}{entry['url']}"
    requests.get(cached, timeout=10)
    stack.app.stop()
    try:
        preview = requests.get(cached, timeout=10)
        assert preview.status_code == 200
        page = _fresh_page(stack, entry)
        assert page.status_code == 503
        assert "Back in a moment" in page.text
        assert page.headers["Retry-After"] == "5"
        api = requests.post(f"{stack.url}/api/access/", json={"article": 1}, timeout=10)
        assert api.status_code == 503
        assert "error" in api.json()
    finally:
        stack.app.start()
    assert _fresh_page(stack, entry).status_code == 200
