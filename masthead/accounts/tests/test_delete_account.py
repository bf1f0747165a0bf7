"""Deleting the account: POST with the password; paid plans end first; the data goes."""

from __future__ import annotations

import pytest

from masthead.accounts.models import User
from masthead.billing.exceptions import ProviderError
from masthead.billing.models import Subscription
from masthead.billing.tests.doubles import RecordingProvider
from masthead.billing.tests.factories import PASSWORD, reader, subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(monkeypatch):
    double = RecordingProvider()
    monkeypatch.setattr("masthead.billing.subscriptions.get_provider", lambda name=None: double)
    return double


@pytest.fixture
def member(client):
    user = reader()
    subscription(user, provider_subscription_id="sub_1")
    client.force_login(user)
    return user


def test_it_deletes_the_account_after_ending_the_subscription(client, member, provider) -> None:
    assert b"Delete my account" in client.get("/accounts/delete/").content
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response["Location"] == "/"
    assert provider.calls == [("cancel_now", "sub_1")]
    assert User.objects.filter(pk=member.pk).exists() is False
    assert Subscription.objects.count() == 0
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")


def test_it_wants_the_password(client, member, provider) -> None:
    response = client.post("/accounts/delete/", {"password": "wrong"})
    assert b"not your current password" in response.content
    assert User.objects.filter(pk=member.pk).exists() is True
    assert provider.calls == []


def test_it_keeps_the_account_when_the_provider_refuses(client, member, provider) -> None:
    provider.fail = ProviderError("down")
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response["Location"] == "/accounts/"
    assert User.objects.filter(pk=member.pk).exists() is True
    assert Subscription.objects.get().status == "active"


def test_it_never_deletes_on_get(client, member, provider) -> None:
    client.get("/accounts/delete/")
    assert User.objects.filter(pk=member.pk).exists() is True
