"""Download my data: one JSON document of the reader's own records, nobody else's."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from masthead.billing.models import AccessGrant
from masthead.billing.tests.factories import reader, subscription
from masthead.gifts import links
from masthead.newsroom.tests.factories import article

pytestmark = pytest.mark.django_db


def test_it_exports_account_subscriptions_grants_and_gifts(client) -> None:
    user = reader("ada@example.com")
    subscription(user)
    AccessGrant.objects.create(user=user, note="Comp: press")
    gift = links.give(user, article("gifted"), timezone.now())
    stranger = reader("stranger@example.com")
    subscription(stranger)
    client.force_login(user)
    response = client.get("/accounts/data/")
    assert response["Content-Disposition"] == 'attachment; filename="masthead-my-data.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "ada@example.com"
    assert [item["plan"] for item in data["subscriptions"]] == ["All Access"]
    assert [item["note"] for item in data["grants"]] == ["Comp: press"]
    assert data["gift_links"][0]["article"] == "Council votes to repave Elm Street"
    text = response.content.decode()
    assert "stranger@example.com" not in text
    assert gift.token not in text
    assert "password" not in text


def test_it_requires_logging_in(client) -> None:
    assert client.get("/accounts/data/")["Location"].startswith("/accounts/login/")
