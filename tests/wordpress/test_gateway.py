"""The gateway in front of the real WordPress: the preview on every post URL, never the rest.

Positive control first: straight to WordPress the post page carries each walled post's
gated sentences (``test_site.py`` has more). Through the gateway the same page, its URL
variants and ``?preview=true`` from outside must not, and a subscriber's access check
must bring them. The lead-in here is one paragraph (``GATEWAY_LEAD_PARAGRAPHS=1``): the
seeded posts' shortest.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from masthead.billing.models import AccessGrant
from masthead.gateway import filtering, index
from masthead.gateway.handler import get_application
from masthead.gateway.models import ORIGIN_ID_BASE, LevelRule, OriginArticle
from masthead.gateway.proxy import Gateway
from masthead.gateway.tests.asgi_client import call, shared_connection
from tests.wordpress.site import WordPressSite

pytestmark = [pytest.mark.wordpress, pytest.mark.django_db]


def plain(text: str) -> str:
    """Entities decoded and WordPress's curly quotes made straight."""
    text = html.unescape(text)
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return text


def gated_sentences(post) -> list[str]:
    # A sentence's opening words are enough, and survive WordPress's typography.
    return [" ".join(paragraph.split()[:8]) for paragraph in post.gated]


@pytest.fixture
def gateway(wordpress: WordPressSite) -> Iterator[Gateway]:
    cache.clear()
    with (
        override_settings(
            GATEWAY_ORIGIN_URL=wordpress.url,
            GATEWAY_ORIGIN_USER=wordpress.admin_user,
            GATEWAY_ORIGIN_PASSWORD=wordpress.app_password,
            GATEWAY_PUBLIC_URL="",
            GATEWAY_LEAD_PARAGRAPHS=1,
            GATEWAY_ADMIN_NETWORKS=["127.0.0.1/32"],
            # The shipped firewall, its index read from the database (no Redis needed here).
            GATEWAY_FIREWALL="masthead.gateway.filtering.shingle_filter",
            GATEWAY_FIREWALL_INDEX="masthead.gateway.filtering.remember",
            GATEWAY_FIREWALL_STORE="database",
            PAYWALL_CONTENT_SOURCE="masthead.gateway.source",
            PAYWALL_CHECK_RATE_LIMIT=1_000_000,
            ANALYTICS_SYNC=True,
            CACHE_PURGE_URLS=[],
        ),
        shared_connection(),
    ):
        filtering.reset_database_index()
        LevelRule.objects.create(kind="tag", term="subscriber", level="subscriber")
        index.sync_all()
        yield Gateway(get_application())
    cache.clear()


def follow(gateway: Gateway, target: str) -> str:
    answer = call(gateway, "GET", target)
    for _hop in range(3):
        if answer.status not in {301, 302}:
            break
        location = answer.headers["location"]
        assert location.startswith("http://testserver/"), location
        answer = call(gateway, "GET", location.removeprefix("http://testserver"))
    assert answer.status == 200, (target, answer.status)
    assert answer.headers["cache-control"].startswith("public")
    return plain(answer.text)


def test_every_walled_post_url_gets_the_preview_and_never_the_gated_part(wordpress, gateway):
    for post in wordpress.walled:
        straight = plain(httpx.get(post.url, timeout=30).text)
        assert all(s in straight for s in gated_sentences(post)), "positive control"
        path = post.url.removeprefix(wordpress.url)
        for target in (path, path.rstrip("/"), f"/?p={post.id}", path + "?utm_source=x&junk=1"):
            page = follow(gateway, target)
            assert " ".join(post.lead[0].split()[:8]) in page, target
            assert "data-masthead-gate" in page
            leaked = [s for s in gated_sentences(post) if s in page]
            assert not leaked, (target, leaked)
            assert wordpress.url not in page


def test_preview_true_is_refused_from_outside(wordpress, gateway):
    post = wordpress.walled[0]
    answer = call(gateway, "GET", f"/?p={post.id}&preview=true")
    assert answer.status == 403
    assert call(gateway, "GET", "/wp-admin/").status == 403
    assert call(gateway, "GET", "/wp-login.php").status == 403


def test_a_subscriber_gets_the_gated_part_through_the_access_check(wordpress, gateway):
    user = get_user_model().objects.create_user(email="wp-sub@example.com", password="pw-1234567")
    AccessGrant.objects.create(user=user, starts_at=timezone.now(), note="gateway test")
    browser = Client()
    browser.force_login(user)
    for post in wordpress.walled:
        answer = call(
            gateway,
            "POST",
            "/api/access/",
            headers={
                "cookie": f"sessionid={browser.cookies['sessionid'].value}",
                "origin": "http://testserver",
                "content-type": "application/json",
            },
            body=json.dumps({"article": ORIGIN_ID_BASE + post.id}).encode(),
        )
        result = json.loads(answer.body)
        assert result["granted"] is True, result
        text = plain(result["html"])
        assert all(s in text for s in gated_sentences(post)), post.slug


