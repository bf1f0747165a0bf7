"""Prices as readers read them: a symbol for USD, EUR and GBP, the code for the rest."""

from __future__ import annotations

from django.test import SimpleTestCase

from masthead.billing.models import Plan
from masthead.billing.money import format_money


class MoneyTests(SimpleTestCase):
    def test_it_uses_the_symbol_of_dollars_euros_and_pounds(self) -> None:
        self.assertEqual(format_money(1500, "USD"), "$15.00")
        self.assertEqual(format_money(1999, "eur"), "€19.99")
        self.assertEqual(format_money(450, "GBP"), "£4.50")

    def test_it_puts_the_code_after_other_currencies(self) -> None:
        self.assertEqual(format_money(1500, "CHF"), "15.00 CHF")
        self.assertEqual(format_money(1500, "CAD"), "15.00 CAD")

    def test_it_groups_thousands_and_keeps_cents(self) -> None:
        self.assertEqual(format_money(1234505, "USD"), "$12,345.05")
        self.assertEqual(format_money(7, "USD"), "$0.07")
        self.assertEqual(format_money(-250, "USD"), "-$2.50")

    def test_it_shows_a_plans_price_per_interval(self) -> None:
        plan = Plan(name="Yearly", price_minor=15000, currency="USD", interval="year")
        self.assertEqual(plan.price_display, "$150.00")
        self.assertEqual(plan.price_per_interval, "$150.00/year")
