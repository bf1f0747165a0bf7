"""Ten gifts per calendar month in the publication's zone; re-gifting is free."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.analytics.models import Event
from masthead.gifts import links
from masthead.gifts.models import GiftLink
from masthead.newsroom.tests.factories import article, section

# 15:00 UTC on March 10 is 11:00 in New York.
NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(story):
    return [story] + [
        article(f"story-{n}", section=section("news"), access_level="subscriber") for n in range(11)
    ]


def test_it_allows_ten_articles_and_refuses_the_eleventh(subscriber, stories, settings) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 10
    for number, item in enumerate(stories[:10], start=1):
        links.give(subscriber, item, NOW)
        assert links.remaining(subscriber, NOW) == 10 - number
    with pytest.raises(links.GiftLimitReached):
        links.give(subscriber, stories[10], NOW)
    assert GiftLink.objects.count() == 10
    assert Event.objects.filter(kind="gift_created").count() == 10


def test_it_regifts_an_article_for_free_with_the_same_link(subscriber, stories, settings) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 1
    first = links.give(subscriber, stories[0], NOW)
    again = links.give(subscriber, stories[0], NOW + dt.timedelta(days=1))
    assert (again.token, again.is_new) == (first.token, False)
    assert links.remaining(subscriber, NOW) == 0
    assert GiftLink.objects.count() == 1


def test_it_gives_a_fresh_free_link_when_this_months_was_revoked(
    subscriber, stories, settings
) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 1
    first = links.give(subscriber, stories[0], NOW)
    links.revoke(subscriber, first.link.pk, NOW)
    again = links.give(subscriber, stories[0], NOW)
    assert again.is_new is True
    assert again.token != first.token
    with pytest.raises(links.GiftLimitReached):
        links.give(subscriber, stories[1], NOW)


def test_it_starts_a_new_month_at_local_midnight(subscriber, stories, settings) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 1
    # New York is on EDT (UTC-4): 03:59:59 UTC on April 1 is 23:59:59 on March 31 there.
    march_end = dt.datetime(2026, 4, 1, 3, 59, 59, tzinfo=dt.UTC)
    april = march_end + dt.timedelta(seconds=1)
    links.give(subscriber, stories[0], march_end)
    assert links.remaining(subscriber, march_end) == 0
    assert links.remaining(subscriber, april) == 1


def test_it_counts_each_sender_separately(subscriber, stories, settings) -> None:
    from masthead.billing.tests.factories import reader

    settings.GIFTS_MONTHLY_LIMIT = 1
    links.give(subscriber, stories[0], NOW)
    assert links.remaining(reader(), NOW) == 1
