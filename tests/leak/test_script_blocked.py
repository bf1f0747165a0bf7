"""The page script blocked (an extension, a network filter): the preview, the gate, no text.

Unlike JavaScript off, other scripts still run here; only ``paywall.js`` never arrives,
so nothing but the page itself can have put gated text on screen.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from .fixtures import LeakWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GATED = re.compile(r"GATEDMARK-[a-z0-9]+-[a-z0-9-]+")


@pytest.fixture
def blocked_world(settings: Any) -> LeakWorld:
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    return build_world()


def test_it_leaves_only_the_preview_when_the_page_script_is_blocked(
    live_server: Any, chromium: Any, blocked_world: LeakWorld
) -> None:
    context = chromium.new_context()
    context.route(re.compile(r".*/paywall\.js(\?.*)?$"), lambda route: route.abort())
    try:
        page = context.new_page()
        for key, fixture in blocked_world.walled.items():
            page.goto(live_server.url + fixture.url)
            page.wait_for_load_state("networkidle")
            assert GATED.search(page.content()) is None, key
            assert page.locator("[data-masthead-gate]").is_visible(), key
            text = page.locator("body").inner_text()
            assert all(marker in text for marker in fixture.lead_markers), key
    finally:
        context.close()


def _log_in(context: Any, base: str, user: object) -> None:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base}])


@pytest.mark.parametrize("is_blocked", [True, False], ids=["blocked", "control"])
def test_it_shows_even_a_subscriber_only_the_preview_without_the_script(
    is_blocked: bool, live_server: Any, chromium: Any, blocked_world: LeakWorld
) -> None:
    context = chromium.new_context()
    if is_blocked:
        context.route(re.compile(r".*/paywall\.js(\?.*)?$"), lambda route: route.abort())
    _log_in(context, live_server.url, blocked_world.users["subscriber"])
    story = blocked_world.articles["subscriber"]
    try:
        page = context.new_page()
        page.goto(live_server.url + story.url)
        if is_blocked:
            page.wait_for_load_state("networkidle")
            assert GATED.search(page.content()) is None
        else:
            # The control: with the script, the same subscriber gets the text.
            page.wait_for_function(
                "() => document.querySelector('[data-masthead-gated]')"
                ".textContent.includes('GATEDMARK')",
                timeout=15_000,
            )
    finally:
        context.close()
