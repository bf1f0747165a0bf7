"""Changing the e-mail address: confirmed from the new address, by POST, once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from masthead.accounts.models import User
from masthead.billing.tests.factories import PASSWORD, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(client):
    user = reader("ada@example.com")
    client.force_login(user)
    return user


def test_it_changes_the_address_after_confirmation_from_the_new_one(client, ada, smtp) -> None:
    response = client.post(
        "/accounts/email/", {"new_email": "Ada@New.example", "password": PASSWORD}
    )
    assert b"We sent a confirmation link" in response.content
    [message] = smtp.to("ada@new.example")
    link = smtp.link_in(message)
    # Opening the link (as a mail scanner would) changes nothing.
    assert b"Confirm" in client.get(link).content
    assert User.objects.get(pk=ada.pk).email == "ada@example.com"
    assert client.post(link)["Location"] == "/accounts/"
    assert User.objects.get(pk=ada.pk).email == "ada@new.example"
    [notice] = smtp.to("ada@example.com")
    assert "ada@new.example" in smtp.body(notice)
    # The link is spent: the address it was made for is no longer the account's.
    assert client.post(link).status_code == 404
    client.logout()
    login = client.post("/accounts/login/", {"username": "ada@new.example", "password": PASSWORD})
    assert login.status_code == 302


def test_it_wants_the_current_password(client, ada, smtp) -> None:
    response = client.post("/accounts/email/", {"new_email": "ada@new.example", "password": "nope"})
    assert b"not your current password" in response.content
    assert smtp.messages == []


def test_it_does_not_tell_whether_an_address_is_taken(client, ada, smtp) -> None:
    reader("taken@example.com")
    response = client.post(
        "/accounts/email/", {"new_email": "taken@example.com", "password": PASSWORD}
    )
    assert b"We sent a confirmation link" in response.content
    assert smtp.to("taken@example.com") == []


def test_it_refuses_a_forged_link(client, ada) -> None:
    assert client.get("/accounts/email/confirm/forged/").status_code == 404


def test_it_refuses_a_link_older_than_a_day(client, ada, smtp) -> None:
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.post("/accounts/email/", {"new_email": "ada@new.example", "password": PASSWORD})
    link = smtp.link_in(smtp.to("ada@new.example")[0])
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=1, seconds=1), tick=False):
        assert client.get(link).status_code == 404


def test_it_requires_logging_in(client) -> None:
    assert client.get("/accounts/email/")["Location"].startswith("/accounts/login/")
