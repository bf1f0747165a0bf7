"""verify_gift opens one article until expiry or revocation, and never raises."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from masthead.access import GiftGrant
from masthead.analytics.models import Event
from masthead.gifts import links
from masthead.gifts.models import GiftLink
from masthead.gifts.tokens import make_token, verify_gift

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def gift(subscriber, story, settings):
    settings.GIFTS_TTL_DAYS = 14
    return links.give(subscriber, story, NOW)


def test_it_opens_the_gifted_article_and_counts_the_opening(gift, story) -> None:
    assert verify_gift(gift.token, story.pk, NOW) == GiftGrant(article_id=story.pk)
    verify_gift(gift.token, story.pk, NOW + SECOND)
    assert GiftLink.objects.get().opens == 2
    assert Event.objects.filter(kind="gift_opened", article_id=story.pk).count() == 2


def test_it_expires_exactly_at_the_end_of_its_life(gift, story) -> None:
    end = NOW + dt.timedelta(days=14)
    assert verify_gift(gift.token, story.pk, end - SECOND) is not None
    assert verify_gift(gift.token, story.pk, end) is None
    assert verify_gift(gift.token, story.pk, end + SECOND) is None


def test_it_stops_opening_once_revoked(gift, story, subscriber) -> None:
    assert links.revoke(subscriber, gift.link.pk, NOW) is True
    assert verify_gift(gift.token, story.pk, NOW + SECOND) is None
    assert GiftLink.objects.get().opens == 0


def test_it_opens_no_other_article(gift, other_story) -> None:
    assert verify_gift(gift.token, other_story.pk, NOW) is None


@pytest.mark.parametrize(
    "token",
    ["", "forged", "a" * 5000, "x:y:z", None, 12, ["list"], {"g": 1}],
)
def test_it_answers_none_for_garbage_without_raising(gift, story, token) -> None:
    assert verify_gift(token, story.pk, NOW) is None


def test_it_refuses_a_token_signed_with_another_key(gift, story) -> None:
    forged = signing.dumps({"g": gift.link.pk, "a": story.pk}, key="not-our-key", salt="gifts.link")
    assert verify_gift(forged, story.pk, NOW) is None


def test_it_refuses_a_genuine_signature_over_another_gift_id(gift, story) -> None:
    # Signed by the site but never issued: the stored hash does not match.
    other = GiftLink(pk=gift.link.pk, article_id=story.pk, created_at=NOW - SECOND)
    assert verify_gift(make_token(other), story.pk, NOW) is None


def test_it_stores_only_a_hash_of_the_token(gift) -> None:
    stored = GiftLink.objects.get()
    assert gift.token not in str(stored.token_hash)
    assert len(stored.token_hash or "") == 64


def test_it_honours_secret_key_fallbacks(gift, story, settings) -> None:
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-after-rotation-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert verify_gift(gift.token, story.pk, NOW) is not None
    # Re-gifting after the rotation still hands out the very same link.
    assert links.give(gift.link.sender, story, NOW + SECOND).token == gift.token


def test_it_answers_none_when_the_database_fails(gift, story, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr("masthead.gifts.tokens.find_open_gift", broken)
    assert verify_gift(gift.token, story.pk, NOW) is None
