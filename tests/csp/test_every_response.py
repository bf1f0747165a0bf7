"""The Content-Security-Policy is on every kind of response the app sends.

HTML pages, JSON answers, feeds and sitemaps, redirects, error pages (404, 405, 500, the
CSRF refusal), static files through WhiteNoise and the demo's media: one header each, the
same strict policy, never a second header and never ``unsafe-inline``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.access import signed_media_url
from masthead.accounts.models import User
from tests.leak.fixtures import IMAGE_NAME, LeakWorld

HEADER = "Content-Security-Policy"


def directives(response: Any) -> dict[str, list[str]]:
    """Return the response's one policy as ``{directive: sources}``."""
    values = [value for name, value in response.items() if name.lower() == HEADER.lower()]
    assert len(values) == 1, f"{response.status_code}: {values}"
    policy: dict[str, list[str]] = {}
    for part in values[0].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_strict(response: Any) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == [
        "'self'",
        "https://checkout.stripe.com",
        "https://billing.stripe.com",
    ]
    text = response[HEADER]
    assert "unsafe-inline" not in text and "unsafe-eval" not in text


@pytest.fixture
def world(leak_world: LeakWorld, db: None) -> LeakWorld:
    return leak_world


def test_reader_pages_carry_the_policy(world: LeakWorld, client: Client) -> None:
    article = world.articles["metered"]
    section = world.sections["news"]
    for url in (
        "/",
        article.url,
        section.get_absolute_url(),
        "/search/?q=bridge",
        "/accounts/login/",
        "/accounts/register/",
        "/subscribe/",
        world.pages[0].get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_logged_in_pages_and_the_admin_carry_the_policy(world: LeakWorld) -> None:
    reader = Client()
    reader.force_login(world.users["subscriber"])
    for url in ("/accounts/", "/accounts/data/"):
        assert_strict(reader.get(url))
    staff = Client()
    staff.force_login(User.objects.create_superuser("csp-boss@example.com", "pw-boss-12345"))
    for url in (
        "/admin/",
        reverse("admin:newsroom_article_change", args=[world.articles["metered"].article.pk]),
        "/admin/dashboard/",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_json_answers_carry_the_policy(world: LeakWorld, client: Client) -> None:
    article = world.articles["metered"]
    check = client.post(
        "/api/access/",
        json.dumps({"article": article.article.pk}),
        content_type="application/json",
        headers={"Origin": "http://testserver"},
    )
    assert check["Content-Type"].startswith("application/json")
    assert_strict(check)
    for url in (
        "/api/me/",
        "/api/schema/",
        f"/oembed/?url=http://testserver{article.url}",
        "/oembed/?url=nowhere",
    ):
        response = client.get(url)
        assert "json" in response["Content-Type"], url
        assert_strict(response)


def test_feeds_sitemaps_and_text_carry_the_policy(world: LeakWorld, client: Client) -> None:
    for url in (
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/favicon.ico",
        f"{world.sections['news'].get_absolute_url()}rss/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert_strict(response)


def test_redirects_and_errors_carry_the_policy(world: LeakWorld, settings: Any) -> None:
    client = Client()
    assert client.get("/admin/").status_code == 302
    assert_strict(client.get("/admin/"))
    for url, status in (("/no-such-page/", 404), ("/api/no-such-thing/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert_strict(response)
    not_allowed = client.put("/api/access/")
    assert not_allowed.status_code == 405
    assert_strict(not_allowed)
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/accounts/login/", {"username": "a", "password": "b"})
    assert refused.status_code == 403
    assert_strict(refused)
    settings.ROOT_URLCONF = "tests.csp.boom_urls"
    failing = Client(raise_request_exception=False)
    for headers in ({}, {"Accept": "application/json"}):
        response = failing.get("/boom/", headers=headers)
        assert response.status_code == 500
        assert_strict(response)


def test_static_files_and_media_carry_the_policy(world: LeakWorld, client: Client) -> None:
    static = client.get("/static/masthead/site.css")
    assert static.status_code == 200
    assert static["Content-Type"].startswith("text/css")
    assert_strict(static)
    svg = client.get("/static/masthead/favicon.svg")
    assert svg.status_code == 200
    assert_strict(svg)
    # The app answers media itself in the demo (production hands the bytes to nginx, whose
    # internal location adds its own sandboxing policy). The fixture's picture is gated, so
    # it is asked for by a signed URL, as an entitled reader's page would.
    media = client.get(signed_media_url(IMAGE_NAME, timezone.now()))
    assert media.status_code == 200
    assert_strict(media)


def test_hsts_goes_out_on_secure_responses(world: LeakWorld, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    client = Client()
    secure = client.get("/robots.txt", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"
    assert_strict(secure)
    # Browsers ignore it over plain HTTP, and Django does not send it there.
    assert "Strict-Transport-Security" not in client.get("/robots.txt")
