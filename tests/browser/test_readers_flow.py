"""Readers in Debian's Chromium: register at the wall, subscribe with test payments, come back
unlocked; make a gift link; a stranger reads it without spending their meter; revoked, it
shows the wall again.

Screenshots land in ``docs/screenshots/`` (plans.png, test-checkout.png, account.png,
gift-link.png).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from masthead.billing.models import Plan
from masthead.newsroom.models import Article, Block, Publication, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a long passphrase for the browser test"
TIMEOUT = 15_000


def _story(slug: str, level: str, marker: str, section: Section) -> Article:
    story = Article.objects.create(
        slug=slug,
        headline=f"River bridge story {slug}",
        summary="A short dek for the browser test.",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(hours=2),
        access_level=level,
    )
    for number in range(1, 7):
        text = f"Paragraph {number} of {slug}." + (f" {marker}{number}" if number > 3 else "")
        Block.objects.create(article=story, position=number, kind="paragraph", text=text)
    return story


@pytest.fixture
def site() -> dict[str, Any]:
    Publication.current()
    news = Section.objects.create(name="News", slug="news")
    Plan.objects.create(
        name="All Access",
        slug="all-access",
        price_minor=1500,
        levels=["metered", "registered", "subscriber"],
        ad_free=True,
    )
    return {
        "walled": _story("walled", "subscriber", "WALLEDTEXT", news),
        "gifted": _story("gifted", "metered", "GIFTEDTEXT", news),
        "first": _story("first", "metered", "FIRSTTEXT", news),
        "second": _story("second", "metered", "SECONDTEXT", news),
    }


def _gated(page: Any) -> str:
    return str(page.locator(".masthead-gated").inner_text())


def _checked(page: Any, url: str) -> dict[str, Any]:
    """Open ``url`` and return the access check's answer."""
    with page.expect_response(lambda r: r.url.endswith("/api/access/"), timeout=TIMEOUT) as got:
        page.goto(url)
    answer: dict[str, Any] = json.loads(got.value.text())
    return answer


def _subscribe_from_the_wall(page: Any, base: str, walled: Article) -> None:
    page.goto(base + walled.get_absolute_url())
    page.get_by_role("link", name="See subscription plans").click()
    page.wait_for_url("**/subscribe/?next=*", timeout=TIMEOUT)
    page.screenshot(path=str(SCREENSHOTS / "plans.png"), full_page=True)
    # Not logged in yet: choosing a plan creates a free account first, then goes on to
    # that plan's checkout (no second choice) and from there back to the article.
    page.get_by_role("link", name="Choose All Access").click()
    page.get_by_label("Email").fill("newreader@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/subscribe/all-access/?next=*", timeout=TIMEOUT)
    assert "Subscribe to All Access" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "plan-chosen.png"), full_page=True)
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**/billing/test-checkout/**", timeout=TIMEOUT)
    assert "TEST PAYMENTS — no money moves" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "test-checkout.png"), full_page=True)
    page.get_by_role("button", name="Pay $15.00 (test)").click()
    page.wait_for_url(f"**{walled.get_absolute_url()}", timeout=TIMEOUT)


def test_it_takes_a_reader_from_the_wall_to_a_gift(chromium, live_server, site) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    subscriber = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = subscriber.new_page()
    _subscribe_from_the_wall(page, base, site["walled"])
    page.wait_for_selector(".masthead-gated p", timeout=TIMEOUT)
    assert "WALLEDTEXT6" in _gated(page)

    # The subscriber gifts a metered article and a subscriber-only one.
    metered_gift = _make_gift(page, base + site["gifted"].get_absolute_url())
    page.screenshot(path=str(SCREENSHOTS / "gift-link.png"))
    walled_gift = _make_gift(page, base + site["walled"].get_absolute_url())

    # A stranger reads both whole; their meter counts the two other articles only.
    stranger = chromium.new_context()
    reader = stranger.new_page()
    assert _checked(reader, base + site["first"].get_absolute_url())["meter"]["used"] == 1
    gift = _checked(reader, metered_gift)
    assert (gift["granted"], gift["reason"]) == (True, "gift")
    reader.wait_for_selector(".masthead-gated p", timeout=TIMEOUT)
    assert "GIFTEDTEXT6" in _gated(reader)
    assert _checked(reader, base + site["second"].get_absolute_url())["meter"]["used"] == 2
    assert _checked(reader, walled_gift)["reason"] == "gift"
    reader.wait_for_selector(".masthead-gated p", timeout=TIMEOUT)
    assert "WALLEDTEXT6" in _gated(reader)

    # The subscriber revokes the subscriber-only gift; the link then shows the wall.
    page.goto(base + "/accounts/")
    page.screenshot(path=str(SCREENSHOTS / "account.png"), full_page=True)
    row = page.locator("tr", has_text=site["walled"].headline)
    assert "1 time" in row.inner_text()
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_url("**/accounts/", timeout=TIMEOUT)
    assert "Revoked" in page.locator("tr", has_text=site["walled"].headline).inner_text()
    late = chromium.new_context().new_page()
    answer = _checked(late, walled_gift)
    # A revoked gift is named as such on the wall (reason gift_invalid), never opened.
    assert (answer["granted"], answer["reason"]) == (False, "gift_invalid")
    late.wait_for_selector("[data-masthead-wall]", timeout=TIMEOUT)
    assert "WALLEDTEXT" not in late.content()
    for context in (subscriber, stranger, late.context):
        context.close()


def _make_gift(page: Any, article_url: str) -> str:
    """Press "Gift this article" on ``article_url``; return the link it shows."""
    page.goto(article_url)
    page.get_by_role("button", name="Gift this article").click()
    link = page.locator("#gift-url")
    link.wait_for(timeout=TIMEOUT)
    url = str(link.input_value())
    assert "?gift=" in url
    return url
