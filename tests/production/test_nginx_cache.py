"""Behind the shipped nginx configuration: previews are cached, nothing reader-specific is."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import uuid
from typing import Any

import pytest
import requests

from bench.stack import PYTHON, ROOT
from tests.production.conftest import PURGE_MODULE, Stack

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def articles(stack: Stack) -> list[dict[str, Any]]:
    """The demo's live articles with a gated sentence each."""
    done = subprocess.run(
        [PYTHON, "-m", "bench.catalogue"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [entry for entry in json.loads(done.stdout) if entry["gated_sentence"]]


def _of_level(articles: list[dict[str, Any]], level: str) -> dict[str, Any]:
    return next(entry for entry in articles if entry["level"] == level)


def _get(client: requests.Session | None, url: str, **headers: str) -> requests.Response:
    return (client or requests).get(url, headers=headers, timeout=10, allow_redirects=False)


def test_it_serves_the_anonymous_preview_from_the_cache(stack: Stack, articles) -> None:
    path = str(_of_level(articles, "metered")["url"])
    url = stack.url + path
    if PURGE_MODULE.exists():
        # Earlier tests may have left an expired copy (refreshed in the background while
        # the next request is answered UPDATING): start from none.
        _get(None, f"{stack.url}/_purge/http/127.0.0.1{path}")
    first, second = _get(None, url), _get(None, url)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache-Status"] in {"MISS", "HIT", "EXPIRED", "STALE", "UPDATING"}
    assert second.headers["X-Cache-Status"] == "HIT"
    assert "Set-Cookie" not in second.headers
    assert second.text == first.text


def test_it_never_serves_a_readers_answer_from_the_cache(stack: Stack, articles) -> None:
    subscriber = stack.log_in("subscriber@example.com")
    for entry in articles:
        url = stack.url + str(entry["url"])
        page = _get(subscriber, url)
        assert page.status_code == 200
        if entry["level"] != "free":  # a free article's page carries all of it
            assert entry["gated_sentence"] not in page.text, url  # the page is the preview
        check = subscriber.post(
            f"{stack.url}/api/access/", json={"article": entry["id"], "gift": None}, timeout=10
        )
        assert check.status_code == 200, check.text[:300]
        assert check.json()["granted"] is True, check.json()
        assert entry["gated_sentence"] in check.json()["html"]
        assert check.headers["X-Cache-Status"] == "BYPASS"
        assert "no-store" in check.headers["Cache-Control"]
    # Then an anonymous reader asks for the very same URLs.
    for entry in articles:
        url = stack.url + str(entry["url"])
        page = _get(None, url)
        assert page.status_code == 200
        if entry["level"] != "free":
            assert entry["gated_sentence"] not in page.text, url
        assert "subscriber@example.com" not in page.text
        # Each from an address of its own (nginx sets X-Forwarded-For from it).
        anonymous = stack.session(address=f"127.9.{entry['id'] % 250}.1")
        check = anonymous.post(
            f"{stack.url}/api/access/", json={"article": entry["id"], "gift": None}, timeout=10
        )
        assert check.headers["X-Cache-Status"] == "BYPASS"
        if entry["level"] == "subscriber":
            assert check.json()["granted"] is False
            assert check.json()["html"] is None


def test_it_never_stores_a_page_made_for_a_logged_in_reader(stack: Stack, articles) -> None:
    subscriber = stack.log_in("subscriber@example.com")
    # A front page: an article's key ignores the query string, so a probe would share it.
    url = f"{stack.url}/?probe={uuid.uuid4().hex}"
    assert _get(subscriber, url).headers["X-Cache-Status"] == "MISS"
    assert _get(None, url).headers["X-Cache-Status"] == "MISS"  # nothing kept for the subscriber
    assert _get(None, url).headers["X-Cache-Status"] == "HIT"  # the anonymous page was kept
    assert _get(subscriber, url).headers["X-Cache-Status"] == "HIT"  # and serves everyone


def test_it_can_send_logged_in_readers_to_the_app_instead(tmp_path) -> None:
    rendered = subprocess.run(
        [
            PYTHON,
            str(ROOT / "deploy" / "render_nginx.py"),
            "--upstream",
            "127.0.0.1:1",
            "--run-dir",
            str(tmp_path),
            "--static-root",
            str(tmp_path),
            "--media-root",
            str(tmp_path),
            "--session-bypass",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "proxy_cache_bypass $is_reader_path $claims_crawler $has_session;" in rendered
    assert "proxy_no_cache $is_reader_path $has_session" in rendered


def test_it_sends_gift_links_to_the_app_every_time(stack: Stack, articles) -> None:
    url = stack.url + str(_of_level(articles, "subscriber")["url"]) + "?gift=not-a-real-token"
    for _ in range(3):
        page = _get(None, url)
        assert page.headers["X-Cache-Status"] == "BYPASS"
        assert page.headers.get("X-Robots-Tag") == "noindex"  # the app answered
        assert "no-store" in page.headers["Cache-Control"]


def test_it_sends_claimed_crawlers_to_the_app(stack: Stack, articles) -> None:
    entry = _of_level(articles, "subscriber")
    url = stack.url + str(entry["url"])
    _get(None, url)  # the preview is in the cache now
    googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    for _ in range(2):
        page = _get(None, url, **{"User-Agent": googlebot})
        assert page.status_code == 200
        assert page.headers["X-Cache-Status"] == "BYPASS"
        # Not verified (no DNS answers here): the app gives the spoofed crawler the preview.
        assert entry["gated_sentence"] not in page.text


def test_it_does_not_cache_a_response_that_sets_a_cookie(stack: Stack) -> None:
    answers = [_get(None, f"{stack.url}/bench/cookie/") for _ in range(3)]
    assert all("bench_cookie" in answer.headers.get("Set-Cookie", "") for answer in answers)
    assert {answer.headers["X-Cache-Status"] for answer in answers} == {"MISS"}
    assert len({answer.text for answer in answers}) == 3


def test_it_does_not_cache_a_response_without_cache_control(stack: Stack) -> None:
    answers = [_get(None, f"{stack.url}/bench/page/?size=2000") for _ in range(2)]
    assert [answer.headers["X-Cache-Status"] for answer in answers] == ["MISS", "MISS"]


def test_it_bypasses_the_cache_for_account_pages_and_the_api(stack: Stack) -> None:
    for path in ("/accounts/login/", "/subscribe/", "/api/me/"):
        for _ in range(2):
            answer = _get(None, stack.url + path)
            assert answer.headers["X-Cache-Status"] == "BYPASS", path


def test_it_passes_the_client_address_to_the_app(stack: Stack) -> None:
    # Connect from 127.0.0.2 with a forged X-Forwarded-For: nginx replaces the header with
    # the real peer and the app (trusting only nginx) believes that one.
    connection = http.client.HTTPConnection(
        "127.0.0.1", stack.nginx.port, timeout=10, source_address=("127.0.0.2", 0)
    )
    connection.request("GET", "/bench/address/", headers={"X-Forwarded-For": "203.0.113.9"})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    assert answer == {"address": "127.0.0.2", "is_secure": False}


def test_it_serves_uploads_from_the_shared_media_folder(stack: Stack, articles) -> None:
    # load_demo stored its images through the app's storage: they must be in the folder
    # MASTHEAD_MEDIA_ROOT names (shared by every app process), and nginx serves them once
    # the app has said the file is public (a live story's lead image is).
    pages = (_get(None, stack.url + str(entry["url"])).text for entry in articles)
    leads = (
        re.search(r'<figure class="lead-figure">\s*<img src="/media/([^"]+)"', p) for p in pages
    )
    found = next((match for match in leads if match), None)
    assert found, "a live demo story has a lead image"
    relative = found.group(1)
    answer = requests.get(f"{stack.url}/media/{relative}", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert answer.content == (stack.nginx.media_root / relative).read_bytes()


@pytest.mark.skipif(not PURGE_MODULE.exists(), reason="libnginx-mod-http-cache-purge is absent")
def test_it_purges_one_cached_page_from_this_machine(stack: Stack, articles) -> None:
    path = str(_of_level(articles, "metered")["url"])
    _get(None, stack.url + path)
    assert _get(None, f"{stack.url}{path}?utm_source=x").headers["X-Cache-Status"] == "HIT"
    # The purge names the key's scheme and host: nginx keys pages by $scheme$host.
    assert _get(None, f"{stack.url}/_purge/http/127.0.0.1{path}").status_code == 200
    assert _get(None, f"{stack.url}{path}?utm_source=y").headers["X-Cache-Status"] == "MISS"