def test_free_posts_pass_through_whole(wordpress, gateway):
    for post in wordpress.free:
        page = follow(gateway, post.url.removeprefix(wordpress.url))
        assert " ".join(post.lead[-1].split()[:8]) in page
        assert "data-masthead-gate" not in page


def test_the_front_page_excerpts_stop_at_the_preview(wordpress, gateway):
    straight = plain(httpx.get(wordpress.url + "/", timeout=30).text)
    through = follow(gateway, "/")
    overrun = [
        sentence
        for post in wordpress.walled
        for sentence in gated_sentences(post)
        if sentence in straight
    ]
    assert overrun, "positive control: some stock excerpt runs into a gated part"
    assert not [sentence for sentence in overrun if sentence in through]


def test_uploads_only_gated_parts_show_are_not_served_from_uploads(wordpress, gateway, settings):
    gated_images = [
        image for post in wordpress.walled for image in post.images.values() if image["gated"]
    ]
    assert gated_images
    for image in gated_images:
        path = image["url"].removeprefix(wordpress.url)
        assert httpx.get(image["url"], timeout=30).status_code == 200  # positive control
        assert call(gateway, "GET", path).status == 404, path
        # Spellings the origin's web server folds into the same file.
        rest = path.removeprefix("/wp-content/uploads/")
        for spelling in (
            f"/wp-content//uploads/{rest}",
            f"/wp-content/./uploads/{rest}",
            f"/wp-content/uploads/../uploads/{rest}",
            f"/wp-content/uploads//{rest}",
        ):
            assert httpx.get(wordpress.url + spelling, timeout=30).status_code == 200, spelling
            assert call(gateway, "GET", spelling).status == 404, spelling
    # Free posts' images stay public. (A walled post's lead-in image may fall after the
    # one-paragraph cut used here, and is then protected too.)
    public_images = [image for post in wordpress.free for image in post.images.values()]
    assert public_images
    for image in public_images:
        assert call(gateway, "GET", image["url"].removeprefix(wordpress.url)).status == 200


def test_the_feed_and_the_rest_api_carry_no_gated_sentence(wordpress, gateway):
    for target in ("/feed/", "/wp-json/wp/v2/posts?per_page=100", "/?rest_route=/wp/v2/posts"):
        answer = call(gateway, "GET", target)
        text = plain(answer.text)
        leaked = [s for post in wordpress.walled for s in gated_sentences(post) if s in text]
        assert not leaked, (target, answer.status, leaked)


def test_a_strangers_embed_or_variant_request_does_not_replace_the_stored_gated_part(
    wordpress, gateway
):
    # WordPress answers /embed/ (and query variants) with the post's Link header: once,
    # a stranger's /embed/ replaced the stored preview page and emptied the gated part.
    post = wordpress.walled[0]
    path = post.url.removeprefix(wordpress.url)
    follow(gateway, path)
    article = OriginArticle.objects.get(origin_id=post.id)
    before = (article.preview_page, article.gated_html)
    assert before[0] and before[1], "positive control: the post page stored its cut"
    for variant in (path + "embed/", path + "?print=1", path + "?amp"):
        answer = call(gateway, "GET", variant)
        assert answer.status == 200, variant
        assert not [s for s in gated_sentences(post) if s in plain(answer.text)], variant
    article.refresh_from_db()
    assert (article.preview_page, article.gated_html) == before
    assert not article.split_problem


def test_a_page_rendered_for_a_reader_logged_in_at_the_origin_is_never_stored_or_public(
    wordpress, gateway
):
    # WordPress renders a logged-in user's page with their admin bar and nonces (and a
    # post-password holder's page unlocked): it must not become everyone's preview.
    post = wordpress.walled[1]
    path = post.url.removeprefix(wordpress.url)
    OriginArticle.objects.filter(origin_id=post.id).update(preview_page="", gated_html="")
    for cookie in ("wordpress_logged_in_abc=editor%7C1", "wp-postpass_abc=secret"):
        answer = call(gateway, "GET", path, headers={"cookie": cookie})
        assert answer.status == 200
        assert answer.headers["cache-control"] == "private, no-store"
        assert not [s for s in gated_sentences(post) if s in plain(answer.text)]
    article = OriginArticle.objects.get(origin_id=post.id)
    assert article.preview_page == ""
    follow(gateway, path)  # a stranger's request does store it (the positive control)
    article.refresh_from_db()
    assert article.preview_page
