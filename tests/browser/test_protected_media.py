"""Protected media in Chromium: the subscriber's gated image loads by its signed URL.

The signed URL is bound to the file and an expiry, not to a cookie, so an ``<img>`` the
page script inserts loads it; the same file at its plain URL is a 404 in the same browser.

Django's live server answers ``MEDIA_URL`` itself, straight from ``MEDIA_ROOT``, before the
app sees the request; that shortcut is switched off here so ``/media/`` reaches the
paywall's view as it does behind nginx.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test.testcases import _MediaFilesHandler

from tests.leak.fixtures import IMAGE_NAME, PASSWORD, LeakWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 15_000


@pytest.fixture
def world(settings: Any, monkeypatch: Any) -> LeakWorld:
    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    settings.PAYWALL_CHECK_RATE_LIMIT = 10_000
    settings.PAYWALL_MEDIA_ACCEL_REDIRECT = ""
    return build_world(with_passwords=True)


def test_the_subscribers_gated_image_loads_and_its_plain_url_does_not(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page, base = browser_page, live_server.url
    story = world.articles["media"]
    page.goto(f"{base}/accounts/login/?next={story.url}")
    page.get_by_label("Email").fill("leak-subscriber@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(story.url) + "$"))
    image = page.locator("[data-masthead-gated] img")
    image.wait_for(timeout=TIMEOUT)
    source = str(image.get_attribute("src"))
    assert source.startswith(f"/media/{IMAGE_NAME}?expires=") and "&signature=" in source
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-masthead-gated] img');"
        " return i && i.complete && i.naturalWidth > 0; }",
        timeout=TIMEOUT,
    )
    # The same browser, still logged in, asks for the plain URL: the gate holds.
    plain = page.request.get(f"{base}/media/{IMAGE_NAME}")
    assert plain.status == 404
    signed = page.request.get(base + source)
    assert signed.status == 200
    assert signed.headers["x-content-type-options"] == "nosniff"
