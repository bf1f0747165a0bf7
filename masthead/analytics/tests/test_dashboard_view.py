"""The dashboard page: the period form, bad input, and the figures it shows."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import TestCase

from masthead.accounts.models import User
from masthead.analytics.apps import EDITORS_GROUP
from masthead.newsroom.tests import factories

from .helpers import event, read

URL = "/admin/dashboard/"


class DashboardViewTests(TestCase):
    def setUp(self) -> None:
        editor = User.objects.create_user(email="editor@example.com", password="long password x")
        editor.is_staff = True
        editor.save()
        editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
        self.client.force_login(editor)

    def test_it_shows_the_chosen_period(self) -> None:
        for visitor in "abc":
            read(visitor, 1)
        event("wall_shown", visitor="a", offer="registration")
        response = self.client.get(URL, {"since": "2026-03-10", "until": "2026-03-10"})
        self.assertEqual(response.status_code, 200)
        funnel = response.context["tables"]["funnel"]
        self.assertEqual(funnel.column(1), [3, 1, 0, 0, 0])
        self.assertContains(response, "Mar 10, 2026 to Mar 10, 2026")

    def test_it_leads_with_the_figures_at_a_glance(self) -> None:
        for visitor in "abcd":
            read(visitor, 1)
        event("wall_shown", visitor="a", offer="registration")
        event("subscription_started", user_id=3)
        event("subscription_started", user_id=4)
        event("subscription_canceled", user_id=5)
        response = self.client.get(URL, {"since": "2026-03-10", "until": "2026-03-10"})
        self.assertEqual(
            response.context["headlines"],
            [
                ("Access checks", "4"),
                ("Walls shown", "1"),
                ("Registrations", "0"),
                ("Subscriptions started", "2"),
                ("Net new subscriptions", "+1"),
                ("Anonymous readers who subscribed", "50.0%"),
            ],
        )

    def test_it_defaults_to_the_last_four_weeks(self) -> None:
        response = self.client.get(URL)
        period = response.context["period"]
        self.assertEqual((period.until - period.since).days, 27)

    def test_it_offers_the_last_7_28_and_90_days(self) -> None:
        response = self.client.get(URL)
        labels = [(label, is_current) for label, _, is_current in response.context["presets"]]
        self.assertEqual(
            labels, [("Last 7 days", False), ("Last 28 days", True), ("Last 90 days", False)]
        )
        self.assertIn("since=", response.context["presets"][0][1])

    def test_it_explains_a_reversed_range_instead_of_failing(self) -> None:
        response = self.client.get(URL, {"since": "2026-03-10", "until": "2026-03-01"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "must not be after the last day")
        self.assertNotIn("tables", response.context)

    def test_it_explains_a_date_it_cannot_read(self) -> None:
        response = self.client.get(URL, {"since": "yesterday", "until": "2026-03-01"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a valid date")

    def test_it_refuses_more_than_a_year(self) -> None:
        response = self.client.get(URL, {"since": "2024-01-01", "until": "2026-03-01"})
        self.assertContains(response, "Choose at most 366 days")

    def test_it_refuses_an_unknown_section(self) -> None:
        response = self.client.get(
            URL, {"since": "2026-03-10", "until": "2026-03-10", "section": "nope"}
        )
        self.assertContains(response, "Select a valid choice")

    def test_it_filters_by_a_known_section(self) -> None:
        factories.section("sports")
        read("a", 1, section="sports")
        read("b", 2, section="metro")
        query = {"since": "2026-03-10", "until": "2026-03-10", "section": "sports"}
        response = self.client.get(URL, query)
        self.assertEqual(response.context["tables"]["funnel"].column(1)[0], 1)
        self.assertContains(response, "section=sports")

    def test_it_escapes_headlines_in_charts_and_tables(self) -> None:
        article = factories.article(headline="<script>alert(1)</script> & more")
        event("subscription_started", user_id=1, article_id=article.pk)
        response = self.client.get(URL, {"since": "2026-03-10", "until": "2026-03-10"})
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
