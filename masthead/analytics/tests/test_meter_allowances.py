"""The meter chart draws the allowances in force: the policy saved in the admin."""

from __future__ import annotations

from django.apps import apps
from django.test import TestCase, override_settings

from masthead.access import forget_policy
from masthead.analytics.charts import meter_chart
from masthead.analytics.figures import Table, allowances

COLUMNS = ("Articles used", "Anonymous readers", "Registered readers")
NO_READS = Table("meter", "Meter use per reader and month", COLUMNS, [])


@override_settings(PAYWALL_ANONYMOUS_ALLOWANCE=None, PAYWALL_REGISTERED_ALLOWANCE=None)
class SavedAllowanceTests(TestCase):
    def setUp(self) -> None:
        forget_policy()
        # The cached policy would outlive this test's rolled-back row.
        self.addCleanup(forget_policy)
        # As an editor saves it in the admin; only the row holds these numbers.
        policy = apps.get_model("access", "PaywallPolicy")
        policy(anonymous_allowance=7, registered_allowance=14).save()

    def test_the_figures_use_the_saved_allowances(self) -> None:
        self.assertEqual(allowances(), (7, 14))

    def test_the_chart_has_a_bucket_past_the_saved_registered_allowance(self) -> None:
        svg = meter_chart(NO_READS)
        # One bucket per count up to the registered allowance plus one: 1 … 15.
        self.assertIn(">15<", svg)
        self.assertNotIn(">16<", svg)
        # The defaults (3 and 10) would stop at 11.
        self.assertIn(">12<", svg)

    @override_settings(PAYWALL_REGISTERED_ALLOWANCE=5)
    def test_an_override_in_the_environment_still_wins(self) -> None:
        self.assertEqual(allowances(), (7, 5))
