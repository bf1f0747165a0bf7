"""The entitlements loader merges paid plans with hand grants, as they stand at ``now``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from masthead.access import METERED, REGISTERED, SUBSCRIBER
from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import AccessGrant, Subscription
from masthead.newsroom.tests.factories import section

from .factories import NOW, plan, reader, subscription

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


def test_it_gives_nothing_to_anonymous_or_inactive_readers() -> None:
    assert entitlements_for(AnonymousUser(), NOW).is_empty is True
    user = reader()
    subscription(user)
    user.is_active = False
    assert entitlements_for(user, NOW).is_empty is True


def test_it_opens_every_level_and_section_for_all_access() -> None:
    user = reader()
    subscription(user, plan=plan(ad_free=True))
    found = entitlements_for(user, NOW)
    for level in (METERED, REGISTERED, SUBSCRIBER):
        assert found.opens(level, "anything") is True
    assert found.ad_free is True


def test_it_opens_only_the_plans_sections_with_ads() -> None:
    user = reader()
    news = plan("news", ad_free=False, sections=[section("news"), section("politics")])
    subscription(user, plan=news)
    found = entitlements_for(user, NOW)
    assert found.opens(SUBSCRIBER, "politics") is True
    assert found.opens(SUBSCRIBER, "business") is False
    assert found.ad_free is False


def test_it_drops_levels_the_access_app_does_not_know() -> None:
    user = reader()
    subscription(user, plan=plan("odd", levels=["platinum"]))
    assert entitlements_for(user, NOW).scopes == frozenset()


def test_it_merges_a_news_plan_with_a_hand_grant() -> None:
    user = reader()
    subscription(user, plan=plan("news", ad_free=False, sections=[section("news")]))
    grant = AccessGrant.objects.create(user=user, starts_at=NOW - SECOND, ad_free=True)
    grant.sections.add(section("business"))
    found = entitlements_for(user, NOW)
    assert found.opens(SUBSCRIBER, "news") is True
    assert found.opens(SUBSCRIBER, "business") is True
    assert found.opens(SUBSCRIBER, "culture") is False
    assert found.ad_free is True


def test_it_follows_the_state_at_now() -> None:
    user = reader()
    subscription(
        user, Subscription.Status.PAST_DUE, grace_ends_at=NOW, current_period_end=NOW - SECOND
    )
    assert entitlements_for(user, NOW - SECOND).opens(SUBSCRIBER, "news") is True
    assert entitlements_for(user, NOW).is_empty is True


def test_it_ignores_canceled_subscriptions_but_keeps_grants_to_their_end() -> None:
    user = reader()
    subscription(user, Subscription.Status.CANCELED)
    AccessGrant.objects.create(user=user, starts_at=NOW - SECOND, ends_at=NOW)
    assert entitlements_for(user, NOW - SECOND).opens(SUBSCRIBER, "x") is True
    assert entitlements_for(user, NOW).is_empty is True
