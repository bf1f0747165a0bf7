"""The admin reads and shows times in the publication's zone, and refuses a future update."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from masthead.accounts.models import User
from masthead.newsroom.models import Article

from . import factories

NOW = dt.datetime(2025, 2, 18, 20, 0, tzinfo=dt.UTC)  # 3 p.m. in New York


def _form(**fields: str) -> dict[str, str]:
    data = {
        "headline": "Ferry schedule changes",
        "summary": "Fewer boats on Sundays.",
        "slug": "ferry-schedule",
        "section": str(factories.section().pk),
        "status": "scheduled",
        "published_at_0": "2025-02-18",
        "published_at_1": "09:00:00",
        "access_level": "metered",
        "blocks-TOTAL_FORMS": "0",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


@time_machine.travel(NOW, tick=False)
class AdminTimeZoneTests(TestCase):
    def setUp(self) -> None:
        factories.publication(time_zone="America/New_York", ad_every_paragraphs=0)
        boss = User.objects.create_superuser("boss@example.com", "pw-boss-12345")
        self.client.force_login(boss)

    def test_it_reads_a_typed_time_in_the_publication_zone(self) -> None:
        response = self.client.post("/admin/newsroom/article/add/", _form())
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="ferry-schedule")
        self.assertEqual(article.published_at, dt.datetime(2025, 2, 18, 14, 0, tzinfo=dt.UTC))

    def test_it_shows_a_stored_time_in_the_publication_zone(self) -> None:
        article = factories.article(published_at=dt.datetime(2025, 2, 18, 14, 0, tzinfo=dt.UTC))
        page = self.client.get(f"/admin/newsroom/article/{article.pk}/change/")
        self.assertContains(page, 'name="published_at_1" value="09:00:00"')
        self.assertContains(page, "Times are in America/New_York")

    def test_it_gives_the_zone_back_after_an_admin_request(self) -> None:
        self.client.get("/admin/newsroom/article/")
        self.assertEqual(timezone.get_current_timezone_name(), "UTC")

    def test_it_refuses_an_update_time_in_the_future(self) -> None:
        data = _form(updated_at_0="2025-02-18", updated_at_1="16:30:00")  # 21:30 UTC
        response = self.client.post("/admin/newsroom/article/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The update time is in the future")
        self.assertIs(Article.objects.filter(slug="ferry-schedule").exists(), False)

    def test_it_accepts_an_update_time_in_the_past(self) -> None:
        data = _form(updated_at_0="2025-02-18", updated_at_1="14:30:00")
        self.assertEqual(self.client.post("/admin/newsroom/article/add/", data).status_code, 302)


@time_machine.travel(NOW, tick=False)
class UpdatedAtValidationTests(TestCase):
    def test_it_refuses_a_future_update_on_the_model(self) -> None:
        article = factories.article()
        article.updated_at = NOW + dt.timedelta(hours=2)
        with self.assertRaises(ValidationError) as caught:
            article.full_clean()
        self.assertIn("updated_at", caught.exception.message_dict)

    def test_it_allows_a_minute_of_clock_drift(self) -> None:
        article = factories.article()
        article.updated_at = NOW + dt.timedelta(seconds=30)
        article.full_clean()
        self.assertEqual(article.updated_at, NOW + dt.timedelta(seconds=30))
