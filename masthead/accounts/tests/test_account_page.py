"""/accounts/: plan, renewal or end, gift links left and sent, with their openings."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from masthead.billing.models import AccessGrant, Subscription
from masthead.billing.tests.factories import reader, subscription
from masthead.gifts import links
from masthead.gifts.tokens import verify_gift
from masthead.newsroom.tests.factories import article, publication

pytestmark = pytest.mark.django_db


def test_it_requires_logging_in(client) -> None:
    assert client.get("/accounts/")["Location"] == "/accounts/login/?next=/accounts/"


def test_it_shows_the_plan_its_renewal_date_and_price(client) -> None:
    publication(time_zone="America/New_York")
    user = reader()
    renews = dt.datetime(2026, 9, 3, 14, 0, tzinfo=dt.UTC)
    subscription(user, current_period_end=renews)
    client.force_login(user)
    with time_machine.travel(renews - dt.timedelta(days=12), tick=False):
        response = client.get("/accounts/")
    page = response.content.decode()
    assert "<strong>All Access</strong> · Active" in page
    assert "Renews on Sept. 3, 2026 at $15.00/month." in page
    assert "Cancel at the end of this period" in page
    assert response["Cache-Control"] == "private, no-store"


def test_it_shows_when_a_past_due_plan_stops(client) -> None:
    user = reader()
    grace = dt.datetime(2026, 3, 13, 12, 0, tzinfo=dt.UTC)
    subscription(user, Subscription.Status.PAST_DUE, grace_ends_at=grace)
    client.force_login(user)
    with time_machine.travel(grace - dt.timedelta(days=3), tick=False):
        page = client.get("/accounts/").content.decode()
    assert "Payment overdue" in page
    assert "Access ends on March 13, 2026 unless the payment goes through." in page


def test_it_shows_comps_and_offers_plans_to_others(client) -> None:
    user = reader()
    client.force_login(user)
    assert "See the plans" in client.get("/accounts/").content.decode()
    AccessGrant.objects.create(user=user, note="Comp: newsroom staff")
    assert "Comp: newsroom staff" in client.get("/accounts/").content.decode()


def test_it_lists_gift_links_with_openings_and_a_revoke_button(client, settings) -> None:
    settings.GIFTS_MONTHLY_LIMIT = 10
    user = reader()
    subscription(user)
    story = article("gifted")
    now = timezone.now()
    gift = links.give(user, story, now)
    verify_gift(gift.token, story.pk, now)
    client.force_login(user)
    page = client.get("/accounts/").content.decode()
    assert "9 of 10 gift links left this month" in page
    assert "1 time" in page
    assert f"?gift={gift.token}" in page
    assert f"/gifts/{gift.link.pk}/revoke/" in page


def test_it_shows_no_one_elses_gifts(client) -> None:
    sender = reader()
    links.give(sender, article("gifted"), timezone.now())
    client.force_login(reader())
    assert "/revoke/" not in client.get("/accounts/").content.decode()


def test_it_shows_this_windows_meter_to_readers_without_a_plan(client) -> None:
    import json

    from masthead.newsroom.tests.factories import section

    story = article("metered-read", section=section("news"), access_level="metered")
    client.force_login(reader())
    assert "You have read 0 of" in client.get("/accounts/").content.decode()
    client.post(
        "/api/access/",
        data=json.dumps({"article": story.pk, "gift": None}),
        content_type="application/json",
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert "You have read 1 of" in client.get("/accounts/").content.decode()
    data = json.loads(client.get("/accounts/data/").content)
    assert data["meter"]["used"] == 1


def test_it_hides_the_meter_from_all_access_subscribers(client) -> None:
    user = reader()
    subscription(user)
    client.force_login(user)
    assert "Free articles" not in client.get("/accounts/").content.decode()
