"""JavaScript off: the reader gets the preview and the gate, and not a word past them.

This is the page reader modes and scrapers see: the ad slots, the no-script notice, the
headline, the lead-in and the gate with its "Log in" and "Subscribe" links.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.leak.fixtures import LeakWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GATED = re.compile(r"GATEDMARK-[a-z0-9]+-[a-z0-9-]+")


@pytest.fixture
def world(settings: Any) -> LeakWorld:
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    return build_world()


@pytest.mark.parametrize("key", ["metered", "subscriber", "media"])
def test_it_shows_only_the_preview_and_the_gate_without_javascript(
    key: str, live_server: Any, chromium: Any, world: LeakWorld
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(live_server.url + world.articles[key].url)
        assert response is not None and response.status == 200
        text = page.locator("body").inner_text()
        assert GATED.search(page.content()) is None
        assert all(marker in text for marker in world.articles[key].lead_markers)
        assert page.locator("#headline").inner_text() == f"The {key} story"
        gate = page.locator("[data-masthead-gate]")
        assert gate.is_visible()
        assert gate.get_by_role("link", name="Log in.").is_visible()
        assert gate.get_by_role("link", name="Subscribe.").is_visible()
        assert page.locator("[data-masthead-notice]").is_visible()
        assert "turn JavaScript on" in page.locator(".masthead-noscript").inner_text()
        assert page.get_by_text("Advertisement").first.is_visible()
        if key == "metered":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "paywall-no-javascript.png"), full_page=True)
    finally:
        context.close()


def test_it_shows_a_free_article_whole_without_javascript(
    live_server: Any, chromium: Any, world: LeakWorld
) -> None:
    """A free article is the same for everyone: the whole body is in the page, no gate."""
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        fixture = world.articles["free"]
        response = page.goto(live_server.url + fixture.url)
        assert response is not None and response.status == 200
        text = page.locator("body").inner_text()
        assert all(marker in text for marker in fixture.lead_markers + fixture.gated_markers)
        assert page.locator("[data-masthead-gate]").count() == 0
        assert page.locator("[data-masthead-notice]").count() == 0
    finally:
        context.close()
