"""A post walled in WordPress leaves the nginx cache's listings at the next sync.

The front page, archives and feeds are public and cached for ``GATEWAY_PAGE_MAX_AGE``. A
free post's full text (feeds) or automatic excerpt (front page, archives) sits in those
cached copies; when an editor walls the post, the sync must purge them with the post's
page, or the cache hands out the now-gated text until the copies expire.

The test walls a free post by giving it the ``subscriber`` tag through WordPress's REST
API, syncs the gateway (``manage.py gateway_sync``, as the schedule does) and reads the
listings through nginx again (readers asking for them all along: a copy made before the
workers know the post is walled is purged by the second round); it gives the post its
tags back afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.wordpress.live_gateway import LiveGateway
from tests.wordpress.site import WordPressSite
from tests.wordpress.test_gateway_doors import plain

pytestmark = pytest.mark.wordpress

SLUG = "library-opening-hours"  # free, category Culture, tag community, 3 paragraphs
LISTINGS = (
    "/",
    "/feed/",
    "/feed/atom/",
    "/category/culture/",
    "/category/culture/feed/",
    "/tag/community/feed/",
    "/2026/11/",
    "/2026/11/feed/",
)


def _opening(paragraph: str) -> str:
    return " ".join(paragraph.split()[:6])


@pytest.fixture
def walled_later(wordpress: WordPressSite, live_gateway: LiveGateway) -> Iterator[int]:
    """The post's id; its tags are put back (and the gateway synced) when the test ends."""
    post = wordpress.post(SLUG)
    auth = (wordpress.admin_user, wordpress.app_password)
    api = wordpress.url + "/wp-json/wp/v2"
    tags = httpx.get(f"{api}/posts/{post.id}?_fields=tags", auth=auth, timeout=30).json()["tags"]
    yield post.id
    httpx.post(f"{api}/posts/{post.id}", json={"tags": tags}, auth=auth, timeout=30)
    live_gateway.manage("gateway_sync")


def test_walling_a_post_purges_the_cached_listings(
    wordpress: WordPressSite, live_gateway: LiveGateway, walled_later: int
) -> None:
    post = wordpress.post(SLUG)
    # With a one-paragraph lead-in, everything after the first paragraph becomes gated.
    to_be_gated = [_opening(paragraph) for paragraph in post.lead[1:]]
    cached: list[str] = []
    for path in LISTINGS:
        first = httpx.get(live_gateway.url + path, timeout=30)
        assert first.status_code == 200, path
        again = httpx.get(live_gateway.url + path, timeout=30)
        if any(s in plain(again.text) for s in to_be_gated):
            assert again.headers.get("x-cache-status") == "HIT", path
            cached.append(path)
    assert "/feed/" in cached and "/" in cached, cached  # positive control: the copies exist

    auth = (wordpress.admin_user, wordpress.app_password)
    api = wordpress.url + "/wp-json/wp/v2"
    wall = httpx.get(f"{api}/tags?slug=subscriber", timeout=30).json()[0]["id"]
    tags = httpx.get(f"{api}/posts/{walled_later}?_fields=tags", timeout=30).json()["tags"]
    changed = httpx.post(
        f"{api}/posts/{walled_later}", json={"tags": [*tags, wall]}, auth=auth, timeout=30
    )
    assert changed.status_code == 200, changed.text[:300]
    # Readers keep asking for the listings while the sync runs: a copy made after the
    # first purge but before the workers learn the post is walled must go too.
    syncing = threading.Event()

    def read_listings() -> None:
        while not syncing.wait(0.2):
            for path in cached:
                httpx.get(live_gateway.url + path, timeout=30)

    reader = threading.Thread(target=read_listings)
    reader.start()
    try:
        assert "changed=1" in live_gateway.manage("gateway_sync")
    finally:
        syncing.set()
        reader.join()

    stale = [
        path
        for path in cached
        if any(s in plain(httpx.get(live_gateway.url + path, timeout=30).text) for s in to_be_gated)
    ]
    assert stale == []
    # And the post's own page is its preview now.
    page_url = live_gateway.url + post.url.removeprefix(wordpress.url)
    page = plain(httpx.get(page_url, timeout=30).text)
    assert _opening(post.lead[0]) in page and not any(s in page for s in to_be_gated)
