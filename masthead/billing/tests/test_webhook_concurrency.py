"""Two deliveries of one event racing each other on PostgreSQL: processed exactly once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from masthead.analytics.models import Event
from masthead.billing.models import Subscription, WebhookEvent

from .factories import NOW, plan, reader
from .stripe_events import deliver, event, subscription_object

DELIVERIES = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_processes_racing_deliveries_once(webhook_secret) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=$MASTHEAD_TEST_PG_URL)")
    plan()
    buyer = reader()
    obj = subscription_object("sub_race", user_id=buyer.pk, period_end=NOW + dt.timedelta(days=30))
    body = event("customer.subscription.created", obj, NOW)
    start = threading.Barrier(DELIVERIES)
    outcomes: list[str] = []

    def deliver_once() -> None:
        try:
            start.wait()
            outcomes.append(deliver(Client(), body).json()["outcome"])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_once) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["duplicate"] * (DELIVERIES - 1) + ["processed"]
    assert WebhookEvent.objects.get().deliveries == DELIVERIES
    assert Subscription.objects.count() == 1
    assert Event.objects.filter(kind="subscription_started").count() == 1
