"""invoice.paid sends a receipt; invoice.payment_failed starts the grace period and says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from masthead.billing.models import Subscription

from .factories import NOW, plan, reader, subscription
from .stripe_events import deliver, event, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(webhook_secret):
    return subscription(
        reader(), provider_subscription_id="sub_1", provider_customer_id="cus_test_1"
    )


def test_it_mails_a_receipt_when_an_invoice_is_paid(
    client, held, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, event("invoice.paid", invoice("sub_1", paid_at=NOW), NOW))
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == [held.user.email]
    assert "receipt" in message.subject
    assert "Amount: $15.00" in message.body
    assert "All Access" in message.body


def test_it_finds_the_reader_of_an_invoice_before_its_subscription(
    client, webhook_secret, django_capture_on_commit_callbacks
) -> None:
    buyer = reader()
    body = event(
        "invoice.paid", invoice("sub_new", user_id=buyer.pk, customer="cus_new", paid_at=NOW), NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(client, body).status_code == 200
    assert [message.to for message in mail.outbox] == [[buyer.email]]


def test_it_acknowledges_an_invoice_of_nobody_without_mail(client, webhook_secret) -> None:
    body = event("invoice.paid", invoice("sub_x", customer="cus_x", paid_at=NOW), NOW)
    response = deliver(client, body)
    assert response.json()["outcome"] == "failed"
    assert mail.outbox == []


def test_it_starts_grace_and_mails_when_a_payment_fails(
    client, held, settings, django_capture_on_commit_callbacks
) -> None:
    settings.BILLING_GRACE_DAYS = 7
    retry = NOW + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event("invoice.payment_failed", invoice("sub_1", next_attempt=retry), NOW))
    stored = Subscription.objects.get()
    assert stored.status == "past_due"
    assert stored.grace_ends_at == NOW + dt.timedelta(days=7)
    assert stored.is_entitling(NOW + dt.timedelta(days=7, seconds=-1)) is True
    assert stored.is_entitling(NOW + dt.timedelta(days=7)) is False
    [message] = mail.outbox
    assert "could not take" in message.subject
    assert plan().name  # the plan still exists for the account page


def test_it_leaves_an_ended_subscription_ended_when_a_payment_fails(client, held) -> None:
    Subscription.objects.filter(pk=held.pk).update(status="canceled")
    deliver(client, event("invoice.payment_failed", invoice("sub_1"), NOW))
    assert Subscription.objects.get().status == "canceled"
