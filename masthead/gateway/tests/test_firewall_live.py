"""The firewall against the live test WordPress: every captured door, fetched now.

The fixtures of test_firewall_doors.py are frozen answers; this walks the same doors on
the running site (tests/wordpress/site.py starts one when none is given), so a change in
what WordPress answers shows up here.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest

from masthead.gateway.firewall import Article, ShingleIndex, words
from masthead.gateway.firewall_doors import Action, Firewall
from masthead.gateway.tests.capture_wordpress import doors
from tests.wordpress.site import WordPressSite, missing_programs, wordpress_site

pytestmark = pytest.mark.wordpress


@pytest.fixture(scope="module")
def site() -> Iterator[WordPressSite]:
    missing = missing_programs()
    if missing:
        pytest.skip("WordPress needs " + ", ".join(missing))
    with wordpress_site() as running:
        yield running


def test_no_door_of_the_live_site_passes_gated_text(site: WordPressSite) -> None:
    index = ShingleIndex()
    for post in site.walled:
        index.add(
            Article(
                key=post.slug,
                gated="".join(f"<p>{html.escape(text)}</p>" for text in post.gated),
                preview="".join(f"<p>{html.escape(text)}</p>" for text in post.lead),
                origin_id=post.id,
                paths=(post.url,),
            )
        )
    firewall = Firewall(index, reporter=lambda verdict, path: None)
    ids = {post.slug: post.id for post in site.posts}
    oracle = {post.slug: post.oracle_word for post in site.walled}
    carried = 0
    blocked = []
    # As the gateway asks the origin: no compression (it could not be read otherwise).
    identity = {"Accept-Encoding": "identity"}
    with httpx.Client(base_url=site.url, timeout=30, headers=identity) as client:
        for name, path, query in doors(ids, oracle):
            query = query.replace("SITE/", site.url + "/")
            response = client.get(path + ("?" + query if query else ""))
            assert response.status_code == 200, name
            before = index.scan(response.text)
            carried += bool(before)
            verdict = firewall.filter_response(
                path,
                query,
                response.headers.get("content-type", ""),
                response.content,
                response.headers.get("content-encoding", ""),
            )
            out = verdict.body.decode("utf-8", "replace")
            if verdict.action is Action.BLOCK:
                blocked.append(name)
                continue
            folded = " ".join(words(out))
            for post in site.walled:
                for paragraph in post.gated:
                    assert " ".join(words(paragraph)[:10]) not in folded, (name, post.slug)
    assert carried >= 15, "positive control: most doors carry gated text straight from WordPress"
    # Only the bare post page, which the gateway serves itself, is an unknown door here.
    assert blocked == ["post-page-walled"]
