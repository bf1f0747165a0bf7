"""Older Stripe API shapes (period on the subscription, invoice.subscription) still apply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import OperationalError

from masthead.billing.models import Subscription, WebhookEvent

from .factories import NOW, plan, reader, subscription
from .stripe_events import deliver, event, invoice, subscription_object, unix

pytestmark = pytest.mark.django_db
PERIOD_END = NOW + dt.timedelta(days=30)


def test_it_reads_the_period_from_the_subscription_in_older_versions(
    client, webhook_secret
) -> None:
    plan()
    buyer = reader()
    obj = subscription_object("sub_1", user_id=buyer.pk, period_end=NOW)
    obj["current_period_end"] = unix(PERIOD_END)
    for item in obj["items"]["data"]:
        del item["current_period_end"]
    deliver(client, event("customer.subscription.created", obj, NOW))
    assert Subscription.objects.get().current_period_end == PERIOD_END


def test_it_finds_the_subscription_of_an_older_invoice(
    client, webhook_secret, django_capture_on_commit_callbacks
) -> None:
    held = subscription(reader(), provider_subscription_id="sub_1")
    obj = invoice("sub_other", paid_at=NOW)
    del obj["parent"]
    obj["subscription"] = "sub_1"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event("invoice.paid", obj, NOW))
    assert [message.to for message in mail.outbox] == [[held.user.email]]


def test_it_answers_503_when_the_database_fails(client, webhook_secret, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("masthead.billing.providers.stripe.webhooks.store", broken)
    body = event("customer.created", {"id": "cus_1", "object": "customer"}, NOW)
    response = deliver(client, body)
    assert response.status_code == 503
    assert response.json() == {"error": "Temporarily unable to process the event."}
    assert WebhookEvent.objects.count() == 0
