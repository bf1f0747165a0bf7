"""Article pages from fragments: the same bytes as a whole render, invalidated by every save.

The leak side (a walled, unpublished or scheduled article through the fragments) is in
``tests/leak/test_page_fragments.py``.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from masthead.newsroom import fragments
from masthead.newsroom.models import Article, Block

from . import factories


def _warm(client: object, url: str) -> bytes:
    """Ask for ``url`` until its fragments are kept; return the last page."""
    page = b""
    for _ in range(2):
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200
        page = response.content
    return page


class FragmentPageTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        self.story = factories.article("fragment-story", access_level="metered")
        self.other = factories.article(
            "other-story",
            headline="Library hours change",
            published_at=factories.WHEN - dt.timedelta(days=1),
        )
        self.url = self.story.get_absolute_url()

    def _whole(self) -> bytes:
        with override_settings(NEWSROOM_FRAGMENT_CACHE="off"):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return bytes(response.content)

    def test_a_kept_page_is_byte_for_byte_the_whole_render(self) -> None:
        missed = self.client.get(self.url).content
        kept = _warm(self.client, self.url)
        self.assertEqual(missed, kept)
        self.assertEqual(kept, self._whole())
        self.assertGreater(len(fragments.memory), 0)

    def test_a_warm_page_reads_no_database(self) -> None:
        _warm(self.client, self.url)
        with self.assertNumQueries(0):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Cache-Control"], "public, max-age=60, stale-while-revalidate=300"
        )
        self.assertNotIn("Set-Cookie", response.headers)

    def test_a_kept_page_from_the_shared_cache_only_is_the_same(self) -> None:
        kept = _warm(self.client, self.url)
        fragments.memory.clear()  # another process: only the shared cache has them
        with self.assertNumQueries(0):
            again = self.client.get(self.url).content
        self.assertEqual(again, kept)

    def test_an_edit_of_the_article_shows_at_once(self) -> None:
        _warm(self.client, self.url)
        self.story.headline = "Council delays the Elm Street vote"
        self.story.save()
        self.assertContains(self.client.get(self.url), "Council delays the Elm Street vote")

    def test_an_edited_block_shows_at_once(self) -> None:
        _warm(self.client, self.url)
        block = Block.objects.filter(article=self.story).order_by("position").first()
        assert block is not None
        block.text = "Paragraph one, rewritten."
        block.save()
        self.assertContains(self.client.get(self.url), "Paragraph one, rewritten.")

    def test_a_new_byline_shows_at_once(self) -> None:
        _warm(self.client, self.url)
        self.story.authors.add(factories.author("bo-writer", "Bo Writer"))
        self.assertContains(self.client.get(self.url), "Bo Writer")

    def test_a_related_story_edited_elsewhere_shows_at_once(self) -> None:
        self.assertContains(self.client.get(self.url), "Library hours change")
        _warm(self.client, self.url)
        self.other.headline = "Library opens on Sundays"
        self.other.save()
        page = self.client.get(self.url)
        self.assertContains(page, "Library opens on Sundays")
        self.assertNotContains(page, "Library hours change")

    def test_an_unpublished_related_story_leaves_at_once(self) -> None:
        _warm(self.client, self.url)
        self.other.status = Article.Status.DRAFT
        self.other.save()
        self.assertNotContains(self.client.get(self.url), "Library hours change")

    def test_a_related_story_scheduled_appears_at_its_time_without_a_save(self) -> None:
        soon = timezone.now() + dt.timedelta(hours=1)
        factories.article(
            "scheduled-story",
            headline="Night market opens",
            status=Article.Status.SCHEDULED,
            published_at=soon,
        )
        self.assertNotIn(b"Night market opens", _warm(self.client, self.url))
        later = soon + dt.timedelta(seconds=1)
        with (
            mock.patch("django.utils.timezone.now", return_value=later),
            mock.patch("time.time", return_value=later.timestamp()),
        ):
            self.assertContains(self.client.get(self.url), "Night market opens")

    def test_an_ad_that_ends_leaves_the_page_at_its_end_without_a_save(self) -> None:
        from masthead.ads.models import HouseAd

        ends = timezone.now() + dt.timedelta(hours=1)
        HouseAd.objects.create(name="sale", html="<p>Winter sale</p>", ends_at=ends)
        self.assertIn(b"Winter sale", _warm(self.client, self.url))
        later = ends + dt.timedelta(seconds=1)
        with (
            mock.patch("django.utils.timezone.now", return_value=later),
            mock.patch("time.time", return_value=later.timestamp()),
        ):
            self.assertNotContains(self.client.get(self.url), "Winter sale")

    def test_a_renamed_section_shows_at_once_in_kicker_menu_and_related(self) -> None:
        _warm(self.client, self.url)
        section = self.story.section
        assert section is not None
        section.name = "City Hall"
        section.save()
        page = self.client.get(self.url).content.decode()
        self.assertIn('<p class="kicker"><a href="/section/metro/">City Hall</a></p>', page)
        self.assertIn('aria-current="true">City Hall</a>', page)
        self.assertIn("More from City Hall", page)
        self.assertEqual(page.encode(), self._whole())

    def test_an_edit_elsewhere_keeps_this_articles_own_part(self) -> None:
        _warm(self.client, self.url)
        kept = len(fragments.memory)
        factories.article("unrelated", headline="Ferry fares rise")
        # The own part is still kept: only the menu, related stories and facts are read.
        with self.assertNumQueries(5):
            page = self.client.get(self.url)
        self.assertContains(page, "Ferry fares rise")
        self.assertGreater(len(fragments.memory), kept)

    def test_versions_change_again_when_the_save_commits(self) -> None:
        # A page rendered between the save and its commit reads the old rows: what it
        # keeps must die with the commit.
        with self.captureOnCommitCallbacks(execute=True):
            self.story.headline = "Changed"
            self.story.save()
            at_save = cache.get_many(
                [fragments.SITE_KEY, fragments.ARTICLE_KEY.format(self.story.pk)]
            )
        after = cache.get_many([fragments.SITE_KEY, fragments.ARTICLE_KEY.format(self.story.pk)])
        self.assertEqual(set(at_save), set(after))
        for key in at_save:
            self.assertNotEqual(at_save[key], after[key])

    def test_a_failing_cache_renders_the_page_whole_and_is_left_alone_a_while(self) -> None:
        whole = self._whole()
        with mock.patch.object(cache, "get_many", side_effect=ConnectionError) as failing:
            response = self.client.get(self.url)
            self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, whole)
        self.assertEqual(failing.call_count, 1)  # the second page did not wait on it

    def test_a_wrong_date_or_slug_is_a_404_from_fragments_too(self) -> None:
        _warm(self.client, self.url)
        self.assertEqual(self.client.get(self.url.replace("/18/", "/19/")).status_code, 404)
        self.assertEqual(self.client.get("/2025/02/18/no-such-story/").status_code, 404)

    def test_each_host_gets_its_own_absolute_urls(self) -> None:
        _warm(self.client, self.url)
        other_host = self.client.get(self.url, HTTP_HOST="localhost").content.decode()
        self.assertIn(f'<link rel="canonical" href="http://localhost{self.url}">', other_host)
        here = self.client.get(self.url).content.decode()
        self.assertIn(f'<link rel="canonical" href="http://testserver{self.url}">', here)


class FragmentMemoryTests(TestCase):
    def test_it_evicts_the_least_recently_used_past_its_limit(self) -> None:
        memory = fragments.Memory(limit=10)
        memory.put("a", "aaaa", 100.0, 4)
        memory.put("b", "bbbb", 100.0, 4)
        self.assertEqual(memory.get("a", 1.0), "aaaa")  # "b" is now the least recent
        memory.put("c", "cccc", 100.0, 4)
        self.assertIsNone(memory.get("b", 1.0))
        self.assertEqual(memory.get("a", 1.0), "aaaa")
        self.assertEqual(memory.get("c", 1.0), "cccc")

    def test_an_entry_ends_at_its_moment(self) -> None:
        memory = fragments.Memory(limit=10)
        memory.put("a", "aaaa", 5.0, 4)
        self.assertEqual(memory.get("a", 4.9), "aaaa")
        self.assertIsNone(memory.get("a", 5.0))

    @override_settings(NEWSROOM_FRAGMENT_CACHE="auto")
    def test_auto_is_off_with_a_per_process_cache(self) -> None:
        self.assertFalse(fragments.is_enabled())


class FragmentSettingTests(TestCase):
    def test_a_mistyped_mode_stops_the_start(self) -> None:
        from django.core.exceptions import ImproperlyConfigured

        from masthead.env import env_choice

        with mock.patch.dict("os.environ", {"NEWSROOM_FRAGMENT_CACHE": "yes"}):
            with self.assertRaises(ImproperlyConfigured):
                env_choice("NEWSROOM_FRAGMENT_CACHE", "auto", fragments.MODES)
        with mock.patch.dict("os.environ", {"NEWSROOM_FRAGMENT_CACHE": " Off "}):
            self.assertEqual(env_choice("NEWSROOM_FRAGMENT_CACHE", "auto", fragments.MODES), "off")
