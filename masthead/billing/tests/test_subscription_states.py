"""Every subscription state opens or shuts access exactly at its boundary."""

from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase

from masthead.accounts.models import User
from masthead.billing.models import Plan, Subscription

NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)
Status = Subscription.Status


def _subscription(status: str, **fields: object) -> Subscription:
    # Unsaved: the state rule needs no database.
    return Subscription(
        user=User(email="a@example.com"), plan=Plan(name="P"), status=status, **fields
    )


class SubscriptionStateTests(SimpleTestCase):
    def test_it_opens_trialing_and_active_past_the_period_end_while_renewing(self) -> None:
        for status in (Status.TRIALING, Status.ACTIVE):
            item = _subscription(status, current_period_end=NOW)
            self.assertIs(item.is_entitling(NOW - SECOND), True)
            self.assertIs(item.is_entitling(NOW + SECOND), True)

    def test_it_opens_cancel_at_period_end_until_the_period_ends(self) -> None:
        for status in (Status.TRIALING, Status.ACTIVE):
            item = _subscription(status, current_period_end=NOW, cancel_at_period_end=True)
            self.assertIs(item.is_entitling(NOW - SECOND), True)
            self.assertIs(item.is_entitling(NOW), False)
            self.assertIs(item.is_entitling(NOW + SECOND), False)

    def test_it_shuts_cancel_at_period_end_without_a_period_end(self) -> None:
        item = _subscription(Status.ACTIVE, cancel_at_period_end=True)
        self.assertIs(item.is_entitling(NOW), False)

    def test_it_opens_past_due_until_the_grace_period_ends(self) -> None:
        item = _subscription(Status.PAST_DUE, current_period_end=NOW - SECOND, grace_ends_at=NOW)
        self.assertIs(item.is_entitling(NOW - SECOND), True)
        self.assertIs(item.is_entitling(NOW), False)
        self.assertIs(item.is_entitling(NOW + SECOND), False)

    def test_it_shuts_past_due_without_a_grace_end(self) -> None:
        self.assertIs(_subscription(Status.PAST_DUE).is_entitling(NOW), False)

    def test_it_shuts_canceled_and_expired_at_any_time(self) -> None:
        for status in (Status.CANCELED, Status.EXPIRED):
            item = _subscription(status, current_period_end=NOW + dt.timedelta(days=9))
            self.assertIs(item.is_entitling(NOW - SECOND), False)
            self.assertIs(item.is_entitling(NOW + SECOND), False)

    def test_it_says_when_access_ends(self) -> None:
        canceling = _subscription(Status.ACTIVE, current_period_end=NOW, cancel_at_period_end=True)
        self.assertEqual(canceling.access_ends_at(NOW - SECOND), NOW)
        self.assertIsNone(canceling.access_ends_at(NOW))
        renewing = _subscription(Status.ACTIVE, current_period_end=NOW)
        self.assertIsNone(renewing.access_ends_at(NOW - SECOND))
        overdue = _subscription(Status.PAST_DUE, grace_ends_at=NOW)
        self.assertEqual(overdue.access_ends_at(NOW - SECOND), NOW)
