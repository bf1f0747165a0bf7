"""``access.meter_snapshot``: the reader's meter for the account page, counting nothing."""

from __future__ import annotations

from django.test import TestCase, override_settings
from django.test.client import RequestFactory
from django.utils import timezone

from masthead.access import meter_snapshot
from masthead.accounts.models import User

from .helpers import check, make_article


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=3, PAYWALL_REGISTERED_ALLOWANCE=10)
class MeterSnapshotTests(TestCase):
    def test_it_reads_a_logged_in_readers_meter_without_counting(self) -> None:
        user = User.objects.create_user("r@example.com", "pw-long-enough")
        self.client.force_login(user)
        check(self.client, make_article().pk)
        request = RequestFactory().get("/accounts/")
        request.user = user
        for _ in range(2):
            state = meter_snapshot(request, timezone.now())
            assert state is not None
            self.assertEqual((state.used, state.allowance, state.remaining), (1, 10, 9))

    def test_it_reads_an_anonymous_visitor_by_cookie(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        response = check(self.client, make_article().pk)
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        self.assertEqual(meter_snapshot(request, timezone.now()).used, 0)  # type: ignore[union-attr]
        request.COOKIES["masthead_visitor"] = response.cookies["masthead_visitor"].value
        self.assertEqual(meter_snapshot(request, timezone.now()).used, 1)  # type: ignore[union-attr]
