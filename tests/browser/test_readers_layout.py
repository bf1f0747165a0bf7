"""The readers' pages on a phone and a desk, in Debian's Chromium: the account page's gift
links stack as cards with a Revoke button nothing covers; the "Gift this article" panel
lines its inputs up with their buttons and refuses a bad address in words.

Screenshots land in ``docs/screenshots/`` (account-phone.png, gift-panel-desktop.png,
gift-panel-phone.png).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masthead.billing.models import Subscription
from masthead.billing.tests.factories import plan, reader, subscription
from masthead.gifts import links
from masthead.newsroom.models import Article, Block, Publication, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1100, "height": 900}
TIMEOUT = 15_000


def _story(slug: str, headline: str, section: Section) -> Article:
    story = Article.objects.create(
        slug=slug,
        headline=headline,
        summary="A short dek for the layout test.",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(hours=3),
        access_level="subscriber",
    )
    for number in range(1, 6):
        Block.objects.create(
            article=story, position=number, kind="paragraph", text=f"Paragraph {number}."
        )
    return story


@pytest.fixture
def gifted() -> dict[str, Any]:
    """A subscriber with one open and one revoked gift link of long-headlined stories."""
    Publication.current()
    news = Section.objects.create(name="News", slug="news")
    sender = reader("sender@example.com")
    subscription(
        sender,
        plan=plan("all-access", name="All Access"),
        provider=Subscription.Provider.TEST,
        current_period_end=timezone.now() + dt.timedelta(days=30),
    )
    now = timezone.now()
    headline = "The old Harlan textile mill will become 220 apartments and a food hall"
    kept = _story("mill", headline, news)
    revoked = _story("mill-2", headline + ", the council decides", news)
    links.give(sender, kept, now)
    links.revoke(sender, links.give(sender, revoked, now).link.pk, now)
    other = _story("bridge", "The river bridge reopens after two years", news)
    return {"sender": sender, "kept": kept, "other": other}


def _logged_in(chromium: Any, base: str, user: Any, viewport: dict[str, int]) -> Any:
    """Return a page whose context carries ``user``'s session cookie."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport=viewport)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])
    return context.new_page()


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _topmost_at_centre(page: Any, selector: str) -> bool:
    """Return True when nothing covers the middle of the element ``selector`` names."""
    script = """(selector) => {
      const el = document.querySelector(selector);
      el.scrollIntoView({block: "center"});
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return box.right <= window.innerWidth && (hit === el || el.contains(hit));
    }"""
    return bool(page.evaluate(script, selector))


def test_it_stacks_gift_links_as_cards_on_a_phone(chromium, live_server, gifted) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = _logged_in(chromium, live_server.url, gifted["sender"], PHONE)
    page.goto(live_server.url + "/accounts/")
    assert _fits_the_screen(page) is True
    button = ".gift-revoke button"
    assert _topmost_at_centre(page, button) is True
    box = page.locator(button).bounding_box()
    assert box["height"] >= 40  # a thumb-sized target
    assert box["width"] >= PHONE["width"] / 2
    page.screenshot(path=str(SCREENSHOTS / "account-phone.png"), full_page=True)
    page.locator(button).click()
    page.wait_for_url("**/accounts/", timeout=TIMEOUT)
    assert page.locator(".gift-revoke button").count() == 0
    page.context.close()


def test_it_keeps_the_table_on_a_desk(chromium, live_server, gifted) -> None:
    page = _logged_in(chromium, live_server.url, gifted["sender"], DESK)
    page.goto(live_server.url + "/accounts/")
    assert page.locator(".gift-table thead").is_visible() is True
    assert _topmost_at_centre(page, ".gift-revoke button") is True
    page.context.close()


def _open_gift_panel(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Gift this article").click()
    page.locator("#gift-url").wait_for(timeout=TIMEOUT)


def _same_row(page: Any, first: str, second: str) -> bool:
    one = page.locator(first).bounding_box()
    two = page.locator(second).bounding_box()
    return abs(one["y"] - two["y"]) < 2 and one["x"] + one["width"] <= two["x"]


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESK), ("phone", PHONE)])
def test_it_lines_up_the_gift_panel(chromium, live_server, gifted, name, viewport) -> None:
    page = _logged_in(chromium, live_server.url, gifted["sender"], viewport)
    _open_gift_panel(page, live_server.url + gifted["other"].get_absolute_url())
    assert _same_row(page, "#gift-url", ".gift-copy") is True
    assert _same_row(page, "#gift-email", ".gift-mail button") is True
    assert _fits_the_screen(page) is True
    assert _topmost_at_centre(page, ".gift-mail button") is True
    page.locator(".gift-mail button").click()
    status = page.locator("#gift-mail-status")
    assert status.inner_text() == "Enter a valid e-mail address, like name@example.com."
    assert page.locator("#gift-email").get_attribute("aria-invalid") == "true"
    page.locator("#gift-email").fill("friend@example.com")
    page.locator(".gift-mail button").click()
    page.wait_for_function(
        "() => document.querySelector('#gift-mail-status').textContent.startsWith('Sent to')",
        timeout=TIMEOUT,
    )
    page.locator(".masthead-gift").scroll_into_view_if_needed()
    page.locator(".masthead-gift").screenshot(path=str(SCREENSHOTS / f"gift-panel-{name}.png"))
    page.context.close()
