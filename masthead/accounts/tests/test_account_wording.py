"""/accounts/ in the reader's words: trials, plans ending, who sees a gift allowance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from masthead.billing.models import Subscription
from masthead.billing.tests.factories import plan, reader, subscription
from masthead.gifts import links
from masthead.newsroom.tests.factories import article, publication

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 8, 20, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(db: None):
    publication(time_zone="America/New_York")
    with time_machine.travel(NOW, tick=False):
        yield


def _page(client, user) -> str:
    client.force_login(user)
    return str(client.get("/accounts/").content.decode())


def test_it_says_when_a_trial_ends_and_what_follows(client) -> None:
    user = reader()
    news = plan("news", name="News", price_minor=600, trial_days=7)
    subscription(
        user, Subscription.Status.TRIALING, plan=news, current_period_end=NOW + dt.timedelta(days=7)
    )
    page = _page(client, user)
    assert "<strong>News</strong> · Trial until Aug. 27, 2026, then $6.00/month" in page
    assert "Renews on" not in page


def test_it_says_ends_on_for_a_plan_canceled_at_period_end(client) -> None:
    user = reader()
    subscription(user, cancel_at_period_end=True, current_period_end=NOW + dt.timedelta(days=40))
    page = _page(client, user)
    assert "<strong>All Access</strong> · Ends on Sept. 29, 2026" in page
    assert "· Active" not in page
    assert "Resume my subscription" in page
    assert "Cancel at the end of this period" not in page


def test_it_dates_days_in_the_publications_zone(client) -> None:
    user = reader()
    # 02:00 UTC on Sept. 1 is still Aug. 31 in New York.
    subscription(user, current_period_end=dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC))
    assert "Renews on Aug. 31, 2026 at $15.00/month." in _page(client, user)


def test_it_shows_no_gift_allowance_to_readers_without_a_subscription(client) -> None:
    page = _page(client, reader())
    assert "gift links left" not in page
    assert "Subscribers can gift articles" in page


def test_it_keeps_an_ended_subscribers_links_but_not_the_allowance(client) -> None:
    user = reader()
    held = subscription(user)
    links.give(user, article("gifted"), NOW)
    held.status = Subscription.Status.CANCELED
    held.save()
    page = _page(client, user)
    assert "gift links left" not in page
    assert "<strong>All Access</strong> · Ended" in page
    assert "Sent</th>" in page and "Aug. 20, 2026" in page
    assert "Works until Sept. 3, 2026" in page


def test_it_shows_the_allowance_to_subscribers(client) -> None:
    user = reader()
    subscription(user)
    page = _page(client, user)
    assert "10 of 10 gift links left this month." in page
