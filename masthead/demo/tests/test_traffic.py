"""Demo traffic: deterministic, idempotent, and apart from the demo logins."""

from __future__ import annotations

from io import StringIO

from django.test import TestCase

from masthead.accounts.models import User
from masthead.analytics.models import DailyAggregate, Event
from masthead.demo import traffic as demo
from masthead.newsroom.tests import factories


def _load(users: object, out: StringIO) -> int:
    # A small town keeps the test quick; the shape of the traffic is the same.
    return demo.load(users, out, readers=300)


class DemoTrafficTests(TestCase):
    def setUp(self) -> None:
        sections = ["metro", "sports", "culture"]
        for number in range(9):
            factories.article(
                f"demo-story-{number}",
                section=factories.section(sections[number % 3]),
                access_level="subscriber" if number == 4 else "",
            )
        self.reader = User.objects.create_user(email="reader@example.com", password="pw x 123")

    def test_it_writes_a_few_weeks_of_every_kind_and_rolls_them_up(self) -> None:
        written = _load({"reader": self.reader}, StringIO())
        self.assertEqual(Event.objects.count(), written)
        kinds = set(Event.objects.values_list("kind", flat=True))
        self.assertLessEqual(
            {"access_check", "wall_shown", "registration", "subscription_started"}, kinds
        )
        days = Event.objects.dates("at", "day")
        self.assertGreaterEqual(len(days), demo.DEMO_DAYS)
        self.assertIs(DailyAggregate.objects.exists(), True)

    def test_it_never_uses_a_real_account(self) -> None:
        _load([self.reader], StringIO())
        user_ids = set(Event.objects.exclude(user_id=None).values_list("user_id", flat=True))
        self.assertNotIn(self.reader.pk, user_ids)
        self.assertGreaterEqual(min(uid or 0 for uid in user_ids), demo.FIRST_USER_ID)

    def test_it_does_nothing_the_second_time(self) -> None:
        _load({}, StringIO())
        count = Event.objects.count()
        out = StringIO()
        self.assertEqual(_load({}, out), 0)
        self.assertEqual(Event.objects.count(), count)
        self.assertIn("already loaded", out.getvalue())

    def test_it_is_the_same_every_time(self) -> None:
        _load({}, StringIO())
        first = list(Event.objects.order_by("pk").values_list("kind", "article_id", "reason"))
        Event.objects.all().delete()
        _load({}, StringIO())
        again = list(Event.objects.order_by("pk").values_list("kind", "article_id", "reason"))
        self.assertEqual(first, again)


class DemoWithoutArticlesTests(TestCase):
    def test_it_writes_nothing_without_live_articles(self) -> None:
        out = StringIO()
        self.assertEqual(_load({}, out), 0)
        self.assertIn("no live articles", out.getvalue())
