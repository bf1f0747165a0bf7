"""The paywall in Debian's Chromium, end to end, against the live app.

An anonymous reader opens metered articles and watches the free-article count go down,
re-opens one without being counted, meets the registration wall, registers, lands back
on the article and reads it; a subscriber logs in and reads a ``subscriber`` article in
full. Screenshots: ``docs/screenshots/paywall-registration-wall.png`` and
``paywall-unlocked.png``.

``live_server`` runs the app in a thread of this process on 127.0.0.1, so every reader
here shares one /24 network: the network allowance is raised out of the way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.leak.fixtures import PASSWORD, LeakWorld, build_world, standard_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT = 15_000
GATED = re.compile(r"GATEDMARK-[a-z0-9]+-[a-z0-9-]+")


@pytest.fixture
def world(settings: Any) -> LeakWorld:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 3
    settings.PAYWALL_REGISTERED_ALLOWANCE = 10
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    settings.PAYWALL_CHECK_RATE_LIMIT = 10_000
    world = build_world(with_passwords=True)
    for key in ("metered3", "metered4"):
        world.articles[key] = standard_article(world, key, "metered")
    return world


def _settled(page: Any) -> None:
    """Wait until the page script has answered: content unlocked or a wall shown."""
    page.wait_for_function(
        """() => {
            const gated = document.querySelector('[data-masthead-gated]');
            const gate = document.querySelector('[data-masthead-gate]');
            return (gated && gated.textContent.includes('GATEDMARK'))
                || (gate && gate.hasAttribute('data-masthead-offer'));
        }""",
        timeout=TIMEOUT,
    )


def _open(page: Any, base: str, world: LeakWorld, key: str) -> None:
    page.goto(base + world.articles[key].url)
    _settled(page)


def _banner(page: Any) -> str:
    banner = page.locator("[data-masthead-banner]")
    return str(banner.inner_text()) if banner.is_visible() else ""


def _shown_markers(page: Any) -> set[str]:
    return set(GATED.findall(page.locator("[data-masthead-gated]").text_content() or ""))


def _gated_shown(page: Any, world: LeakWorld, key: str) -> bool:
    expected = {m for m in world.articles[key].gated_markers if not m.endswith("-alt")}
    return _shown_markers(page) >= expected


def test_it_counts_down_walls_and_unlocks_after_registering(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page, base = browser_page, live_server.url
    _open(page, base, world, "metered")
    assert _gated_shown(page, world, "metered")
    assert "2 free articles left" in _banner(page)
    _open(page, base, world, "metered2")
    assert "1 free article left" in _banner(page)
    # Re-reading an article already counted is free: the count stays where it was.
    _open(page, base, world, "metered")
    assert _gated_shown(page, world, "metered")
    assert "1 free article left" in _banner(page)
    _open(page, base, world, "metered3")
    assert "last free article" in _banner(page)
    _open(page, base, world, "metered4")
    wall = page.locator("[data-masthead-wall=registration]")
    wall.wait_for(timeout=TIMEOUT)
    assert _shown_markers(page) == set()
    assert GATED.search(page.content()) is None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "paywall-registration-wall.png"), full_page=True)

    wall.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Email").fill("new-reader@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(re.escape(world.articles["metered4"].url) + "$"))
    _settled(page)
    assert _gated_shown(page, world, "metered4")
    assert page.locator("[data-masthead-gate]").is_hidden()
    # Now counted against the registered allowance of 10.
    assert "9 free articles left" in _banner(page)


def test_it_shows_a_subscriber_the_whole_subscriber_article(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page, base = browser_page, live_server.url
    story = world.articles["media"]
    page.goto(f"{base}/accounts/login/?next={story.url}")
    page.get_by_label("Email").fill("leak-subscriber@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(story.url) + "$"))
    _settled(page)
    assert _gated_shown(page, world, "media")
    # The alt text of the gated figure arrives too, on the image itself.
    alt = page.locator("[data-masthead-gated] img").get_attribute("alt")
    assert "GATEDMARK-media-alt" in str(alt)
    assert page.locator("[data-masthead-gate]").is_hidden()
    assert page.locator("video").count() == 1
    page.locator(".transcript summary").click()
    page.locator("[data-masthead-gated] .pull-quote").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "paywall-unlocked.png"), full_page=True)


def test_it_shows_a_lapsed_subscriber_the_subscription_wall(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page, base = browser_page, live_server.url
    story = world.articles["subscriber"]
    page.goto(f"{base}/accounts/login/?next={story.url}")
    page.get_by_label("Email").fill("leak-lapsed@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(story.url) + "$"))
    _settled(page)
    page.locator("[data-masthead-wall=subscription]").wait_for(timeout=TIMEOUT)
    assert GATED.search(page.content()) is None
