"""The demo's plans: three (one yearly), the subscriber on All Access by test payments, a comp."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from masthead.access import SUBSCRIBER
from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import AccessGrant, Plan, Subscription
from masthead.billing.tests.factories import reader
from masthead.demo import plans as demo
from masthead.demo.logins import SUBSCRIBER_GRANT_NOTE
from masthead.newsroom.tests.factories import section

pytestmark = pytest.mark.django_db


def test_it_loads_plans_and_the_subscribers_plan_once() -> None:
    section("news")
    users = {"reader": reader(), "subscriber": reader(), "editor": reader()}
    AccessGrant.objects.create(user=users["subscriber"], note=SUBSCRIBER_GRANT_NOTE)
    for _ in range(2):
        demo.load(users, io.StringIO())
    assert sorted(Plan.objects.values_list("name", flat=True)) == [
        "All Access",
        "All Access, yearly",
        "News",
    ]
    held = Subscription.objects.get()
    assert (held.user, held.plan.slug, held.provider, held.status) == (
        users["subscriber"],
        "all-access",
        "test",
        "active",
    )
    now = timezone.now()
    assert entitlements_for(users["subscriber"], now).ad_free is True
    assert AccessGrant.objects.filter(note=SUBSCRIBER_GRANT_NOTE).exists() is False
    assert entitlements_for(users["editor"], now).opens(SUBSCRIBER, "business") is True
    assert entitlements_for(users["reader"], now).is_empty is True
    assert list(Plan.objects.get(slug="news").sections.values_list("slug", flat=True)) == ["news"]
