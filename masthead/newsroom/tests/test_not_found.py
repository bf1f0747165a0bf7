"""Bad article URLs get the site's 404 page, never a trace."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import TestCase

from masthead.newsroom.models import Section

from . import factories


class NotFoundTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)

    def assert_not_found(self, path: str) -> None:
        response = self.client.get(path)
        self.assertEqual(response.status_code, 404, path)
        body = response.content.decode()
        self.assertIn("We could not find that page.", body)
        self.assertNotIn("Traceback", body)
        self.assertNotIn("GATEDWORD", body)
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_refuses_a_malformed_slug(self) -> None:
        self.assert_not_found("/2025/02/18/not a slug!/")
        self.assert_not_found("/2025/02/18/%3Cscript%3E/")
        self.assert_not_found("/2025/2/18/council-votes/")

    def test_it_refuses_a_missing_article(self) -> None:
        self.assert_not_found("/2025/02/18/no-such-story/")

    def test_it_refuses_the_wrong_date_for_the_slug(self) -> None:
        factories.article()
        self.assert_not_found("/2025/02/19/council-votes/")
        self.assert_not_found("/2024/02/18/council-votes/")
        self.assert_not_found("/2025/13/45/council-votes/")

    def test_it_refuses_a_draft(self) -> None:
        factories.article(status="draft")
        self.assert_not_found("/2025/02/18/council-votes/")

    def test_it_refuses_a_scheduled_article_before_its_time(self) -> None:
        factories.article(status="scheduled")
        with time_machine.travel(factories.WHEN - dt.timedelta(seconds=1), tick=False):
            self.assert_not_found("/2025/02/18/council-votes/")
        with time_machine.travel(factories.WHEN, tick=False):
            self.assertEqual(self.client.get("/2025/02/18/council-votes/").status_code, 200)

    def test_it_refuses_a_deleted_section(self) -> None:
        factories.article()
        Section.objects.filter(slug="metro").delete()
        self.assert_not_found("/section/metro/")
        self.assert_not_found("/section/metro/rss/")
        self.assert_not_found("/section/metro/atom/")
        # The article itself outlives its section.
        self.assertEqual(self.client.get("/2025/02/18/council-votes/").status_code, 200)

    def test_it_names_the_publication_on_the_404_page(self) -> None:
        body = self.client.get("/2025/02/18/nothing/").content.decode()
        self.assertIn(">The Masthead Gazette</a>", body)

    def test_it_refuses_a_missing_author_and_page(self) -> None:
        self.assert_not_found("/author/nobody/")
        self.assert_not_found("/pages/nothing-here/")

    def test_it_answers_a_bad_page_number_without_error(self) -> None:
        factories.article()
        for page in ("abc", "-1", "99999"):
            self.assertEqual(self.client.get(f"/?page={page}").status_code, 200)
