"""Mails go through the configured backend; a mail server that is down never breaks a flow."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.accounts import emails
from masthead.billing import emails as billing_emails
from masthead.billing.emails import Receipt
from masthead.billing.tests.factories import reader
from masthead.gifts import emails as gift_emails

from .conftest import free_port

pytestmark = pytest.mark.django_db


def test_it_sends_the_welcome_mail_over_smtp(smtp) -> None:
    user = reader("ada@example.com")
    assert emails.send_welcome(user) is True
    [message] = smtp.to("ada@example.com")
    assert message["Subject"].startswith("Welcome to")
    assert "ada@example.com" in smtp.body(message)


def test_it_sends_receipts_and_payment_failures(smtp) -> None:
    user = reader("ada@example.com")
    receipt = Receipt(number="MAST-1", amount_minor=1999, currency="EUR", plan_name="News")
    assert billing_emails.send_receipt(user, receipt) is True
    assert billing_emails.send_payment_failed(user, dt.datetime(2026, 3, 12, tzinfo=dt.UTC)) is True
    receipt_mail, failure_mail = smtp.to("ada@example.com")
    assert "Amount: €19.99" in smtp.body(receipt_mail)
    assert "March 12, 2026" in smtp.body(failure_mail)  # AP style keeps March whole


def test_it_sends_a_gift_on_a_subscribers_behalf(smtp) -> None:
    sender = reader("ada@example.com")
    sender.display_name = "Ada"
    url = "http://testserver/2026/03/10/story/?gift=abc"
    assert gift_emails.send_gift_received("friend@example.com", sender, "A story", url) is True
    [message] = smtp.to("friend@example.com")
    assert message["Subject"].startswith("Ada sent you an article")


def test_it_returns_false_when_the_mail_server_is_down(settings, caplog) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    user = reader("ada@example.com")
    assert emails.send_welcome(user) is False
    assert "mail welcome could not be sent" in caplog.text
    assert "ada@example.com" not in caplog.text
