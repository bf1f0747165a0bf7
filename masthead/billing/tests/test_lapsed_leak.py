"""Lapsed subscribers get the preview and the wall: no gated text through the check or the page."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masthead.billing.models import Subscription
from masthead.newsroom.tests.factories import article, section

from .factories import reader, subscription

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
SECOND = dt.timedelta(seconds=1)


def _lapsed(state: str) -> dict[str, Any]:
    now = timezone.now()
    states: dict[str, dict[str, Any]] = {
        "canceled": {"status": Subscription.Status.CANCELED},
        "expired": {"status": Subscription.Status.EXPIRED},
        "grace_over": {"status": Subscription.Status.PAST_DUE, "grace_ends_at": now - SECOND},
        "period_over": {"cancel_at_period_end": True, "current_period_end": now - SECOND},
    }
    return states[state]


@pytest.mark.parametrize("state", ["canceled", "expired", "grace_over", "period_over"])
def test_it_shows_a_lapsed_subscriber_no_gated_text(state) -> None:
    story = article("walled", section=section("news"), access_level="subscriber", marker="LAPSED")
    user = reader()
    subscription(user, **_lapsed(state))
    client = Client()
    client.force_login(user)
    response = client.post(
        "/api/access/",
        data=json.dumps({"article": story.pk, "gift": None}),
        content_type="application/json",
        headers=SAME_ORIGIN,
    )
    answer = response.json()
    assert (answer["granted"], answer["reason"]) == (False, "subscription_required")
    page = client.get(story.get_absolute_url())
    for body in (response.content, page.content):
        assert b"LAPSED4" not in body
        assert b"LAPSED6" not in body


def test_it_opens_the_article_while_the_subscription_lasts() -> None:
    story = article("walled", section=section("news"), access_level="subscriber", marker="LAPSED")
    user = reader()
    subscription(user, cancel_at_period_end=True, current_period_end=timezone.now() + SECOND * 60)
    client = Client()
    client.force_login(user)
    answer = client.post(
        "/api/access/",
        data=json.dumps({"article": story.pk, "gift": None}),
        content_type="application/json",
        headers=SAME_ORIGIN,
    ).json()
    assert answer["granted"] is True
    assert "LAPSED6" in answer["html"]
