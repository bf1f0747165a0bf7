"""Late conversions reach the right arm: a webhook's subscription, a checkout, revenue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from masthead.analytics.models import Event
from masthead.billing.tests.factories import plan, reader
from masthead.billing.tests.stripe_events import (
    SECRET,
    deliver,
    event,
    subscription_object,
)
from masthead.experiments.models import Exposure, Outcome

from .factories import experiment

pytestmark = pytest.mark.django_db


def test_a_webhook_subscription_is_credited_to_the_readers_arm(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.BILLING_STRIPE_WEBHOOK_SECRET = SECRET
    made = experiment()
    plan(price_minor=1500)
    buyer = reader()
    now = timezone.now()
    arm = made.arms.get(name="generous")
    exposure = Exposure.objects.create(
        experiment=made, arm=arm, visitor_key="v", user=buyer, first_seen_at=now, last_seen_at=now
    )
    obj = subscription_object("sub_1", user_id=buyer.pk, period_end=now + dt.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(Client(), event("customer.subscription.created", obj, now))
    assert response.status_code == 200
    outcome = Outcome.objects.get(exposure=exposure)
    assert (outcome.kind, outcome.plan, outcome.revenue_minor) == (
        "subscription_started",
        "all-access",
        1500,
    )
    stored = Event.objects.get(kind="subscription_started")
    assert stored.extra["arm"] == "generous" and stored.extra["experiment"] == made.pk


def test_a_conversion_after_the_end_is_still_credited(django_capture_on_commit_callbacks) -> None:
    now = timezone.now()
    made = experiment(starts_at=now - dt.timedelta(days=20), ends_at=now - dt.timedelta(days=2))
    buyer = reader()
    exposure = Exposure.objects.create(
        experiment=made,
        arm=made.arms.get(name="control"),
        visitor_key="v",
        user=buyer,
        first_seen_at=now,
        last_seen_at=now,
    )
    from masthead.core.events import EventKind, record

    record(EventKind.CHECKOUT_STARTED, user_id=buyer.pk, extra={"plan": "x"})
    assert Outcome.objects.get(exposure=exposure).kind == "checkout_started"


def test_a_reader_outside_every_experiment_gets_no_outcome() -> None:
    experiment()
    from masthead.core.events import EventKind, record

    record(EventKind.REGISTRATION, user_id=reader().pk)
    assert not Outcome.objects.exists()
