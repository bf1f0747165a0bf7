"""Plan changes in Debian's Chromium, with the offline test-payments provider.

- Upgrade: a News subscriber opens a Culture story, is told their plan leaves it out,
  switches to All Access from the plans page (the prorated $6.00 shown before confirming)
  and is back on the story, open at once, with one subscription.
- Downgrade: an All Access subscriber switches to News from the account page; the story
  stays open until the period ends, and closes after it (the period's end is moved into
  the past in the database, which is how a test travels in time here).
- A new subscriber is welcomed on the article; cancelling asks first and says until when.

Screenshots land in ``docs/screenshots/`` (plan-change.png, cancel-confirm.png).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from masthead.accounts.models import User
from masthead.billing.models import Plan, Subscription
from masthead.newsroom.models import Article, Block, Publication, Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a long passphrase for the plan test"
TIMEOUT = 15_000
DAY = dt.timedelta(days=1)


def _story(slug: str, section: Section, marker: str) -> Article:
    story = Article.objects.create(
        slug=slug,
        headline=f"Story {slug}",
        summary="A dek for the plan test.",
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - 2 * dt.timedelta(hours=1),
        access_level="subscriber",
    )
    for number in range(1, 7):
        text = f"Paragraph {number}." + (f" {marker}{number}" if number > 3 else "")
        Block.objects.create(article=story, position=number, kind="paragraph", text=text)
    return story


@pytest.fixture
def site(settings: Any) -> dict[str, Any]:
    settings.BILLING_PROVIDER = "test"
    Publication.current()
    news = Section.objects.create(name="News", slug="news")
    culture = Section.objects.create(name="Culture", slug="culture", position=1)
    all_access = Plan.objects.create(
        name="All Access", slug="all-access", price_minor=1500, ad_free=True, position=0
    )
    news_plan = Plan.objects.create(
        name="News", slug="news", price_minor=600, trial_days=7, position=1
    )
    news_plan.sections.set([news])
    return {
        "all_access": all_access,
        "news": news_plan,
        "culture_story": _story("gallery", culture, "CULTURETEXT"),
        "news_story": _story("council", news, "NEWSTEXT"),
    }


def _reader(email: str, plan: Plan | None) -> User:
    user = User.objects.create_user(email, PASSWORD)
    if plan is not None:
        now = timezone.now()
        Subscription.objects.create(
            user=user,
            plan=plan,
            provider="test",
            provider_subscription_id=f"test_seed_{user.pk}",
            status="active",
            current_period_start=now - 10 * DAY,
            current_period_end=now + 20 * DAY,
            provider_state_at=now,
        )
    return user


def _log_in(page: Any, base: str, email: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"), timeout=TIMEOUT)


def _answer(page: Any, url: str) -> dict[str, Any]:
    """Open ``url`` and return its access check's answer."""
    with page.expect_response(lambda r: r.url.endswith("/api/access/"), timeout=TIMEOUT) as got:
        page.goto(url)
    answer: dict[str, Any] = json.loads(got.value.text())
    return answer


def _live(user: User) -> list[str]:
    return [item.plan.slug for item in Subscription.objects.live().filter(user=user)]


