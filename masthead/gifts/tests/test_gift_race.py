"""Two tabs spending the last gift at once: only one link is made (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from masthead.billing.tests.factories import reader, subscription
from masthead.gifts import links
from masthead.gifts.models import GiftLink
from masthead.newsroom.tests.factories import article, section

TABS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_spends_the_last_gift_once(settings) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=$MASTHEAD_TEST_PG_URL)")
    settings.GIFTS_MONTHLY_LIMIT = 1
    sender = reader()
    subscription(sender)
    stories = [article(f"race-{n}", section=section("news")) for n in range(TABS)]
    start = threading.Barrier(TABS)
    outcomes: list[str] = []

    def gift(story: object) -> None:
        try:
            start.wait()
            links.give(sender, story, timezone.now())  # type: ignore[arg-type]
            outcomes.append("made")
        except links.GiftLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=gift, args=(story,)) for story in stories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["made"] + ["refused"] * (TABS - 1)
    assert GiftLink.objects.count() == 1
