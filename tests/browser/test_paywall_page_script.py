"""The page script's words in Chromium: the retry, the banner's count, a gift, a plan.

- A failed check drops "Checking your access" for the gate's own words (log in,
  subscribe) while "Try again" is offered, and brings it back while the retry is under way.
- The free-article banner names no period the answer does not carry (the window may be a
  calendar month or a rolling 30 days).
- A gift reader is told that a subscriber shared the article.
- A reader whose plan leaves the section out is told so, without a "Log in" line.
Screenshots of each go to ``/tmp/masthead-shots/page-script-*.png`` for a look.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.leak.fixtures import PASSWORD, LeakWorld, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/masthead-shots")
TIMEOUT = 15_000
CHECK = re.compile(r"/api/access/$")


@pytest.fixture
def world(settings: Any) -> LeakWorld:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 3
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    settings.PAYWALL_CHECK_RATE_LIMIT = 10_000
    return build_world(with_passwords=True)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"page-script-{name}.png"), full_page=True)


def _banner(page: Any) -> Any:
    banner = page.locator("[data-masthead-banner]")
    banner.wait_for(state="visible", timeout=TIMEOUT)
    return banner


def test_it_drops_the_waiting_words_while_offering_a_retry(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page = browser_page
    page.route(CHECK, lambda route: route.abort())
    page.goto(live_server.url + world.articles["metered"].url)
    retry = page.get_by_role("button", name="Try again")
    retry.wait_for(timeout=TIMEOUT)
    checking = page.locator("[data-masthead-checking]")
    words = page.locator("[data-masthead-gate-words]")
    assert checking.is_hidden()
    assert words.is_visible()
    assert words.get_by_role("link", name="Log in.").is_visible()
    assert (
        "We could not confirm your access just now."
        in page.locator("[data-masthead-gate]").inner_text()
    )
    _shot(page, "retry")

    # The retry's request is held until the test lets it through: meanwhile the page
    # says again that it is checking.
    held: list[Any] = []
    page.unroute(CHECK)
    page.route(CHECK, lambda route: held.append(route))
    retry.click()
    page.wait_for_function("() => document.querySelector('[data-masthead-retry]').disabled")
    assert checking.is_visible()
    assert checking.inner_text() == "Checking your access… Thank you for waiting."
    assert words.is_hidden()
    for _ in range(TIMEOUT // 50):
        if held:
            break
        page.wait_for_timeout(50)  # lets Playwright deliver the held request
    assert len(held) == 1
    held[0].continue_()
    page.locator("[data-masthead-gated] p").first.wait_for(timeout=TIMEOUT)
    assert page.locator("[data-masthead-retry-box]").count() == 0
    assert page.locator("[data-masthead-gate]").is_hidden()


@pytest.mark.parametrize("window", ["calendar_month", "rolling_30_days"])
def test_it_counts_free_articles_without_naming_a_period(
    live_server: Any, browser_page: Any, world: LeakWorld, settings: Any, window: str
) -> None:
    settings.PAYWALL_WINDOW = window
    page = browser_page
    page.goto(live_server.url + world.articles["metered"].url)
    words = _banner(page).inner_text()
    assert words.startswith("You have 2 free articles left."), words
    assert "month" not in words and "30 days" not in words
    assert page.locator("[data-masthead-banner]").get_attribute("data-banner-kind") == "metered"


def test_it_tells_a_gift_reader_that_a_subscriber_shared_the_article(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}{world.articles['subscriber'].url}?gift={world.open_gift}")
    banner = _banner(page)
    assert "A subscriber shared this article with you." in banner.inner_text()
    assert banner.get_attribute("data-banner-kind") == "gift"
    subscribe = banner.get_by_role("link", name="Subscribe to read every article.")
    assert subscribe.get_attribute("href") == "/subscribe/?next=" + quote(
        world.articles["subscriber"].url, safe=""
    )
    _shot(page, "gift")


def test_it_tells_a_reader_whose_plan_leaves_the_section_out(
    live_server: Any, browser_page: Any, world: LeakWorld
) -> None:
    page = browser_page
    story = world.articles["subscriber"]
    page.goto(f"{live_server.url}/accounts/login/?next={story.url}")
    page.get_by_label("Email").fill("leak-wrong_section@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(story.url) + "$"))
    wall = page.locator("[data-masthead-wall=subscription]")
    wall.wait_for(timeout=TIMEOUT)
    assert wall.get_attribute("data-reason") == "plan_excludes_section"
    text = wall.inner_text()
    assert "Your plan does not include" in text
    assert "Log in" not in text
    plans = wall.get_by_role("link", name="See subscription plans")
    assert plans.get_attribute("href") == "/subscribe/?next=" + quote(story.url, safe="")
    _shot(page, "plan-wall")
