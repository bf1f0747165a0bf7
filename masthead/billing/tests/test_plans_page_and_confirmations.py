"""What readers read: the plans page's current plan and story fit, the cancel question,
receipts for test payments, and the welcome cookie the article's banner reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masthead.billing.models import Subscription
from masthead.newsroom.tests.factories import article, publication, section

from .factories import plan, reader, subscription

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(settings: Any) -> dict[str, Any]:
    settings.BILLING_PROVIDER = "test"
    publication(time_zone="America/New_York")
    news, culture = section("news", name="News"), section("culture", name="Culture")
    return {
        "all_access": plan("all-access", name="All Access", price_minor=1500, ad_free=True),
        "news": plan("news", name="News", price_minor=600, trial_days=7, sections=[news]),
        "culture_story": article(
            "gallery-opens", section=culture, access_level="subscriber", headline="Gallery opens"
        ),
    }


def _held(user: Any, plan_obj: Any, **fields: Any) -> Subscription:
    now = timezone.now()
    fields.setdefault("current_period_start", now - 10 * DAY)
    fields.setdefault("current_period_end", now + 20 * DAY)
    return subscription(
        user, plan=plan_obj, provider="test", provider_subscription_id=f"test_{user.pk}", **fields
    )


def _card(page: str, slug: str) -> str:
    """Return the plans page's card of ``slug`` (up to the next card)."""
    start = page.index(f'data-plan="{slug}"')
    end = page.find('data-plan="', start + 1)
    return page[start : end if end > 0 else len(page)]


class TestPlansPage:
    def test_it_says_which_plans_open_the_story_the_reader_came_from(self, client, world) -> None:
        url = world["culture_story"].get_absolute_url()
        page = client.get("/subscribe/", {"next": url}).content.decode()
        assert "“Gallery opens”, the story you came from, is open with: <strong>All Access" in page
        assert "<strong>Does not open “Gallery opens”</strong>" in _card(page, "news")
        assert "Opens “Gallery opens”" in _card(page, "all-access")

    def test_the_chosen_plan_says_when_it_does_not_open_the_story(self, client, world) -> None:
        client.force_login(reader())
        url = world["culture_story"].get_absolute_url()
        page = client.get("/subscribe/news/", {"next": url}).content.decode()
        assert "News does not open “Gallery opens”</strong>, the story you came from" in page
        assert "Culture is not part of this plan" in page
        fits = client.get("/subscribe/all-access/", {"next": url}).content.decode()
        assert "All Access opens “Gallery opens”" in fits

    def test_it_shows_the_current_plan_and_what_switching_costs(self, client, world) -> None:
        user = reader()
        _held(user, world["news"])
        client.force_login(user)
        page = client.get("/subscribe/").content.decode()
        assert "Your plan: <strong>News</strong>, $6.00/month." in page
        news = _card(page, "news")
        assert "This is your plan." in news and "Choose News" not in news
        assert "Switch now: $6.00 today for the rest of this period." in page
        assert "Switch to All Access" in page
        assert "First 7 days free" not in page  # no trial on a plan change

    def test_it_shows_a_pending_change(self, client, world) -> None:
        user = reader()
        held = _held(user, world["all_access"])
        held.pending_plan = world["news"]
        held.pending_plan_from = held.current_period_end
        held.save()
        client.force_login(user)
        page = client.get("/subscribe/").content.decode()
        assert "It changes to <strong>News</strong> on " in page
        assert "Keep All Access" in page


class TestCancel:
    def test_it_asks_first_and_says_until_when(self, client, world) -> None:
        user = reader()
        held = _held(user, world["all_access"])
        held.current_period_end = dt.datetime(2026, 12, 29, 17, tzinfo=dt.UTC)
        held.save()
        client.force_login(user)
        account = client.get("/accounts/").content.decode()
        assert f'href="/billing/subscriptions/{held.pk}/cancel/confirm/"' in account
        page = client.get(f"/billing/subscriptions/{held.pk}/cancel/confirm/").content.decode()
        assert "Cancel your All Access subscription?" in page
        assert "You keep reading until <strong>Dec. 29, 2026</strong>" in page
        assert held.cancel_at_period_end is False  # asking changed nothing
        done = client.post(f"/billing/subscriptions/{held.pk}/cancel/", follow=True)
        assert "You can read until Dec. 29, 2026." in done.content.decode()

    def test_someone_elses_subscription_is_not_found(self, client, world) -> None:
        held = _held(reader(), world["all_access"])
        client.force_login(reader())
        assert client.get(f"/billing/subscriptions/{held.pk}/cancel/confirm/").status_code == 404


class TestMails:
    def test_test_payments_mail_a_receipt(
        self, client, world, mailoutbox, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(reader())
        checkout = client.post("/subscribe/all-access/", {"next": "/"})["Location"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(checkout)
        [mail] = mailoutbox
        assert mail.subject.startswith("Your receipt from")
        assert "Amount: $15.00" in mail.body
        assert "Plan: All Access" in mail.body

    def test_a_trial_gets_its_zero_receipt_like_stripes(
        self, client, world, mailoutbox, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(reader())
        checkout = client.post("/subscribe/news/", {"next": "/"})["Location"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(checkout)
        [mail] = mailoutbox
        assert "Amount: $0.00" in mail.body

    def test_the_plan_changed_mail_says_what_and_when(
        self, client, world, mailoutbox, django_capture_on_commit_callbacks
    ) -> None:
        user = reader()
        _held(user, world["news"])
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/subscribe/all-access/change/")
        changed = next(mail for mail in mailoutbox if "plan is now" in mail.subject)
        assert "changed from News to All Access, starting now" in changed.body
        assert "we charged $6.00" in changed.body
        assert "From your next renewal it is $15.00/month." in changed.body


class TestWelcome:
    def test_a_checkout_leaves_the_welcome_for_the_article(self, client, world) -> None:
        client.force_login(reader())
        response = client.post("/subscribe/all-access/", {"next": "/"})
        cookie = response.cookies["masthead_welcome"]
        assert (cookie.value, cookie["max-age"], cookie["samesite"]) == ("subscribed", 3600, "Lax")

    def test_the_article_page_loads_the_banner_script_and_stays_public(self, client, world) -> None:
        response = client.get(world["culture_story"].get_absolute_url())
        assert "billing/welcome.js" in response.content.decode()
        assert "masthead_welcome" not in response.cookies


def test_the_story_level_is_the_one_the_check_uses(client, world) -> None:
    from masthead.access import forget_policy
    from masthead.access.models import PaywallPolicy

    url = world["culture_story"].get_absolute_url()
    assert "is open with" in client.get("/subscribe/", {"next": url}).content.decode()
    # The publisher opens the section to everyone: no plan is needed, so none is named.
    PaywallPolicy.objects.update_or_create(pk=1, defaults={"exempt_sections": "culture"})
    forget_policy()
    try:
        page = client.get("/subscribe/", {"next": url}).content.decode()
    finally:
        forget_policy()
    assert "is open with" not in page and "Does not open" not in page


def test_each_plan_says_what_it_opens(client, world) -> None:
    plan("metered-only", name="Metered", price_minor=300, levels=["metered", "registered"])
    page = client.get("/subscribe/").content.decode()
    assert "Every article in News" in _card(page, "news")
    assert "With advertising" in _card(page, "news")
    assert "Every article, in every section" in _card(page, "all-access")
    assert "No advertising" in _card(page, "all-access")
    assert "Subscriber-only stories are not included" in _card(page, "metered-only")
    assert "Subscriber-only stories are not included" not in _card(page, "all-access")
