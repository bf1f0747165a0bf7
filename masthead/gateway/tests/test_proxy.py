"""The gateway in front of the fake origin: previews, never the gated text, and its doors.

Each test that reads a walled page looks for the gated part's own sentences in everything
the gateway answered. The fake origin's lead-in is two paragraphs: the first of the story
and an "About us" link, so "walled-secret-2" onward sit after the cut.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from masthead.billing.models import AccessGrant
from masthead.gateway import index
from masthead.gateway.models import ORIGIN_ID_BASE, OriginArticle

from .asgi_client import call

pytestmark = pytest.mark.django_db

WALLED = "/2026/12/01/walled-story/"
GATED = [f"walled-secret-{n}" for n in range(2, 7)]


def assert_no_gated_text(text: str, markers: list[str] = GATED) -> None:
    leaked = [marker for marker in markers if marker in text]
    assert not leaked, f"gated text went out: {leaked}"


@pytest.fixture
def synced(origin, rules) -> None:
    index.sync_all()


@pytest.mark.parametrize(
    "target",
    [
        WALLED,
        "/2026/12/01/walled-story",  # no trailing slash: the origin redirects
        "/?p=102",  # the shortlink: redirected to the permalink
        WALLED + "?utm_source=x&amp=1&junk=%00",
        WALLED + "?replytocom=5",
        WALLED + "amp/",  # no Link header: the post is known by its <body class>
    ],
)
def test_every_url_of_a_walled_post_gets_the_preview_and_never_the_rest(gateway, synced, target):
    answer = call(gateway, "GET", target)
    for _hop in range(3):
        if answer.status != 301:
            break
        location = answer.headers["location"]
        assert location.startswith("http://testserver/")
        answer = call(gateway, "GET", location.removeprefix("http://testserver"))
    assert answer.status == 200
    assert "walled-secret-1" in answer.text
    assert_no_gated_text(answer.text)
    assert f'data-article-id="{ORIGIN_ID_BASE + 102}"' in answer.text
    assert "data-masthead-gate" in answer.text and "/static/masthead/paywall.js" in answer.text
    assert answer.headers["cache-control"].startswith("public")
    assert not answer.set_cookies


def test_the_preview_is_the_same_for_everyone(gateway, synced):
    anonymous = call(gateway, "GET", WALLED).body
    with_cookies = call(
        gateway, "GET", WALLED, headers={"cookie": "sessionid=abc; masthead_visitor=v1"}
    ).body
    assert anonymous == with_cookies


def test_the_preview_is_known_before_any_reader_and_needs_no_api_call_at_request_time(
    gateway, synced, origin
):
    origin.requests.clear()
    answer = call(gateway, "GET", WALLED)
    assert_no_gated_text(answer.text)
    assert not [r for r in origin.requests if r.startswith("/wp-json/")]


def test_the_origins_more_break_is_the_cut(gateway, synced):
    answer = call(gateway, "GET", "/2026/12/01/more-story/")
    assert "more-secret-3" in answer.text
    assert_no_gated_text(answer.text, ["more-secret-4", "more-secret-5", "more-secret-6"])


def test_the_access_check_grants_a_subscriber_the_gated_part(gateway, synced):
    user = get_user_model().objects.create_user(email="sub@example.com", password="pw-12345678")
    AccessGrant.objects.create(user=user, starts_at=timezone.now(), note="gateway test")
    browser = Client()
    browser.force_login(user)
    session = browser.cookies["sessionid"].value
    body = json.dumps({"article": ORIGIN_ID_BASE + 102, "gift": None}).encode()
    headers = {
        "cookie": f"sessionid={session}",
        "origin": "http://testserver",
        "content-type": "application/json",
    }
    answer = call(gateway, "POST", "/api/access/", headers=headers, body=body)
    assert answer.status == 200, answer.text
    result = json.loads(answer.body)
    assert result["granted"] is True
    for marker in GATED:
        assert marker in result["html"]
    assert "walled-secret-1" not in result["html"]
    assert answer.headers["cache-control"] == "private, no-store"


def test_the_access_check_denies_a_stranger_and_sends_no_gated_text(gateway, synced):
    body = json.dumps({"article": ORIGIN_ID_BASE + 102}).encode()
    answer = call(
        gateway,
        "POST",
        "/api/access/",
        headers={"origin": "http://testserver", "content-type": "application/json"},
        body=body,
    )
    result = json.loads(answer.body)
    assert result["granted"] is False and result["html"] is None
    assert_no_gated_text(answer.text)


def test_a_free_post_passes_through_whole_with_links_rewritten(gateway, synced, origin):
    answer = call(gateway, "GET", "/2026/12/01/free-story/")
    assert answer.status == 200
    assert "free-secret-5" in answer.text
    assert origin.url not in answer.text
    assert 'href="http://testserver/about/"' in answer.text
    assert "data-masthead-gate" not in answer.text


def test_origin_down_gets_the_last_good_preview_never_the_full_text(gateway, synced, origin):
    first = call(gateway, "GET", WALLED)
    assert first.status == 200
    OriginArticle.objects.filter(origin_id=102).update(synced_at=None)  # force a fetch
    origin.failing = True
    answer = call(gateway, "GET", WALLED)
    assert answer.status == 200
    assert "walled-secret-1" in answer.text
    assert_no_gated_text(answer.text)
    origin.stop()
    answer = call(gateway, "GET", WALLED)
    assert answer.status == 200
    assert_no_gated_text(answer.text)
    # A page never fetched before has nothing to fall back on: an error, no text.
    assert call(gateway, "GET", "/2026/12/01/never-seen/").status == 502


def test_a_slow_origin_gets_the_last_good_preview(gateway, synced, origin, settings):
    assert call(gateway, "GET", WALLED).status == 200
    OriginArticle.objects.filter(origin_id=102).update(synced_at=None)  # force a fetch
    settings.GATEWAY_ORIGIN_TIMEOUT = 0.2
    origin.delay = 1.0
    gateway._clients.clear()  # a client with the new time limit
    answer = call(gateway, "GET", WALLED)
    assert answer.status == 200
    assert "walled-secret-1" in answer.text
    assert_no_gated_text(answer.text)


def test_an_unsplittable_page_is_served_with_nothing_gated_and_reported(gateway, synced):
    before = index.unsplittable_count()
    answer = call(gateway, "GET", "/2026/12/01/odd-story/")
    assert answer.status == 200
    assert "data-masthead-gate" in answer.text
    assert_no_gated_text(answer.text, [f"odd-secret-{n}" for n in range(1, 5)])
    assert index.unsplittable_count() > before
    odd = OriginArticle.objects.get(origin_id=105)
    assert odd.split_problem and odd.gated_html == ""


def test_a_post_moved_from_free_to_walled_is_walled_on_the_next_request(gateway, synced, origin):
    first = call(gateway, "GET", "/2026/12/01/free-story/")
    assert "free-secret-5" in first.text
    origin.posts[101].tags = [10]  # an editor tags it "subscriber" in WordPress
    origin.posts[101].modified = "2026-12-02T10:00:00"
    index.sync_one(101)  # the on-demand sync (or the scheduled one)
    answer = call(gateway, "GET", "/2026/12/01/free-story/")
    assert "free-secret-1" in answer.text
    assert_no_gated_text(answer.text, [f"free-secret-{n}" for n in range(3, 6)])


def test_a_move_to_walled_is_seen_without_a_sync_once_the_recheck_is_due(
    gateway, synced, origin, settings
):
    settings.GATEWAY_RECHECK_SECONDS = 0
    assert "free-secret-5" in call(gateway, "GET", "/2026/12/01/free-story/").text
    origin.posts[101].tags = [10]
    answer = call(gateway, "GET", "/2026/12/01/free-story/")
    assert_no_gated_text(answer.text, [f"free-secret-{n}" for n in range(3, 6)])


def test_an_unknown_post_whose_level_cannot_be_read_releases_nothing(gateway, origin, rules):
    origin.posts[102].tags = [10]
    # The API refuses the gateway (wrong password): the post's level is unknown.
    from django.test import override_settings

    with override_settings(GATEWAY_ORIGIN_PASSWORD="wrong"):
        answer = call(gateway, "GET", WALLED)
    assert answer.status == 200
    assert_no_gated_text(answer.text)
    assert "data-masthead-gate" in answer.text


@pytest.mark.parametrize(
    "target",
    [
        "/wp-admin/",
        "/wp-login.php",
        WALLED + "?preview=true",
        "/?p=102&preview=true",
        "/wp-admin/admin-ajax.php",
    ],
)
def test_the_origins_admin_and_previews_are_refused_from_outside(gateway, synced, target):
    answer = call(gateway, "GET", target)
    assert answer.status == 403
    assert_no_gated_text(answer.text)
    assert answer.headers["cache-control"] == "private, no-store"


def test_the_origins_admin_answers_the_admin_network_and_is_never_cacheable(gateway, synced):
    answer = call(gateway, "GET", "/wp-login.php", client="127.0.0.1")
    assert answer.status == 200
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.set_cookies  # the origin's login cookie, on a private answer only
    preview = call(gateway, "GET", WALLED + "?preview=true", client="127.0.0.1")
    assert preview.headers["cache-control"] == "private, no-store"


def test_a_forged_forwarded_for_does_not_open_the_admin(gateway, synced):
    answer = call(gateway, "GET", "/wp-admin/", headers={"x-forwarded-for": "127.0.0.1"})
    assert answer.status == 403


def test_hop_by_hop_headers_and_origin_cookies_do_not_pass_on_public_answers(gateway, synced):
    answer = call(
        gateway,
        "GET",
        "/2026/12/01/free-story/",
        headers={"connection": "keep-alive, x-secret", "te": "trailers"},
    )
    assert "connection" not in answer.headers and "keep-alive" not in answer.headers
    assert not answer.set_cookies


def test_masthead_cookies_never_reach_the_origin(gateway, synced, origin, monkeypatch):
    seen: list[str] = []
    real = type(gateway)._fetch

    async def spy(self, incoming, body):
        response = await real(self, incoming, body)
        seen.append(response.request.headers.get("cookie", ""))
        return response

    monkeypatch.setattr(type(gateway), "_fetch", spy)
    call(
        gateway,
        "GET",
        "/2026/12/01/free-story/",
        headers={"cookie": "sessionid=s3cret; wordpress_test_cookie=1; csrftoken=t"},
    )
    assert seen == ["wordpress_test_cookie=1"]


def test_a_reader_logged_in_at_the_origin_gets_private_answers(gateway, synced):
    answer = call(
        gateway,
        "GET",
        "/2026/12/01/free-story/",
        headers={"cookie": "wordpress_logged_in_abc=someone"},
    )
    assert answer.headers["cache-control"] == "private, no-store"


def test_links_in_json_and_redirects_point_at_the_public_host(gateway, synced, origin):
    answer = call(gateway, "GET", "/wp-json/wp/v2/posts/101")
    assert origin.url not in answer.text and origin.url.replace("/", "\\/") not in answer.text
    redirect = call(gateway, "GET", "/2026/12/01/free-story")
    assert redirect.headers["location"] == "http://testserver/2026/12/01/free-story/"


def test_the_automatic_excerpts_of_walled_posts_stop_at_the_preview(gateway, synced):
    front = call(gateway, "GET", "/")
    assert "walled-secret-1" in front.text  # the excerpt's lead-in words stay
    assert_no_gated_text(front.text)
    assert_no_gated_text(front.text, ["more-secret-4"])
    assert "free-secret-3" in front.text  # a free post's excerpt is left alone
    listing = call(gateway, "GET", "/wp-json/wp/v2/posts/102")
    excerpt = json.loads(listing.body)["excerpt"]["rendered"]
    assert "walled-secret-1" in excerpt
    assert_no_gated_text(excerpt)


def test_an_unknown_host_is_refused_before_anything_is_fetched(gateway, synced, origin):
    origin.requests.clear()
    answer = call(gateway, "GET", WALLED, headers={"host": "evil.example"})
    assert answer.status == 400 and not origin.requests


def test_masthead_paths_are_served_by_masthead(gateway, synced, origin):
    origin.requests.clear()
    assert call(gateway, "GET", "/accounts/login/").status == 200
    assert call(gateway, "GET", "/api/me/").status == 200
    assert not origin.requests


def test_the_firewall_sees_every_proxied_response_and_can_block(gateway, synced, settings):
    settings.GATEWAY_FIREWALL = "masthead.gateway.tests.test_proxy.block_feeds"
    SEEN.clear()
    assert call(gateway, "GET", "/feed/").status == 403
    assert call(gateway, "GET", WALLED).status == 200
    assert call(gateway, "GET", "/2026/12/01/free-story/").status == 200
    assert SEEN == ["/feed/", WALLED, "/2026/12/01/free-story/"]


def test_a_failing_firewall_blocks(gateway, synced, settings):
    settings.GATEWAY_FIREWALL = "masthead.gateway.tests.test_proxy.broken_firewall"
    answer = call(gateway, "GET", "/feed/")
    assert answer.status == 403
    assert_no_gated_text(answer.text)


SEEN: list[str] = []


def block_feeds(path, query, response):
    from masthead.gateway.filtering import BLOCKED

    SEEN.append(path)
    return BLOCKED if path.startswith("/feed") else response


def broken_firewall(path, query, response):
    raise RuntimeError("index unreachable")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PAYWALL_MEDIA_ACCEL_REDIRECT = ""
    return tmp_path


def test_an_upload_only_the_gated_part_shows_goes_through_protected_media(
    gateway, origin, rules, media_root
):
    index.sync_all()
    for variant in ("secret-chart.png", "secret-chart-1024x768.png", "secret-chart-300x225.png"):
        answer = call(gateway, "GET", f"/wp-content/uploads/2026/12/{variant}")
        assert answer.status == 404, variant
    assert (media_root / "origin/2026/12/secret-chart.png").exists()  # copied for Masthead
    assert call(gateway, "GET", "/media/origin/2026/12/secret-chart.png").status == 404
    page = call(gateway, "GET", WALLED)
    assert "secret-chart" not in page.text
    user = get_user_model().objects.create_user(email="m@example.com", password="pw-12345678")
    AccessGrant.objects.create(user=user, starts_at=timezone.now(), note="gateway test")
    browser = Client()
    browser.force_login(user)
    result = json.loads(
        call(
            gateway,
            "POST",
            "/api/access/",
            headers={
                "cookie": f"sessionid={browser.cookies['sessionid'].value}",
                "origin": "http://testserver",
                "content-type": "application/json",
            },
            body=json.dumps({"article": ORIGIN_ID_BASE + 102}).encode(),
        ).body
    )
    assert result["granted"] is True
    assert "srcset" not in result["html"] and "/wp-content/uploads/" not in result["html"]
    src = result["html"].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert src.startswith("/media/origin/2026/12/secret-chart.png?")
    signed = call(gateway, "GET", src)
    assert signed.status == 200 and signed.body.startswith(b"\x89PNG")


def test_uploads_shown_in_public_parts_pass_through(gateway, origin, rules, media_root):
    origin.posts[101].gated_image = "2026/12/public-photo.png"  # a free post's image
    index.sync_all()
    assert (
        call(gateway, "GET", "/wp-content/uploads/2026/12/public-photo-1024x768.png").status == 200
    )
