"""CSV downloads of the dashboard's tables."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.models import Group
from django.test import TestCase

from masthead.accounts.models import User
from masthead.analytics.apps import EDITORS_GROUP
from masthead.newsroom.tests import factories

from .helpers import event, read

QUERY = {"since": "2026-03-10", "until": "2026-03-10"}


class CsvDownloadTests(TestCase):
    def setUp(self) -> None:
        editor = User.objects.create_user(email="editor@example.com", password="long password x")
        editor.is_staff = True
        editor.save()
        editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
        self.client.force_login(editor)

    def _rows(self, name: str, query: dict[str, str] = QUERY) -> list[list[str]]:
        response = self.client.get(f"/admin/dashboard/{name}.csv", query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.reader(io.StringIO(response.content.decode())))

    def test_it_downloads_the_funnel(self) -> None:
        read("a", 1)
        read("b", 1)
        event("wall_shown", visitor="a", offer="registration")
        rows = self._rows("funnel")
        self.assertEqual(rows[0], ["Step", "People", "From the step before", "From the first step"])
        self.assertEqual(rows[1], ["Anonymous readers", "2", "\N{EN DASH}", "100.0%"])
        self.assertEqual(rows[2], ["Saw the registration wall", "1", "50.0%", "50.0%"])

    def test_it_downloads_the_daily_figures(self) -> None:
        read("a", 1)
        rows = self._rows("daily")
        self.assertEqual(rows[0][:3], ["Day", "Access checks", "Metered reads"])
        self.assertEqual(rows[1][:3], ["2026-03-10", "1", "1"])

    def test_it_names_the_file_after_the_table_and_period(self) -> None:
        response = self.client.get("/admin/dashboard/meter.csv", QUERY)
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="masthead-meter-2026-03-10-2026-03-10.csv"',
        )

    def test_it_quotes_a_headline_a_spreadsheet_would_run(self) -> None:
        article = factories.article(headline="=HYPERLINK(1)")
        event("subscription_started", user_id=1, article_id=article.pk)
        self.assertEqual(self._rows("top_articles")[1][0], "'=HYPERLINK(1)")

    def test_it_answers_404_for_an_unknown_table(self) -> None:
        self.assertEqual(self.client.get("/admin/dashboard/secrets.csv").status_code, 404)

    def test_it_answers_400_for_a_bad_period(self) -> None:
        response = self.client.get("/admin/dashboard/daily.csv", {"since": "x", "until": "y"})
        self.assertEqual(response.status_code, 400)
