"""The funnel in Debian's Chromium leaves exactly the expected analytics events.

An anonymous reader reads three metered stories, meets the registration wall on the
fourth, registers and reads it; then meets the subscription wall on a subscriber story,
subscribes with test payments and reads it. Every paywall event the run leaves is
compared, in order, with the list the funnel implies. Ad impressions depend on how long
a slot stays on screen, so they are only checked to name the stories read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from masthead.accounts.models import User
from masthead.analytics.models import Event
from masthead.analytics.visitors import visitor_key
from masthead.billing.models import Plan
from masthead.newsroom.models import Article, Block, Publication, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long passphrase for the funnel test"
EMAIL = "funnel-reader@example.com"
TIMEOUT = 15_000
METERED = ("first", "second", "third", "fourth")


def _story(slug: str, level: str, section: Section) -> Article:
    story = Article.objects.create(
        slug=slug,
        headline=f"Funnel story {slug}",
        summary="A short dek for the funnel test.",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(hours=3),
        access_level=level,
    )
    for number in range(1, 7):
        Block.objects.create(
            article=story, position=number, kind="paragraph", text=f"Paragraph {number}."
        )
    return story


@pytest.fixture
def stories(settings: Any) -> dict[str, Article]:
    settings.PAYWALL_ANONYMOUS_ALLOWANCE = 3
    settings.PAYWALL_REGISTERED_ALLOWANCE = 10
    settings.PAYWALL_NETWORK_DAILY_ALLOWANCE = 10_000
    settings.PAYWALL_CHECK_RATE_LIMIT = 10_000
    settings.ANALYTICS_SYNC = True
    Publication.current()
    metro = Section.objects.create(name="Metro", slug="metro")
    Plan.objects.create(
        name="All Access",
        slug="all-access",
        price_minor=1500,
        levels=["metered", "registered", "subscriber"],
        ad_free=True,
    )
    found = {slug: _story(slug, "metered", metro) for slug in METERED}
    found["walled"] = _story("walled", "subscriber", metro)
    return found


def _checked(page: Any, action: Any) -> dict[str, Any]:
    """Run ``action`` (a navigation) and return the access check's answer it caused."""
    with page.expect_response(lambda r: r.url.endswith("/api/access/"), timeout=TIMEOUT) as got:
        action()
    answer: dict[str, Any] = json.loads(got.value.text())
    return answer


def _url(base: str, story: Article) -> str:
    return base + story.get_absolute_url()


def _read_to_the_wall_and_register(page: Any, base: str, stories: dict[str, Article]) -> None:
    for slug in METERED[:3]:
        answer = _checked(page, lambda s=slug: page.goto(_url(base, stories[s])))
        assert (answer["granted"], answer["reason"]) == (True, "metered")
    answer = _checked(page, lambda: page.goto(_url(base, stories["fourth"])))
    assert answer["offer"]["kind"] == "registration"
    wall = page.locator("[data-masthead-wall=registration]")
    wall.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    answer = _checked(page, lambda: page.get_by_role("button", name="Create account").click())
    assert (answer["granted"], answer["reason"]) == (True, "metered")


def _subscribe_at_the_wall(page: Any, base: str, walled: Article) -> None:
    answer = _checked(page, lambda: page.goto(_url(base, walled)))
    assert answer["offer"]["kind"] == "subscription"
    page.get_by_role("link", name="See subscription plans").click()
    page.wait_for_url("**/subscribe/?next=*", timeout=TIMEOUT)
    page.get_by_role("button", name="Choose All Access").click()
    page.wait_for_url("**/billing/test-checkout/**", timeout=TIMEOUT)
    pay = page.get_by_role("button", name=re.compile(r"^Pay .* \(test\)$"))
    answer = _checked(page, pay.click)
    assert (answer["granted"], answer["reason"]) == (True, "subscriber")


def _paywall_events() -> list[tuple[Any, ...]]:
    chosen = Event.objects.exclude(kind="ad_impression").order_by("pk")
    fields = ("kind", "granted", "reason", "offer", "reader_kind", "article_id", "user_id")
    return list(chosen.values_list(*fields))


def test_the_funnel_leaves_exactly_the_expected_events(
    live_server: Any, browser_page: Any, stories: dict[str, Article]
) -> None:
    page, base = browser_page, live_server.url
    _read_to_the_wall_and_register(page, base, stories)
    _subscribe_at_the_wall(page, base, stories["walled"])

    reader = User.objects.get(email=EMAIL).pk
    ids = {slug: story.pk for slug, story in stories.items()}
    check, wall = "access_check", "wall_shown"
    anonymous = [(check, True, "metered", "", "anonymous", ids[s], None) for s in METERED[:3]]
    assert _paywall_events() == [
        *anonymous,
        (check, False, "meter_exhausted", "", "anonymous", ids["fourth"], None),
        (wall, None, "meter_exhausted", "registration", "anonymous", ids["fourth"], None),
        ("registration", None, "", "", "registered", ids["fourth"], reader),
        (check, True, "metered", "", "registered", ids["fourth"], reader),
        (check, False, "subscription_required", "", "registered", ids["walled"], reader),
        (wall, None, "subscription_required", "subscription", "registered", ids["walled"], reader),
        ("checkout_started", None, "", "", "", ids["walled"], reader),
        ("subscription_started", None, "", "", "", ids["walled"], reader),
        (check, True, "subscriber", "", "subscriber", ids["walled"], reader),
    ]

    # Every event names the section; the anonymous ones share one visitor key, which is
    # a hash of the visitor id and never the id itself.
    assert set(Event.objects.exclude(article_id=None).values_list("section", flat=True)) == {
        "metro"
    }
    cookie = next(
        c["value"]
        for c in page.context.cookies()
        if c["name"] == django_settings.PAYWALL_VISITOR_COOKIE
    )
    # The cookie holds the visitor id signed ("<id>:<signature>"); events get its key.
    visitor_id = cookie.strip('"').rsplit(":", 1)[0]
    keys = set(Event.objects.filter(reader_kind="anonymous").values_list("visitor", flat=True))
    assert keys == {visitor_key(visitor_id)}
    assert not Event.objects.filter(visitor__contains=visitor_id).exists()
    impressions = Event.objects.filter(kind="ad_impression")
    assert set(impressions.values_list("article_id", flat=True)) <= set(ids.values())