def test_an_upgrade_opens_the_wider_plan_at_once_with_one_subscription(
    chromium: Any, live_server: Any, site: dict[str, Any]
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base, story = live_server.url, site["culture_story"].get_absolute_url()
    user = _reader("news-reader@example.com", site["news"])
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    _log_in(page, base, user.email, story)
    wall = page.locator("[data-masthead-wall=subscription]")
    wall.wait_for(timeout=TIMEOUT)
    assert wall.get_attribute("data-reason") == "plan_excludes_section"

    wall.get_by_role("link", name="See subscription plans").click()
    page.wait_for_url("**/subscribe/?next=*", timeout=TIMEOUT)
    assert "Your plan: News, $6.00/month." in page.locator(".current-plan").inner_text()
    news_card = page.locator("[data-plan=news]")
    assert "Does not open “Story gallery”" in news_card.inner_text()
    assert "This is your plan." in news_card.inner_text()
    top = page.locator("[data-plan=all-access]")
    assert "Opens “Story gallery”" in top.inner_text()
    top.get_by_role("link", name="Switch to All Access").click()

    page.wait_for_url("**/subscribe/all-access/change/?next=*", timeout=TIMEOUT)
    # News $6.00 to All Access $15.00 with 20 of 30 days left: 20/30 x $9.00 = $6.00.
    assert "Charged today: $6.00" in page.locator(".change-amount").inner_text()
    page.wait_for_load_state("networkidle")  # the header's account links come from a script
    page.screenshot(path=str(SCREENSHOTS / "plan-change.png"), full_page=True)
    page.get_by_role("button", name="Switch to All Access now").click()

    page.wait_for_url(re.compile(re.escape(story) + "$"), timeout=TIMEOUT)
    page.wait_for_selector(".masthead-gated p", timeout=TIMEOUT)
    assert "CULTURETEXT6" in page.locator(".masthead-gated").inner_text()
    welcome = page.locator("[data-masthead-welcome]")
    welcome.wait_for(timeout=TIMEOUT)
    assert "Your new plan is in effect — welcome." in welcome.inner_text()
    assert _live(user) == ["all-access"]
    assert Subscription.objects.filter(user=user).count() == 1
    context.close()


def test_a_downgrade_waits_for_the_end_of_the_period(
    chromium: Any, live_server: Any, site: dict[str, Any]
) -> None:
    base = live_server.url
    culture, news = (
        base + site["culture_story"].get_absolute_url(),
        base + site["news_story"].get_absolute_url(),
    )
    user = _reader("top-reader@example.com", site["all_access"])
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    _log_in(page, base, user.email, "/accounts/")
    page.get_by_role("link", name="Change plan").click()
    page.wait_for_url("**/subscribe/", timeout=TIMEOUT)
    page.locator("[data-plan=news]").get_by_role("link", name="Switch to News").click()
    page.wait_for_url("**/subscribe/news/change/*", timeout=TIMEOUT)
    assert "The switch happens at the end of this period" in page.content()
    page.get_by_role("button", name=re.compile(r"^Switch to News on ")).click()
    page.wait_for_url("**/accounts/", timeout=TIMEOUT)
    assert "Changes to News on " in page.locator(".subscription").inner_text()

    # Until the period ends: still All Access.
    assert _answer(page, culture)["reason"] == "subscriber"
    page.wait_for_selector(".masthead-gated p", timeout=TIMEOUT)

    # The period ends (moved into the past, as time passing would).
    held = Subscription.objects.get(user=user)
    ended = timezone.now() - dt.timedelta(minutes=1)
    Subscription.objects.filter(pk=held.pk).update(
        current_period_start=ended - 30 * DAY, current_period_end=ended, pending_plan_from=ended
    )
    assert _answer(page, culture)["reason"] == "plan_excludes_section"
    assert _answer(page, news)["reason"] == "subscriber"
    page.goto(base + "/accounts/")
    assert "News · Active" in page.locator(".subscription").inner_text()
    assert _live(user) == ["news"]
    context.close()


def test_a_new_subscriber_is_welcomed_and_cancelling_asks_first(
    chromium: Any, live_server: Any, site: dict[str, Any]
) -> None:
    base, story = live_server.url, site["culture_story"].get_absolute_url()
    user = _reader("new-reader@example.com", None)
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    _log_in(page, base, user.email, story)
    page.locator("[data-masthead-wall]").get_by_role("link", name="See subscription plans").click()
    page.wait_for_url("**/subscribe/?next=*", timeout=TIMEOUT)
    page.locator("[data-plan=all-access]").get_by_role("button", name="Choose All Access").click()
    page.wait_for_url("**/billing/test-checkout/**", timeout=TIMEOUT)
    page.get_by_role("button", name="Pay $15.00 (test)").click()
    page.wait_for_url(re.compile(re.escape(story) + "$"), timeout=TIMEOUT)
    welcome = page.locator("[data-masthead-welcome]")
    welcome.wait_for(timeout=TIMEOUT)
    assert "You're subscribed — welcome." in welcome.inner_text()
    # Shown once: the next visit is an ordinary one.
    page.reload()
    page.wait_for_selector(".masthead-gated p", timeout=TIMEOUT)
    assert page.locator("[data-masthead-welcome]").count() == 0

    page.goto(base + "/accounts/")
    page.get_by_role("link", name="Cancel at the end of this period").click()
    page.wait_for_url("**/cancel/confirm/", timeout=TIMEOUT)
    assert "You keep reading until" in page.locator(".cancel-until").inner_text()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / "cancel-confirm.png"), full_page=True)
    assert Subscription.objects.get(user=user).cancel_at_period_end is False
    page.get_by_role("button", name="Yes, cancel at the end of this period").click()
    page.wait_for_url("**/accounts/", timeout=TIMEOUT)
    assert "You can read until" in page.content()
    assert Subscription.objects.get(user=user).cancel_at_period_end is True
    context.close()
