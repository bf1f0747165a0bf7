"""Through the shipped nginx: a save that walls or unpublishes an article purges it at once.

The app purges through nginx's cache-purge module (``MASTHEAD_CACHE_PURGE_URLS``, set by
the stack fixture); the saves here run in a ``manage.py shell`` of their own, as a save in
the admin or a script would. nginx keys an article page by its path alone, so one purge
drops every ``?utm_…`` copy as well.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from typing import Any

import pytest
import requests

from bench.stack import PYTHON, ROOT, manage
from tests.production.conftest import PURGE_MODULE, Stack

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not PURGE_MODULE.exists(), reason="libnginx-mod-http-cache-purge is absent"),
]

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


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


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=10, allow_redirects=False)


def _save(stack: Stack, article_id: int, **fields: str) -> dict[str, str]:
    """Set ``fields`` on the article and save it; return the fields' values before."""
    code = (
        "import json\n"
        "from masthead.newsroom.models import Article\n"
        f"story = Article.objects.get(pk={article_id})\n"
        f"fields = json.loads({json.dumps(json.dumps(fields))})\n"
        "before = {name: getattr(story, name) for name in fields}\n"
        "for name, value in fields.items():\n"
        "    setattr(story, name, value)\n"
        "story.save()\n"
        "print(json.dumps(before))\n"
    )
    return dict(json.loads(manage(stack.env, "shell", "-c", code).strip().splitlines()[-1]))


def _free(articles: list[dict[str, Any]], stack: Stack) -> dict[str, Any]:
    for entry in articles:
        if entry["level"] == "free":
            page = _get(stack.url + str(entry["url"]))
            if entry["gated_sentence"] in page.text:
                return entry
    raise AssertionError("the demo has a free article whose page carries all of it")


def test_walling_a_free_article_purges_every_cached_copy_at_once(
    stack: Stack, articles: list[dict[str, Any]]
) -> None:
    entry = _free(articles, stack)
    url, sentence = stack.url + str(entry["url"]), str(entry["gated_sentence"])
    variants = [url, f"{url}?utm_source=x", f"{url}?utm_source=newsletter&utm_medium=email"]
    _get(url)
    for variant in variants:  # one cached copy, whatever the query string
        page = _get(variant)
        assert page.headers["X-Cache-Status"] == "HIT", variant
        assert sentence in page.text
    before = _save(stack, entry["id"], access_level="subscriber")
    try:
        first = _get(url)
        assert first.status_code == 200
        assert first.headers["X-Cache-Status"] == "MISS"  # not the old copy
        assert sentence not in first.text  # the preview
        for variant in [*variants, f"{url}?utm_source={uuid.uuid4().hex}"]:
            page = _get(variant)
            assert page.status_code == 200
            assert sentence not in page.text, variant
    finally:
        _save(stack, entry["id"], **before)
    assert sentence in _get(f"{url}?utm_source=y").text  # free again, at once


def test_unpublishing_answers_not_found_at_once(
    stack: Stack, articles: list[dict[str, Any]]
) -> None:
    entry = next(e for e in articles if e["level"] == "metered")
    url = stack.url + str(entry["url"])
    _get(url)
    assert _get(f"{url}?utm_campaign=a").headers["X-Cache-Status"] == "HIT"
    before = _save(stack, entry["id"], status="draft")
    try:
        assert _get(url).status_code == 404
        assert _get(f"{url}?utm_campaign=a").status_code == 404
    finally:
        _save(stack, entry["id"], **before)
    assert _get(url).status_code == 200


def test_no_readers_answer_is_ever_stored_under_an_articles_key(
    stack: Stack, articles: list[dict[str, Any]]
) -> None:
    # The key ignores the query string, so every request for the article that the app may
    # answer for one reader must stay out of the cache: a subscriber's, a gift link's
    # (even spelt oddly), a claimed crawler's.
    entry = next(e for e in articles if e["level"] == "subscriber")
    path, sentence = str(entry["url"]), str(entry["gated_sentence"])
    url = stack.url + path
    assert _get(f"{stack.url}/_purge/http/127.0.0.1{path}").status_code in (200, 404)
    subscriber = stack.log_in("subscriber@example.com")
    subscriber.get(f"{url}?utm_source=subscriber", timeout=10)
    for query in ("?gift=forged", "?utm_source=a&gift=forged", "?%67ift=forged"):
        _get(url + query)
    _get(f"{url}?utm_source=bot", **{"User-Agent": GOOGLEBOT})
    page = _get(f"{url}?utm_source=anyone")
    assert page.headers["X-Cache-Status"] == "MISS"  # nothing above was kept
    assert sentence not in page.text
    assert sentence not in _get(url).text


def test_only_the_app_servers_may_purge(stack: Stack, articles: list[dict[str, Any]]) -> None:
    path = str(articles[0]["url"])
    outsider = stack.session(address="127.0.0.2")
    answer = outsider.get(f"{stack.url}/_purge/http/127.0.0.1{path}", timeout=10)
    assert answer.status_code == 403
