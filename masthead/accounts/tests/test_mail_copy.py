"""Reader mails read as sentences whatever the publication is called, and come from it."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage

import pytest

from masthead.accounts import emails
from masthead.billing import emails as billing_emails
from masthead.billing.emails import Receipt
from masthead.billing.tests.factories import reader
from masthead.gifts import emails as gift_emails
from masthead.newsroom.tests.factories import publication

pytestmark = pytest.mark.django_db

NAME = "The Alder Falls Courier"
# "your The …", "the The …": a name starting with "The" pasted after an article.
DOUBLED_ARTICLE = re.compile(r"\b(?:the|your|a|an) The\b", re.IGNORECASE)


@pytest.fixture
def courier(settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Masthead <news@alderfalls.example>"
    publication(name=NAME)


def _every_reader_mail(client, smtp) -> list[EmailMessage]:
    user = reader("ada@example.com")
    user.display_name = "Ada"
    user.save()
    receipt = Receipt(number="MAST-1", amount_minor=1500, currency="USD", plan_name="News")
    emails.send_welcome(user)
    billing_emails.send_receipt(user, receipt)
    billing_emails.send_payment_failed(user, dt.datetime(2026, 3, 12, tzinfo=dt.UTC))
    gift_emails.send_gift_received("ada@example.com", user, "A story", "http://testserver/s/?gift=x")
    emails.send_email_change(user, "new@example.com", "http://testserver/accounts/email/x/")
    emails.send_email_changed_notice("ada@example.com", "new@example.com")
    client.post("/accounts/reset/", {"email": "ada@example.com"})
    sent: list[EmailMessage] = smtp.messages
    return sent


def test_it_never_writes_your_the_publication(client, smtp, courier) -> None:
    sent = _every_reader_mail(client, smtp)
    assert len(sent) == 7
    for message in sent:
        text = f"{message['Subject']}\n{smtp.body(message)}"
        assert DOUBLED_ARTICLE.search(text) is None, text
    subjects = {str(message["Subject"]) for message in sent}
    assert f"Reset your password for {NAME}" in subjects
    assert f"Your receipt from {NAME}: MAST-1" in subjects


def test_it_sends_from_the_publications_name(client, smtp, courier) -> None:
    for message in _every_reader_mail(client, smtp):
        assert message["From"].addresses[0].display_name == NAME
        assert message["From"].addresses[0].addr_spec == "news@alderfalls.example"


def test_it_quotes_and_encodes_a_name_with_commas_and_accents(settings, smtp) -> None:
    settings.DEFAULT_FROM_EMAIL = "news@example.com"
    publication(name="Crónica, Norte & Sur")
    emails.send_welcome(reader("ada@example.com"))
    [message] = smtp.messages
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Crónica, Norte & Sur", "news@example.com")
    # Plain-text mail: the ampersand stays an ampersand in the subject too.
    assert message["Subject"] == "Welcome to Crónica, Norte & Sur"
