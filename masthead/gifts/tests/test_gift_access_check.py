"""Through the access check: a gift opens its article in full, uncounted; bad gifts open nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from masthead.gifts import links
from masthead.gifts.models import GiftLink
from masthead.newsroom.tests.factories import article, section

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
GATED = "GATEDWORD6"


def check(client: Client, article_id: int, gift: str | None = None) -> Any:
    response = client.post(
        "/api/access/",
        data=json.dumps({"article": article_id, "gift": gift}),
        content_type="application/json",
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 200
    return response.json()


def _gift(subscriber, item) -> str:
    return links.give(subscriber, item, timezone.now()).token


def test_it_opens_a_subscriber_article_in_full_for_anyone(subscriber, story) -> None:
    answer = check(Client(), story.pk, _gift(subscriber, story))
    assert (answer["granted"], answer["reason"]) == (True, "gift")
    assert GATED in answer["html"]


def test_it_leaves_the_readers_meter_untouched(subscriber) -> None:
    metered = [
        article(f"metered-{n}", section=section("news"), access_level="metered") for n in range(3)
    ]
    token = _gift(subscriber, metered[0])
    reader = Client()
    assert check(reader, metered[1].pk)["meter"]["used"] == 1
    answer = check(reader, metered[0].pk, token)
    assert (answer["granted"], answer["reason"]) == (True, "gift")
    assert check(reader, metered[2].pk)["meter"]["used"] == 2


@pytest.mark.parametrize("kind", ["expired", "revoked", "other_article", "forged"])
def test_it_opens_nothing_with_a_bad_gift(subscriber, story, other_story, kind, settings) -> None:
    token = _gift(subscriber, other_story if kind == "other_article" else story)
    if kind == "expired":
        GiftLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    if kind == "revoked":
        GiftLink.objects.update(revoked_at=timezone.now())
    if kind == "forged":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    answer = check(Client(), story.pk, token)
    assert answer["granted"] is False
    assert answer["reason"] == "gift_invalid"
    assert "expired, was revoked" in answer["offer"]["html"]
    assert answer["html"] is None
    assert GATED not in json.dumps(answer)


def test_it_keeps_a_gift_open_after_the_sender_lapses_but_shuts_the_sender(
    subscriber, story
) -> None:
    # A gift outlives its sender's subscription: it was given while the sender was entitled.
    token = _gift(subscriber, story)
    subscriber.subscriptions.update(status="expired")
    assert check(Client(), story.pk, token)["granted"] is True
    lapsed = Client()
    lapsed.force_login(subscriber)
    answer = check(lapsed, story.pk)
    assert answer["granted"] is False
    assert GATED not in json.dumps(answer)
