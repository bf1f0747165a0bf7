"""The test WordPress answers as stock WordPress does: the positive controls of the leak tests.

Straight to WordPress, every walled post's gated text goes to anyone through the post page,
the REST API and the feed; the gateway's tests show that through the gateway it does not.
If these fail, those would pass for the wrong reason.
"""

from __future__ import annotations

import html

import httpx
import pytest

from tests.wordpress.site import WordPressSite

pytestmark = pytest.mark.wordpress


def plain(text: str) -> str:
    """``text`` as a reader sees it: entities decoded, WordPress's curly quotes made straight."""
    text = html.unescape(text)
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return text


def get(site: WordPressSite, path: str, **options: object) -> httpx.Response:
    response = httpx.get(site.url + path, timeout=30, **options)  # type: ignore[arg-type]
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_the_seeded_posts_are_there(wordpress: WordPressSite) -> None:
    assert len(wordpress.walled) == 3
    assert len(wordpress.free) == 3
    assert sum(post.post_type == "page" for post in wordpress.posts) == 1
    categories = get(wordpress, "/wp-json/wp/v2/categories").json()
    assert {"Politics", "Science", "Culture"} <= {category["name"] for category in categories}
    tags = get(wordpress, "/wp-json/wp/v2/tags", params={"slug": "subscriber"}).json()
    assert len(tags) == 1 and tags[0]["count"] == 3


def test_the_home_page_answers_without_redirecting(wordpress: WordPressSite) -> None:
    response = get(wordpress, "/", follow_redirects=False)
    assert wordpress.url in response.text  # links carry the port: nginx passes it in Host


def test_post_pages_show_the_full_text(wordpress: WordPressSite) -> None:
    for post in wordpress.walled:
        response = get(wordpress, post.url.removeprefix(wordpress.url))
        page = plain(response.text)
        assert all(paragraph in page for paragraph in post.lead + post.gated), post.slug
        assert f"/wp-json/wp/v2/posts/{post.id}>" in response.headers["link"]


def test_the_rest_api_shows_the_full_text(wordpress: WordPressSite) -> None:
    listed = get(wordpress, "/wp-json/wp/v2/posts", params={"per_page": 100}).json()
    by_id = {entry["id"]: plain(entry["content"]["rendered"]) for entry in listed}
    for post in wordpress.walled:
        assert all(paragraph in by_id[post.id] for paragraph in post.gated), post.slug
    # The same through the query-string route, without pretty permalinks.
    single = get(wordpress, "/", params={"rest_route": f"/wp/v2/posts/{wordpress.walled[0].id}"})
    assert wordpress.walled[0].gated[0] in plain(single.json()["content"]["rendered"])


def test_the_feed_shows_the_full_text(wordpress: WordPressSite) -> None:
    feed = plain(get(wordpress, "/feed/").text)
    for post in wordpress.walled:
        assert post.gated[-1] in feed, post.slug


def test_rest_search_tells_which_post_holds_a_gated_word(wordpress: WordPressSite) -> None:
    for post in wordpress.walled:
        found = get(wordpress, "/wp-json/wp/v2/search", params={"search": post.oracle_word})
        assert [entry["id"] for entry in found.json()] == [post.id]


def test_gated_images_are_real_files_served_to_anyone(wordpress: WordPressSite) -> None:
    gated = [image for post in wordpress.walled for image in post.images.values() if image["gated"]]
    assert len(gated) == 2
    for image in gated:
        response = httpx.get(image["url"], timeout=30)
        assert response.status_code == 200
        assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_admin_reads_drafts_and_raw_content_with_the_application_password(
    wordpress: WordPressSite,
) -> None:
    auth = (wordpress.admin_user, wordpress.app_password)
    anonymous = httpx.get(
        wordpress.url + "/wp-json/wp/v2/posts", params={"context": "edit"}, timeout=30
    )
    assert anonymous.status_code == 401
    posts = get(wordpress, "/wp-json/wp/v2/posts", params={"context": "edit"}, auth=auth).json()
    raw = {entry["slug"]: entry["content"]["raw"] for entry in posts}
    assert "<!--more-->" in raw["tidal-turbine-trial"]
    assert "<!--more-->" not in raw["harbour-budget-vote"]
