"""Entitlement terms: each piece of a reader's access with its own end, for reader passes."""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.access import NO_TERMS, SUBSCRIBER
from masthead.billing.entitlements import entitlement_terms, entitlements_for
from masthead.billing.models import AccessGrant, Subscription
from masthead.newsroom.tests import factories as newsroom

from .factories import NOW, plan, reader, subscription

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


def test_a_renewing_plan_has_no_end() -> None:
    user = reader()
    subscription(user)
    terms = entitlement_terms(user, NOW)
    assert [term.ends_at for term in terms.terms] == [None]
    assert terms.changes_at is None
    assert terms.at(NOW + dt.timedelta(days=400)).opens(SUBSCRIBER, "metro")


def test_a_cancelled_plan_ends_at_its_period_end() -> None:
    user = reader()
    end = NOW + dt.timedelta(days=3)
    subscription(user, cancel_at_period_end=True, current_period_end=end)
    terms = entitlement_terms(user, NOW)
    assert [term.ends_at for term in terms.terms] == [end]
    assert terms.at(end - SECOND).opens(SUBSCRIBER, "metro")
    assert terms.at(end).is_empty
    # The loader agrees at both moments.
    assert entitlements_for(user, end - SECOND) == terms.at(end - SECOND)
    assert entitlements_for(user, end) == terms.at(end)


def test_a_past_due_plan_ends_with_its_grace() -> None:
    user = reader()
    grace = NOW + dt.timedelta(days=2)
    subscription(user, Subscription.Status.PAST_DUE, grace_ends_at=grace)
    terms = entitlement_terms(user, NOW)
    assert [term.ends_at for term in terms.terms] == [grace]


def test_a_plan_change_at_the_period_end_stops_the_terms_there() -> None:
    user = reader()
    switch = NOW + dt.timedelta(days=5)
    smaller = plan("metro-only", sections=[newsroom.section("metro")])
    subscription(user, pending_plan=smaller, pending_plan_from=switch)
    terms = entitlement_terms(user, NOW)
    assert terms.changes_at == switch
    assert terms.covers(switch - SECOND) and not terms.covers(switch)
    # Past the switch the terms are loaded again and say the smaller plan.
    after = entitlement_terms(user, switch)
    assert after.at(switch).opens(SUBSCRIBER, "metro")
    assert not after.at(switch).opens(SUBSCRIBER, "sports")


def test_a_grant_that_starts_later_is_left_out_and_stops_the_terms_at_its_start() -> None:
    user = reader()
    starts = NOW + dt.timedelta(days=1)
    AccessGrant.objects.create(user=user, starts_at=starts, note="later")
    terms = entitlement_terms(user, NOW)
    assert terms.terms == ()
    assert terms.changes_at == starts
    assert entitlements_for(user, NOW).is_empty


def test_a_grant_carries_its_end_and_an_ended_one_is_left_out() -> None:
    user = reader()
    ends = NOW + dt.timedelta(hours=2)
    AccessGrant.objects.create(user=user, starts_at=NOW - dt.timedelta(days=1), ends_at=ends)
    AccessGrant.objects.create(
        user=user, starts_at=NOW - dt.timedelta(days=9), ends_at=NOW - SECOND, note="over"
    )
    terms = entitlement_terms(user, NOW)
    assert [term.ends_at for term in terms.terms] == [ends]
    assert terms.at(NOW).ad_free is True


def test_an_inactive_or_anonymous_reader_has_no_terms() -> None:
    from django.contrib.auth.models import AnonymousUser

    user = reader()
    subscription(user)
    user.is_active = False
    assert entitlement_terms(user, NOW) == NO_TERMS
    assert entitlement_terms(AnonymousUser(), NOW) == NO_TERMS
