"""Plan changes at Stripe: the calls made, the webhooks that follow, each handled once.

An upgrade swaps the price at once (prorated, invoiced now) and is applied here from
Stripe's answer; the ``customer.subscription.updated`` that follows changes nothing more.
A downgrade puts the subscription on a schedule; Stripe's update at the period's end
brings the new plan, and the schedule's release settles it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from masthead.billing import subscriptions
from masthead.billing.exceptions import ProviderError
from masthead.billing.models import Subscription, WebhookEvent
from masthead.newsroom.tests.factories import publication, section

from .factories import plan, reader, subscription
from .stripe_events import deliver, event, subscription_object, unix

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def held(provider, webhook_secret) -> Any:
    publication(time_zone="America/New_York")
    plan("all-access", name="All Access", price_minor=1500)
    news = plan("news", name="News", price_minor=600, sections=[section("news")])
    user = reader()
    end = timezone.now() + 20 * DAY
    stored = subscription(
        user,
        plan=news,
        provider_subscription_id="sub_1",
        provider_customer_id="cus_test_1",
        current_period_start=end - 30 * DAY,
        current_period_end=end,
        provider_state_at=timezone.now() - DAY,
    )
    provider.subscriptions["sub_1"] = subscription_object(
        "sub_1", user_id=user.pk, price_id="price_news", plan_slug="news", period_end=end
    )
    return stored


def _updated(held: Any, price_id: str, at: dt.datetime, event_id: str = "") -> dict[str, Any]:
    obj = subscription_object(
        "sub_1",
        user_id=held.user_id,
        price_id=price_id,
        plan_slug="news",
        period_end=held.current_period_end,
    )
    return event("customer.subscription.updated", obj, at, event_id)


def test_an_upgrade_asks_stripe_and_applies_its_answer(
    client, held, provider, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    provider.preview_amount = 600
    client.force_login(held.user)
    page = client.get("/subscribe/all-access/change/").content.decode()
    assert "Charged today: <strong>$6.00</strong>" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/subscribe/all-access/change/")
    assert ("change_plan_now", ("sub_1", "price_all_access", False)) in provider.calls
    held.refresh_from_db()
    assert held.plan.slug == "all-access"
    assert Subscription.objects.live().filter(user=held.user).count() == 1
    [mail] = mailoutbox
    assert "plan is now All Access" in mail.subject


def test_the_update_webhook_after_an_upgrade_is_handled_once(
    client, held, provider, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.change_plan(held, plan("all-access"), timezone.now())
    assert len(mailoutbox) == 1
    body = _updated(held, "price_all_access", timezone.now() + dt.timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, body)
        again = deliver(client, body)
    assert (first.json()["outcome"], again.json()["outcome"]) == ("processed", "duplicate")
    assert WebhookEvent.objects.get().deliveries == 2
    assert len(mailoutbox) == 1  # the plan had already moved: nothing new to tell
    assert Subscription.objects.get().plan.slug == "all-access"


def test_a_plan_changed_at_stripe_is_mailed_once(
    client, held, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, _updated(held, "price_all_access", at))
        deliver(client, _updated(held, "price_all_access", at))  # the same again
        deliver(client, _updated(held, "price_all_access", at + DAY))  # a later echo
    assert Subscription.objects.get().plan.slug == "all-access"
    assert len(mailoutbox) == 1
    assert "plan is now All Access" in mailoutbox[0].subject


def test_a_declined_upgrade_leaves_the_plan(client, held, provider) -> None:
    provider.decline = True
    with pytest.raises(ProviderError):
        subscriptions.change_plan(held, plan("all-access"), timezone.now())
    held.refresh_from_db()
    assert held.plan.slug == "news"
    client.force_login(held.user)
    page = client.post("/subscribe/all-access/change/", follow=True).content.decode()
    assert "Your card was declined" in page


def test_a_downgrade_uses_a_schedule_and_lands_at_the_period_end(
    client, provider, webhook_secret, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    publication()
    plan("news", name="News", price_minor=600, sections=[section("news")])
    top = plan("all-access", name="All Access", price_minor=1500)
    user = reader()
    end = timezone.now() + 20 * DAY
    held = subscription(user, plan=top, provider_subscription_id="sub_1", current_period_end=end)
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.change_plan(held, plan("news"), timezone.now())
    assert ("schedule_change", ("sub_1", "price_news", "month")) in provider.calls
    held.refresh_from_db()
    assert held.pending_plan is not None
    assert (held.pending_plan.slug, held.pending_schedule_id) == ("news", "sub_sched_1")
    assert len(mailoutbox) == 1
    # The period ends; Stripe moves the subscription to the next phase's price.
    renewed = subscription_object(
        "sub_1",
        user_id=user.pk,
        price_id="price_news",
        plan_slug="all-access",
        period_end=end + 30 * DAY,
    )
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            client, event("customer.subscription.updated", renewed, end + dt.timedelta(seconds=2))
        )
        released = {
            "id": "sub_sched_1",
            "object": "subscription_schedule",
            "status": "released",
            "subscription": None,
            "released_subscription": "sub_1",
            "phases": [
                {"items": [{"price": "price_all_access"}], "start_date": unix(end - 30 * DAY)},
                {"items": [{"price": "price_news"}], "start_date": unix(end)},
            ],
        }
        deliver(
            client, event("subscription_schedule.released", released, end + dt.timedelta(seconds=3))
        )
    held.refresh_from_db()
    assert (held.plan.slug, held.pending_plan_id, held.pending_schedule_id) == ("news", None, "")
    assert len(mailoutbox) == 1  # told when asked; the arrival itself is not news


def test_a_schedule_called_off_at_stripe_drops_the_pending_plan(
    client, provider, webhook_secret
) -> None:
    publication()
    news = plan("news", price_minor=600)
    top = plan("all-access", price_minor=1500)
    end = timezone.now() + 20 * DAY
    held = subscription(
        reader(),
        plan=top,
        provider_subscription_id="sub_1",
        current_period_end=end,
        pending_plan=news,
        pending_plan_from=end,
        pending_schedule_id="sub_sched_1",
    )
    released = {
        "id": "sub_sched_1",
        "object": "subscription_schedule",
        "released_subscription": "sub_1",
        "phases": [
            {"items": [{"price": "price_all_access"}], "start_date": unix(end - 30 * DAY)},
            {"items": [{"price": "price_news"}], "start_date": unix(end)},
        ],
    }
    deliver(client, event("subscription_schedule.released", released, timezone.now()))
    held.refresh_from_db()
    assert (held.plan.slug, held.pending_plan) == ("all-access", None)


def test_canceling_calls_a_scheduled_change_off_first(client, provider) -> None:
    publication()
    news = plan("news", price_minor=600)
    end = timezone.now() + 20 * DAY
    held = subscription(
        reader(),
        provider_subscription_id="sub_1",
        current_period_end=end,
        pending_plan=news,
        pending_plan_from=end,
        pending_schedule_id="sub_sched_1",
    )
    client.force_login(held.user)
    client.post(f"/billing/subscriptions/{held.pk}/cancel/")
    assert provider.calls == [
        ("release_schedule", "sub_sched_1"),
        ("set_cancel_at_period_end", ("sub_1", True)),
    ]
    held.refresh_from_db()
    assert (held.cancel_at_period_end, held.pending_plan) == (True, None)


def test_a_schedule_event_delivered_twice_is_handled_once(client, provider, webhook_secret) -> None:
    publication()
    news = plan("news", price_minor=600)
    end = timezone.now() + 20 * DAY
    subscription(
        reader(),
        plan=plan("all-access", price_minor=1500),
        provider_subscription_id="sub_1",
        current_period_end=end,
        pending_plan=news,
        pending_plan_from=end,
        pending_schedule_id="sub_sched_1",
    )
    body = event(
        "subscription_schedule.canceled",
        {"id": "sub_sched_1", "object": "subscription_schedule", "subscription": "sub_1"},
        timezone.now(),
    )
    outcomes = [deliver(client, body).json()["outcome"] for _ in range(2)]
    assert outcomes == ["processed", "duplicate"]
    assert Subscription.objects.get().pending_plan_id is None


def test_upgrading_a_stripe_trial_ends_it(held, provider) -> None:
    Subscription.objects.filter(pk=held.pk).update(
        status="trialing", trial_ends_at=held.current_period_end
    )
    held.refresh_from_db()
    subscriptions.change_plan(held, plan("all-access"), timezone.now())
    assert ("change_plan_now", ("sub_1", "price_all_access", True)) in provider.calls
    held.refresh_from_db()
    assert (held.plan.slug, held.status) == ("all-access", "active")
