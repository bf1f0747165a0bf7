"""A replayed event is processed once; events arriving out of order cannot roll state back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from masthead.billing.models import Subscription, WebhookEvent

from .factories import NOW, plan, reader, subscription
from .stripe_events import deliver, event, invoice, subscription_object

pytestmark = pytest.mark.django_db
PERIOD_END = NOW + dt.timedelta(days=30)
MINUTE = dt.timedelta(minutes=1)


def test_it_processes_a_replayed_event_once(
    client, webhook_secret, django_capture_on_commit_callbacks
) -> None:
    subscription(reader(), provider_subscription_id="sub_1")
    body = event("invoice.paid", invoice("sub_1", paid_at=NOW), NOW)
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, body)
        second = deliver(client, body)
    assert (first.json()["outcome"], second.json()["outcome"]) == ("processed", "duplicate")
    assert second.status_code == 200
    assert len(mail.outbox) == 1
    stored = WebhookEvent.objects.get()
    assert stored.deliveries == 2


def _snapshot(buyer, **fields):
    return subscription_object("sub_1", user_id=buyer.pk, period_end=PERIOD_END, **fields)


def test_it_ignores_an_older_update_arriving_after_a_newer_one(client, webhook_secret) -> None:
    plan()
    buyer = reader()
    newer = event(
        "customer.subscription.updated", _snapshot(buyer, cancel_at_period_end=True), NOW + MINUTE
    )
    older = event("customer.subscription.updated", _snapshot(buyer), NOW)
    deliver(client, newer)
    assert deliver(client, older).json()["outcome"] == "processed"
    assert Subscription.objects.get().cancel_at_period_end is True


def test_it_keeps_a_deletion_when_the_creation_arrives_last(client, webhook_secret) -> None:
    plan()
    buyer = reader()
    deliver(
        client,
        event("customer.subscription.deleted", _snapshot(buyer, status="canceled"), NOW + MINUTE),
    )
    deliver(client, event("customer.subscription.updated", _snapshot(buyer), NOW + MINUTE / 2))
    deliver(
        client, event("customer.subscription.created", _snapshot(buyer, status="incomplete"), NOW)
    )
    stored = Subscription.objects.get()
    assert stored.status == "canceled"
    assert stored.is_entitling(NOW + 2 * MINUTE) is False


def test_it_prefers_the_further_state_within_one_second(client, webhook_secret) -> None:
    plan()
    buyer = reader()
    # Stripe often stamps created (incomplete) and updated (active) with the same second.
    deliver(client, event("customer.subscription.updated", _snapshot(buyer), NOW))
    deliver(
        client, event("customer.subscription.created", _snapshot(buyer, status="incomplete"), NOW)
    )
    assert Subscription.objects.get().status == "active"


def test_it_applies_the_checkout_before_the_subscription_events(
    client, webhook_secret, provider
) -> None:
    from .stripe_events import checkout_session

    plan()
    buyer = reader()
    provider.subscriptions["sub_1"] = _snapshot(buyer)
    deliver(
        client,
        event(
            "checkout.session.completed", checkout_session("sub_1", user_id=buyer.pk), NOW + MINUTE
        ),
    )
    deliver(
        client, event("customer.subscription.created", _snapshot(buyer, status="incomplete"), NOW)
    )
    assert Subscription.objects.get().status == "active"
