"""customer.subscription.created/updated/deleted store the subscription the event carries."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.analytics.models import Event
from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import Subscription

from .factories import NOW, plan, reader
from .stripe_events import deliver, event, subscription_object

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)
PERIOD_END = NOW + dt.timedelta(days=30)


@pytest.fixture
def buyer(webhook_secret):
    plan()
    return reader()


def _send(client, kind, buyer, at, **fields):
    obj = subscription_object("sub_1", user_id=buyer.pk, period_end=PERIOD_END, **fields)
    return deliver(client, event(kind, obj, at))


def test_it_creates_the_subscription_from_created(
    client, buyer, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, "customer.subscription.created", buyer, NOW)
    assert response.status_code == 200
    assert response.json()["outcome"] == "processed"
    stored = Subscription.objects.get()
    assert (stored.user, stored.plan.slug, stored.status) == (buyer, "all-access", "active")
    assert stored.current_period_end == PERIOD_END
    assert stored.provider_customer_id == "cus_test_1"
    assert entitlements_for(buyer, NOW).is_empty is False
    assert Event.objects.filter(kind="subscription_started", user_id=buyer.pk).count() == 1


def test_it_finds_the_plan_by_price_before_metadata(client, buyer) -> None:
    plan("news", stripe_price_id="price_news")
    obj = subscription_object(
        "sub_1", user_id=buyer.pk, period_end=PERIOD_END, price_id="price_news", plan_slug="x"
    )
    deliver(client, event("customer.subscription.created", obj, NOW))
    assert Subscription.objects.get().plan.slug == "news"


def test_it_records_cancel_at_period_end_from_updated(
    client, buyer, django_capture_on_commit_callbacks
) -> None:
    _send(client, "customer.subscription.created", buyer, NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "customer.subscription.updated", buyer, NOW + HOUR, cancel_at_period_end=True)
    stored = Subscription.objects.get()
    assert stored.cancel_at_period_end is True
    assert stored.is_entitling(PERIOD_END - dt.timedelta(seconds=1)) is True
    assert stored.is_entitling(PERIOD_END) is False
    assert Event.objects.filter(kind="subscription_canceled").count() == 1


def test_it_starts_grace_when_updated_to_past_due(client, buyer, settings) -> None:
    settings.BILLING_GRACE_DAYS = 3
    _send(client, "customer.subscription.created", buyer, NOW)
    _send(client, "customer.subscription.updated", buyer, NOW + HOUR, status="past_due")
    stored = Subscription.objects.get()
    assert stored.status == "past_due"
    assert stored.grace_ends_at == NOW + HOUR + dt.timedelta(days=3)
    # A second past-due snapshot keeps the grace period it already started.
    _send(client, "customer.subscription.updated", buyer, NOW + 2 * HOUR, status="past_due")
    assert Subscription.objects.get().grace_ends_at == NOW + HOUR + dt.timedelta(days=3)


def test_it_ends_access_on_deleted(client, buyer, django_capture_on_commit_callbacks) -> None:
    _send(client, "customer.subscription.created", buyer, NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, "customer.subscription.deleted", buyer, NOW + HOUR, status="canceled")
    stored = Subscription.objects.get()
    assert stored.status == "canceled"
    assert entitlements_for(buyer, NOW + 2 * HOUR).is_empty is True
    assert Event.objects.filter(kind="subscription_canceled").count() == 1


def test_it_calls_a_deletion_for_non_payment_a_lapse(
    client, buyer, django_capture_on_commit_callbacks
) -> None:
    _send(client, "customer.subscription.created", buyer, NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _send(
            client,
            "customer.subscription.deleted",
            buyer,
            NOW + HOUR,
            status="canceled",
            cancellation_reason="payment_failed",
        )
    assert Subscription.objects.get().status == "expired"
    assert Event.objects.filter(kind="subscription_lapsed").count() == 1


def test_it_acknowledges_a_subscription_it_cannot_attribute(client, webhook_secret) -> None:
    plan()
    obj = subscription_object("sub_9", user_id=None, period_end=PERIOD_END, customer="cus_nobody")
    response = deliver(client, event("customer.subscription.created", obj, NOW))
    assert response.status_code == 200
    assert response.json()["outcome"] == "failed"
    assert Subscription.objects.count() == 0
