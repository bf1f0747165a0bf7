"""The check records "access_check" and, with an offer, "wall_shown"; registering records too."""

from __future__ import annotations

from django.test import TestCase, override_settings

from masthead.analytics.models import Event

from .helpers import check, make_article


@override_settings(ANALYTICS_ENABLED=True, ANALYTICS_SYNC=True, PAYWALL_ANONYMOUS_ALLOWANCE=1)
class CheckEventTests(TestCase):
    def test_it_records_each_check_and_each_wall(self) -> None:
        first, second = make_article(), make_article()
        check(self.client, first.pk)
        check(self.client, second.pk)
        checks = Event.objects.filter(kind="access_check").order_by("pk")
        self.assertEqual(
            [(e.article_id, e.granted, e.reason) for e in checks],
            [(first.pk, True, "metered"), (second.pk, False, "meter_exhausted")],
        )
        self.assertEqual({e.reader_kind for e in checks}, {"anonymous"})
        walls = Event.objects.filter(kind="wall_shown")
        self.assertEqual([(w.article_id, w.offer) for w in walls], [(second.pk, "registration")])

    def test_it_records_a_registration(self) -> None:
        password = "quiet-harbour-42"
        self.client.post(
            "/accounts/register/",
            {"email": "a@example.com", "password": password, "password_again": password},
        )
        self.assertEqual(Event.objects.filter(kind="registration").count(), 1)
