"""checkout.session.completed ties the paid checkout to the reader's subscription."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.billing.exceptions import ProviderError
from masthead.billing.models import Subscription, WebhookEvent

from .factories import NOW, plan, reader
from .stripe_events import checkout_session, deliver, event, subscription_object

pytestmark = pytest.mark.django_db
PERIOD_END = NOW + dt.timedelta(days=30)


def test_it_fetches_a_subscription_no_event_brought_yet(client, webhook_secret, provider) -> None:
    plan()
    buyer = reader()
    # Stripe's own object has no metadata here: the session's client_reference_id names the reader.
    remote = subscription_object("sub_7", user_id=None, period_end=PERIOD_END)
    provider.subscriptions["sub_7"] = remote
    response = deliver(
        client,
        event("checkout.session.completed", checkout_session("sub_7", user_id=buyer.pk), NOW),
    )
    assert response.status_code == 200
    assert provider.calls == [("fetch_subscription", "sub_7")]
    stored = Subscription.objects.get()
    assert (stored.user, stored.status, stored.provider_subscription_id) == (
        buyer,
        "active",
        "sub_7",
    )


def test_it_does_not_fetch_when_the_subscription_is_known(client, webhook_secret, provider) -> None:
    plan()
    buyer = reader()
    obj = subscription_object("sub_7", user_id=buyer.pk, period_end=PERIOD_END)
    deliver(client, event("customer.subscription.created", obj, NOW))
    deliver(
        client,
        event("checkout.session.completed", checkout_session("sub_7", user_id=buyer.pk), NOW),
    )
    assert provider.calls == []
    assert Subscription.objects.count() == 1


def test_it_answers_503_and_keeps_the_event_unclaimed_when_stripe_is_down(
    client, webhook_secret, provider
) -> None:
    plan()
    buyer = reader()
    provider.fail = ProviderError("Stripe could not be reached")
    body = event("checkout.session.completed", checkout_session("sub_7", user_id=buyer.pk), NOW)
    assert deliver(client, body).status_code == 503
    stored = WebhookEvent.objects.get()
    assert stored.processed_at is None
    assert "Stripe could not be reached" in stored.error
    # Stripe delivers again once it is back: processed this time.
    provider.fail = None
    provider.subscriptions["sub_7"] = subscription_object(
        "sub_7", user_id=buyer.pk, period_end=PERIOD_END
    )
    assert deliver(client, body).json()["outcome"] == "processed"
    assert WebhookEvent.objects.get().deliveries == 2
    assert Subscription.objects.count() == 1


def test_it_records_a_permanent_failure_and_acknowledges(client, webhook_secret, provider) -> None:
    plan()
    buyer = reader()
    body = event("checkout.session.completed", checkout_session("sub_gone", user_id=buyer.pk), NOW)
    response = deliver(client, body)
    assert response.status_code == 200
    assert response.json()["outcome"] == "failed"
    stored = WebhookEvent.objects.get()
    assert stored.is_failed is True
    assert stored.processed_at is not None


def test_it_ignores_one_time_payment_sessions(client, webhook_secret, provider) -> None:
    session = {**checkout_session("", user_id=1), "mode": "payment", "subscription": None}
    assert deliver(client, event("checkout.session.completed", session, NOW)).status_code == 200
    assert provider.calls == []
