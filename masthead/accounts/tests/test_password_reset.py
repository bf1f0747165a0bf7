"""Forgotten password: a mail with a one-time link, a new password, logged in with it."""

from __future__ import annotations

import pytest

from masthead.billing.tests.factories import PASSWORD, reader

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a fresh and long passphrase"


def _log_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_it_resets_a_password_by_following_the_mailed_link(client, smtp) -> None:
    user = reader("ada@example.com")
    response = client.post("/accounts/reset/", {"email": "ADA@example.com"})
    assert response["Location"] == "/accounts/reset/sent/"
    [message] = smtp.to("ada@example.com")
    assert "Reset your" in message["Subject"]
    link = smtp.link_in(message)
    form = client.get(link, follow=True)
    assert b"Choose a new password" in form.content
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/reset/done/"
    assert _log_in(client, user.email, PASSWORD).status_code == 200  # the old one no longer works
    assert _log_in(client, user.email, NEW_PASSWORD).status_code == 302
    # The link worked once: a second visit is refused.
    client.logout()
    again = client.get(link, follow=True)
    assert b"expired or was already used" in again.content


def test_it_answers_alike_for_an_address_without_an_account(client, smtp) -> None:
    reader("ada@example.com")
    known = client.post("/accounts/reset/", {"email": "ada@example.com"})
    unknown = client.post("/accounts/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert smtp.to("nobody@example.com") == []


def test_it_refuses_a_forged_link(client) -> None:
    user = reader()
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = client.get(f"/accounts/reset/{uid}/abc-123/", follow=True)
    assert b"expired or was already used" in page.content
