"""The admin's policy row becomes the pure Policy; PAYWALL_* settings win when set."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import TestCase, override_settings

from masthead.access.models import PaywallPolicy
from masthead.access.policy import FailMode, Window
from masthead.access.policy_loader import forget_policy, load_policy

NO_OVERRIDES = {
    "PAYWALL_ANONYMOUS_ALLOWANCE": None,
    "PAYWALL_REGISTERED_ALLOWANCE": None,
    "PAYWALL_NETWORK_DAILY_ALLOWANCE": None,
    "PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE": None,
    "PAYWALL_REQUIRE_EMAIL_CONFIRMATION": None,
    "PAYWALL_FREE_HOURS": None,
    "PAYWALL_WINDOW": "",
    "PAYWALL_TIME_ZONE": "",
    "PAYWALL_EXEMPT_SECTIONS": "",
    "PAYWALL_WALLED_SECTIONS": "",
    "PAYWALL_FAIL_MODE": "",
    "PAYWALL_CRAWLER_FULL_TEXT": None,
}


@override_settings(**NO_OVERRIDES)
class PolicyLoaderTests(TestCase):
    def test_it_uses_the_documented_defaults_without_a_row(self) -> None:
        policy = load_policy()
        self.assertEqual((policy.anonymous_allowance, policy.registered_allowance), (3, 10))
        self.assertEqual(policy.window, Window.CALENDAR_MONTH)
        self.assertEqual(policy.fail_mode, FailMode.OPEN)
        self.assertEqual(policy.network_daily_allowance, 60)
        self.assertIs(policy.crawler_full_text, True)

    def test_it_reads_the_row_and_sees_a_save_at_once(self) -> None:
        load_policy()
        PaywallPolicy(
            anonymous_allowance=5,
            window=Window.ROLLING_30_DAYS,
            exempt_sections="health, weather",
            walled_sections="investigations",
            fail_mode=FailMode.CLOSED,
            crawler_policy="preview",
            time_zone="America/Chicago",
        ).save()
        policy = load_policy()
        self.assertEqual(policy.anonymous_allowance, 5)
        self.assertEqual(policy.window, Window.ROLLING_30_DAYS)
        self.assertEqual(policy.exempt_sections, frozenset({"health", "weather"}))
        self.assertEqual(policy.walled_sections, frozenset({"investigations"}))
        self.assertEqual(policy.fail_mode, FailMode.CLOSED)
        self.assertIs(policy.crawler_full_text, False)
        self.assertEqual(policy.time_zone, "America/Chicago")

    def test_it_keeps_one_row(self) -> None:
        PaywallPolicy(anonymous_allowance=4).save()
        PaywallPolicy(anonymous_allowance=6).save()
        self.assertEqual(PaywallPolicy.objects.count(), 1)
        self.assertEqual(PaywallPolicy.current().anonymous_allowance, 6)

    def test_it_lets_settings_win_when_set(self) -> None:
        PaywallPolicy(anonymous_allowance=5, fail_mode=FailMode.OPEN).save()
        with override_settings(
            PAYWALL_ANONYMOUS_ALLOWANCE=1,
            PAYWALL_FAIL_MODE="closed",
            PAYWALL_WINDOW="rolling_30_days",
            PAYWALL_WALLED_SECTIONS="opinion",
            PAYWALL_CRAWLER_FULL_TEXT=False,
        ):
            policy = load_policy()
        self.assertEqual(policy.anonymous_allowance, 1)
        self.assertEqual(policy.fail_mode, FailMode.CLOSED)
        self.assertEqual(policy.window, Window.ROLLING_30_DAYS)
        self.assertEqual(policy.walled_sections, frozenset({"opinion"}))
        self.assertIs(policy.crawler_full_text, False)

    def test_it_reads_and_overrides_the_abuse_limits(self) -> None:
        defaults = load_policy()
        self.assertEqual(defaults.registered_network_daily_allowance, 300)
        self.assertIs(defaults.require_email_confirmation, False)
        PaywallPolicy(
            registered_network_daily_allowance=500, require_email_confirmation=True
        ).save()
        policy = load_policy()
        self.assertEqual(policy.registered_network_daily_allowance, 500)
        self.assertIs(policy.require_email_confirmation, True)
        with override_settings(
            PAYWALL_REGISTERED_NETWORK_DAILY_ALLOWANCE=80,
            PAYWALL_REQUIRE_EMAIL_CONFIRMATION=False,
        ):
            overridden = load_policy()
        self.assertEqual(overridden.registered_network_daily_allowance, 80)
        self.assertIs(overridden.require_email_confirmation, False)

    def test_it_refuses_bad_section_lists_and_time_zones(self) -> None:
        row = PaywallPolicy(exempt_sections="health, no spaces!", time_zone="Mars/Olympus")
        with self.assertRaises(ValidationError) as caught:
            row.full_clean()
        self.assertEqual(set(caught.exception.message_dict), {"exempt_sections", "time_zone"})


class PolicyAdminTests(TestCase):
    def test_it_opens_the_single_policy_from_the_list(self) -> None:
        from masthead.accounts.models import User

        admin = User.objects.create_superuser("admin@example.com", "pw-long-enough")
        self.client.force_login(admin)
        response = self.client.get("/admin/access/paywallpolicy/")
        self.assertRedirects(response, "/admin/access/paywallpolicy/1/change/")
        self.assertEqual(self.client.get("/admin/access/paywallpolicy/1/change/").status_code, 200)
        self.assertEqual(PaywallPolicy.objects.count(), 1)


class UnreadablePolicyTests(TestCase):
    def setUp(self) -> None:
        forget_policy()
        self.addCleanup(forget_policy)

    def _broken(self) -> Any:
        return mock.patch.object(
            PaywallPolicy, "current", side_effect=OperationalError("database is locked")
        )

    def test_it_keeps_the_last_policy_read_when_the_row_cannot_be_read(self) -> None:
        row = PaywallPolicy.current()
        row.walled_sections = "investigations"
        row.save()
        self.assertIn("investigations", load_policy().walled_sections)
        # The short-lived cache has expired; only the last good read remains.
        with self._broken(), mock.patch("masthead.access.policy_loader._cached", None):
            self.assertIn("investigations", load_policy().walled_sections)

    def test_it_fails_closed_without_any_policy_read(self) -> None:
        with self._broken():
            policy = load_policy()
        self.assertEqual(policy.anonymous_allowance, 0)
        self.assertEqual(policy.registered_allowance, 0)
        self.assertEqual(policy.fail_mode, FailMode.CLOSED)
        self.assertIs(policy.crawler_full_text, False)
