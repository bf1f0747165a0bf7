"""Deleting a section never widens a plan or a hand grant limited to it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masthead.access import SUBSCRIBER
from masthead.billing.entitlements import entitlements_for
from masthead.billing.models import AccessGrant, Plan
from masthead.newsroom.tests.factories import section

from .factories import plan, reader, subscription

pytestmark = pytest.mark.django_db


def test_it_closes_a_plan_whose_only_section_is_deleted() -> None:
    puzzles, news = section("puzzles"), section("news")
    user = reader()
    subscription(user, plan=plan("puzzles-only", sections=[puzzles]))
    now = timezone.now()
    assert entitlements_for(user, now).opens(SUBSCRIBER, "news") is False
    puzzles.delete()
    closed = Plan.objects.get(slug="puzzles-only")
    assert (closed.levels, closed.is_active) == ([], False)
    assert entitlements_for(user, now).opens(SUBSCRIBER, news.slug) is False


def test_it_keeps_a_plan_limited_to_its_remaining_sections() -> None:
    puzzles, news, sports = section("puzzles"), section("news"), section("sports")
    user = reader()
    subscription(user, plan=plan("two-desks", sections=[puzzles, news]))
    puzzles.delete()
    ents = entitlements_for(user, timezone.now())
    assert ents.opens(SUBSCRIBER, "news") is True
    assert ents.opens(SUBSCRIBER, sports.slug) is False


def test_it_ends_a_grant_whose_only_section_is_deleted() -> None:
    puzzles, news = section("puzzles"), section("news")
    user = reader()
    grant = AccessGrant.objects.create(
        user=user, note="Comp", starts_at=timezone.now() - dt.timedelta(days=1)
    )
    grant.sections.set([puzzles])
    puzzles.delete()
    grant.refresh_from_db()
    assert grant.ends_at is not None
    assert "only section was deleted" in grant.note
    assert entitlements_for(user, timezone.now()).opens(SUBSCRIBER, news.slug) is False


def test_it_leaves_unlimited_plans_alone() -> None:
    puzzles = section("puzzles")
    user = reader()
    subscription(user, plan=plan("all-access"))
    puzzles.delete()
    assert Plan.objects.get(slug="all-access").is_active is True
    assert entitlements_for(user, timezone.now()).opens(SUBSCRIBER, "anything") is True
