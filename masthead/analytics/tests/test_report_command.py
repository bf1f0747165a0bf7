"""manage.py paywall_report: the figures as plain tables for a cron mail."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from masthead.newsroom.tests import factories

from .helpers import event, read


def _report(*args: str) -> str:
    out = StringIO()
    call_command("paywall_report", *args, stdout=out)
    return out.getvalue()


class PaywallReportTests(TestCase):
    def setUp(self) -> None:
        article = factories.article(headline="Harbor ferry returns")
        for visitor in "abcd":
            read(visitor, article.pk, section="metro")
        event("wall_shown", visitor="a", offer="registration", section="metro")
        event("subscription_started", user_id=3, article_id=article.pk, section="metro")

    def test_it_prints_every_table_for_the_period(self) -> None:
        text = _report("--since=2026-03-10", "--until=2026-03-10")
        self.assertIn("Masthead paywall report, 2026-03-10 to 2026-03-10 (UTC), all sections", text)
        for title in ("Funnel", "Totals", "Top articles by subscriptions", "Day by day"):
            self.assertIn(title, text)
        self.assertRegex(text, r"\| Anonymous readers\s+\|\s+4 \|\s+\N{EN DASH} \|\s+100.0% \|")
        self.assertRegex(text, r"\| Saw the registration wall\s+\|\s+1 \|\s+25.0% \|")
        self.assertRegex(text, r"\| Harbor ferry returns\s+\|\s+1 \|\s+0 \|")
        self.assertRegex(text, r"\| 2026-03-10\s+\|\s+4 \|\s+4 \|\s+1 \|")

    def test_it_writes_plain_text_when_not_on_a_terminal(self) -> None:
        text = _report("--since=2026-03-10", "--until=2026-03-10")
        self.assertNotIn("\x1b[", text)
        self.assertTrue(all(len(line) <= 144 for line in text.splitlines()))

    def test_it_keeps_to_one_section(self) -> None:
        factories.section("sports")
        text = _report("--since=2026-03-10", "--until=2026-03-10", "--section=sports")
        self.assertIn("section sports", text)
        self.assertRegex(text, r"\| Anonymous readers\s+\|\s+0 \|")

    def test_it_refuses_an_unknown_section(self) -> None:
        with self.assertRaisesMessage(CommandError, "No section 'nope'"):
            _report("--since=2026-03-10", "--section=nope")

    def test_it_refuses_a_date_it_cannot_read(self) -> None:
        with self.assertRaises(CommandError):
            _report("--since=last-week")

    def test_it_refuses_a_reversed_range(self) -> None:
        with self.assertRaisesMessage(CommandError, "--since must not be after --until"):
            _report("--since=2026-03-10", "--until=2026-03-01")
