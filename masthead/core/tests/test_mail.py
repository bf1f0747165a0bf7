"""Generic mail sending: subject from the first line, from the publication, never raising."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core import mail as django_mail
from django.test import override_settings

from masthead.core import mail

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"notes/email/hello.txt": "Hello from {{ publication }}\n\nDear {{ name }},"},
                )
            ]
        },
    }
]


@override_settings(
    TEMPLATES=TEMPLATES,
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    DEFAULT_FROM_EMAIL="Masthead <news@example.com>",
)
def test_it_sends_the_rendered_template_from_the_publication() -> None:
    sent = mail.send_templated(
        "notes/email/hello.txt", "ada@example.com", {"name": "Ada"}, publication="The Courier"
    )
    assert sent is True
    [message] = django_mail.outbox
    assert message.subject == "Hello from The Courier"
    assert message.body == "Dear Ada,"
    assert message.from_email == "The Courier <news@example.com>"
    assert message.to == ["ada@example.com"]


@override_settings(DEFAULT_FROM_EMAIL="news@example.com")
def test_the_sender_keeps_the_address_and_quotes_the_name() -> None:
    assert mail.sender_address("Norte, Sur") == '"Norte, Sur" <news@example.com>'


@override_settings(TEMPLATES=TEMPLATES)
def test_a_failure_returns_false_and_logs_no_address(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    with mock.patch.object(mail, "send_mail", side_effect=OSError("refused")):
        sent = mail.send_templated("notes/email/hello.txt", "ada@example.com", {}, publication="X")
    assert sent is False
    assert "mail hello could not be sent" in caplog.text
    assert "ada@example.com" not in caplog.text
    assert mail.send_templated("notes/email/missing.txt", "a@b.c", {}, publication="X") is False
