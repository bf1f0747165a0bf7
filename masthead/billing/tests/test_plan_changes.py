"""Plan changes with test payments: upgrade now (prorated), downgrade at the period's end.

The offline provider works out the prorated amount itself and shows it before the reader
confirms; figures here are worked out by hand (News $6.00 to All Access $15.00 with 20 of
30 days left: 20/30 x $9.00 = $6.00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from masthead.billing import subscriptions
from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import AccessGrant, Subscription
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
        "news_story": article("council-votes", section=news, access_level="subscriber"),
    }


def _held(user: Any, plan_obj: Any, *, start_ago: int = 10, left: int = 20, **fields: Any) -> Any:
    now = timezone.now()
    return subscription(
        user,
        plan=plan_obj,
        provider="test",
        provider_subscription_id=f"test_{user.pk}_{plan_obj.slug}",
        current_period_start=now - start_ago * DAY,
        current_period_end=now + left * DAY,
        **fields,
    )


def _opens(user: Any, section_slug: str, at: dt.datetime | None = None) -> bool:
    return entitlements_for(user, at or timezone.now()).opens("subscriber", section_slug)


def test_an_upgrade_shows_the_prorated_amount_then_applies_at_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    user = reader()
    held = _held(user, world["news"])
    client.force_login(user)
    story = world["culture_story"].get_absolute_url()
    page = client.get(f"/subscribe/all-access/change/?next={story}").content.decode()
    assert "Charged today: <strong>$6.00</strong>" in page
    assert "The switch happens now" in page
    assert _opens(user, "culture") is False
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/subscribe/all-access/change/", {"next": story})
    assert done["Location"] == story
    assert done.cookies["masthead_welcome"].value == "plan-changed"
    live = Subscription.objects.live().filter(user=user)
    assert [(item.pk, item.plan.slug) for item in live] == [(held.pk, "all-access")]
    # The period is the one already paid for; only the price changed.
    assert live.get().current_period_end == held.current_period_end
    assert _opens(user, "culture") is True
    subjects = sorted(mail.subject for mail in mailoutbox)
    assert any("plan is now All Access" in subject for subject in subjects)
    receipt = next(mail for mail in mailoutbox if "receipt" in mail.subject.lower())
    assert "Amount: $6.00" in receipt.body
    assert "Plan: All Access" in receipt.body


def test_a_downgrade_waits_for_the_end_of_the_period(
    client, world, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    user = reader()
    held = _held(user, world["all_access"])
    end = held.current_period_end
    client.force_login(user)
    page = client.get("/subscribe/news/change/").content.decode()
    assert "The switch happens at the end of this period" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/subscribe/news/change/")
    assert done["Location"] == "/accounts/"
    held.refresh_from_db()
    assert (held.plan.slug, held.pending_plan.slug, held.pending_plan_from) == (
        "all-access",
        "news",
        end,
    )
    # All Access until the period ends, News from then on, with no job having run.
    assert _opens(user, "culture") is True
    assert _opens(user, "culture", end + dt.timedelta(seconds=1)) is False
    assert _opens(user, "news", end + dt.timedelta(seconds=1)) is True
    assert entitlements_for(user, end + DAY).ad_free is False
    account = client.get("/accounts/").content.decode()
    assert "Changes to News on " in account
    assert "Keep my current plan" in account
    [mail] = mailoutbox
    assert "changes to News on" in mail.subject
    assert "Nothing is charged today." in mail.body


def test_the_pending_plan_becomes_the_plan_after_the_end_without_a_new_trial(client, world) -> None:
    user = reader()
    held = _held(user, world["all_access"])
    end = held.current_period_end
    subscriptions.change_plan(held, world["news"], timezone.now())
    with time_machine.travel(end + DAY, tick=False):
        client.force_login(user)
        account = client.get("/accounts/").content.decode()
    held.refresh_from_db()
    # News has a 7-day trial, but a plan change never starts one.
    assert (held.plan.slug, held.pending_plan, held.status) == ("news", None, "active")
    assert held.current_period_start == end
    assert "<strong>News</strong> · Active" in account


def test_keeping_the_plan_calls_the_change_off(client, world) -> None:
    user = reader()
    held = _held(user, world["all_access"])
    subscriptions.change_plan(held, world["news"], timezone.now())
    client.force_login(user)
    client.post(f"/billing/subscriptions/{held.pk}/keep-plan/")
    held.refresh_from_db()
    assert held.pending_plan is None
    assert _opens(user, "culture", held.current_period_end + DAY) is True


def test_upgrading_during_a_trial_ends_it_and_charges_the_full_price(
    world, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    user = reader()
    now = timezone.now()
    held = _held(user, world["news"], start_ago=2, left=5, status="trialing", trial_ends_at=now)
    change = subscriptions.quote_change(held, world["all_access"], now)
    assert (change.ends_trial, change.amount_minor, change.new_period) == (True, 1500, True)
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.change_plan(held, world["all_access"], now)
    held.refresh_from_db()
    assert (held.status, held.plan.slug) == ("active", "all-access")
    assert held.current_period_end == now + dt.timedelta(days=30)
    assert any("Amount: $15.00" in mail.body for mail in mailoutbox)


def test_a_longer_interval_applies_now_crediting_the_unused_days(world) -> None:
    user = reader()
    yearly = plan(
        "all-access-yearly", name="All Access, yearly", price_minor=15000, interval="year"
    )
    now = timezone.now()
    held = _held(user, world["all_access"], start_ago=15, left=15)
    change = subscriptions.quote_change(held, yearly, now)
    # $150.00 for a new year, less half of the $15.00 month: $142.50.
    assert (change.is_now, change.new_period, change.amount_minor) == (True, True, 14250)
    back = subscriptions.quote_change(
        _held(reader(), yearly, start_ago=100, left=265), world["all_access"], now
    )
    assert (back.is_now, back.amount_minor) == (False, 0)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"cancel_at_period_end": True}, "Resume it first"),
        ({"status": "past_due", "grace_ends_at": None}, "has already ended"),
    ],
)
def test_it_refuses_changes_that_cannot_be_made(client, world, fields, words) -> None:
    user = reader()
    if fields.get("status") == "past_due":
        fields["grace_ends_at"] = timezone.now() + DAY
        words = "Update your card"
    _held(user, world["news"], **fields)
    client.force_login(user)
    response = client.post("/subscribe/all-access/change/", follow=True)
    assert words in response.content.decode()
    assert Subscription.objects.get(user=user).plan.slug == "news"


def test_a_subscriber_choosing_another_plan_is_sent_to_the_change_not_a_checkout(
    client, world, provider
) -> None:
    user = reader()
    _held(user, world["news"])
    client.force_login(user)
    response = client.post("/subscribe/all-access/", {"next": "/"})
    assert response["Location"] == "/subscribe/all-access/change/?next=%2F"
    assert provider.calls == []


def test_a_second_checkout_finished_in_another_tab_is_refused(client, world) -> None:
    user = reader()
    client.force_login(user)
    first = client.post("/subscribe/all-access/", {"next": "/"})["Location"]
    second = client.post("/subscribe/news/", {"next": "/"})["Location"]
    client.post(first)
    refused = client.post(second, follow=True)
    assert "You already have a subscription" in refused.content.decode()
    assert [item.plan.slug for item in Subscription.objects.live().filter(user=user)] == [
        "all-access"
    ]


def test_hand_grants_add_to_the_plan(world) -> None:
    user = reader()
    _held(user, world["news"])
    grant = AccessGrant.objects.create(user=user, note="Comp: culture desk", ad_free=False)
    grant.sections.set([world["culture_story"].section])
    assert _opens(user, "news") and _opens(user, "culture")
    # A plan change leaves the grant alone: it still adds what it opens.
    subscriptions.change_plan(
        Subscription.objects.get(user=user), world["all_access"], timezone.now()
    )
    assert AccessGrant.objects.active(timezone.now()).filter(user=user).count() == 1


class TestTrials:
    def test_one_trial_per_account(self, client, world) -> None:
        user = reader()
        earlier = _held(user, world["news"], status="canceled", trial_ends_at=timezone.now())
        assert earlier.trial_ends_at is not None
        client.force_login(user)
        page = client.get("/subscribe/news/").content.decode()
        assert "You have had a free trial before" in page
        checkout = client.post("/subscribe/news/", {"next": "/"})["Location"]
        assert "days free" not in client.get(checkout).content.decode()
        client.post(checkout)
        fresh = Subscription.objects.live().get(user=user)
        assert (fresh.status, fresh.trial_ends_at) == ("active", None)

    def test_one_trial_per_payment_customer(self, world) -> None:
        first, second = reader(), reader()
        subscription(
            first,
            status="canceled",
            provider_customer_id="cus_shared",
            trial_ends_at=timezone.now(),
        )
        assert subscriptions.trial_allowed(second) is True
        assert subscriptions.trial_allowed(second, "cus_shared") is False

    def test_a_first_subscription_gets_the_trial(self, client, world, provider) -> None:
        user = reader()
        client.force_login(user)
        client.post("/subscribe/news/", {"next": "/"})
        assert provider.calls[0][1].trial_days == 7


def test_a_test_subscription_that_ran_out_leaves_room_for_a_new_one(client, world) -> None:
    user = reader()
    now = timezone.now()
    old = _held(user, world["news"], start_ago=40, left=-10, cancel_at_period_end=True)
    client.force_login(user)
    checkout = client.post("/subscribe/all-access/", {"next": "/"})["Location"]
    client.post(checkout)
    old.refresh_from_db()
    assert (old.status, old.ended_at) == ("canceled", old.current_period_end)
    assert [item.plan.slug for item in Subscription.objects.live().filter(user=user)] == [
        "all-access"
    ]
    assert old.current_period_end is not None and old.current_period_end < now


def test_a_test_subscription_renews_when_next_looked_at(world) -> None:
    user = reader()
    held = _held(user, world["news"], start_ago=65, left=-35)
    subscriptions.settle(held, timezone.now())
    held.refresh_from_db()
    assert held.current_period_end is not None and held.current_period_start is not None
    assert held.current_period_start <= timezone.now() < held.current_period_end
    assert held.current_period_end - held.current_period_start == dt.timedelta(days=30)
