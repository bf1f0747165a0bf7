"""Which saves purge the shared cache, and which do not (docs/security.md, cache purge)."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Sequence
from typing import ClassVar

from django.db import transaction
from django.test import TestCase, override_settings

from masthead.access.models import PaywallPolicy
from masthead.accounts.models import User
from masthead.core import purge
from masthead.newsroom import purging
from masthead.newsroom.models import Article, Block, Publication, Video

from . import factories

SITE = "https://news.example.com"


class RecordingPurger:
    """Stands in for nginx: records the URLs it is asked to purge."""

    calls: ClassVar[list[list[str]]] = []

    def purge(self, urls: Sequence[str]) -> list[str]:
        type(self).calls.append(list(urls))
        return []


def _purged() -> list[str]:
    return [url.removeprefix(SITE) for call in RecordingPurger.calls for url in call]


@override_settings(
    CACHE_PURGER="masthead.newsroom.tests.test_purging.RecordingPurger",
    CACHE_PURGE_ORIGINS=[SITE],
    CACHE_PURGE_REPEAT_SECONDS=0,
)
class PurgeOnSaveTests(TestCase):
    def setUp(self) -> None:
        purge.forget_purgers()
        factories.publication(lead_in_paragraphs=3)
        self.free = factories.article("free-story", access_level="free")
        self.metered = factories.article("metered-story", access_level="metered")
        self.draft = factories.article("draft-story", status=Article.Status.DRAFT)
        self.url = self.free.get_absolute_url()
        purging.forget_pending()
        RecordingPurger.calls.clear()

    def tearDown(self) -> None:
        purge.dispatcher.clear()
        purge.forget_purgers()

    def _save(self, instance: object) -> list[str]:
        purging.forget_pending()
        RecordingPurger.calls.clear()
        with self.captureOnCommitCallbacks(execute=True):
            instance.save()  # type: ignore[attr-defined]
        return _purged()

    # -- the article itself ---------------------------------------------------------

    def test_walling_a_free_article_purges_its_page(self) -> None:
        self.free.access_level = "subscriber"
        self.assertEqual(self._save(self.free), [self.url])

    def test_unpublishing_purges_the_page_and_the_lists_that_showed_it(self) -> None:
        self.free.status = Article.Status.DRAFT
        purged = self._save(self.free)
        self.assertEqual(purged[0], self.url)
        for path in (
            "/",
            "/feeds/rss/",
            "/feeds/atom/",
            "/sitemap.xml",
            "/news-sitemap.xml",
            "/section/metro/",
            "/section/metro/rss/",
            "/author/ada-reporter/",
            "/author/ada-reporter/atom/",
        ):
            self.assertIn(path, purged)

    def test_scheduling_a_live_article_later_purges_its_old_address(self) -> None:
        self.free.status = Article.Status.SCHEDULED
        self.free.published_at = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
        purged = self._save(self.free)
        self.assertEqual(purged[0], self.url)
        self.assertNotIn(self.free.get_absolute_url(), purged)  # never live there yet
        self.assertIn("/", purged)

    def test_an_earlier_paywall_break_purges_the_page(self) -> None:
        purging.forget_pending()
        RecordingPurger.calls.clear()
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            Block.objects.create(article=self.metered, position=1, kind="paywall_break")
        self.assertEqual(_purged(), [self.metered.get_absolute_url()])

    def test_fewer_lead_in_paragraphs_purge_the_page(self) -> None:
        self.metered.lead_in_paragraphs = 1
        self.assertEqual(self._save(self.metered), [self.metered.get_absolute_url()])

    def test_an_edit_to_a_gated_block_purges_the_page(self) -> None:
        block = self.metered.blocks.order_by("position").last()
        assert block is not None
        block.text = "A corrected gated sentence."
        self.assertEqual(self._save(block), [self.metered.get_absolute_url()])

    def test_a_typo_fix_in_the_lead_in_purges_too_we_purge_on_any_change(self) -> None:
        block = self.metered.blocks.order_by("position").first()
        assert block is not None
        block.text = "Paragraph 1, spelt right."
        self.assertEqual(self._save(block), [self.metered.get_absolute_url()])

    def test_a_save_of_the_article_and_its_blocks_purges_once(self) -> None:
        purging.forget_pending()
        RecordingPurger.calls.clear()
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            self.metered.headline = "A new headline"
            self.metered.save()
            for block in self.metered.blocks.all():
                block.save()
        self.assertEqual(_purged(), [self.metered.get_absolute_url()])

    def test_nothing_is_purged_before_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.free.access_level = "subscriber"
            self.free.save()
        self.assertEqual(RecordingPurger.calls, [])
        self.assertTrue(callbacks)

    def test_editing_a_draft_that_was_never_live_purges_nothing(self) -> None:
        self.draft.headline = "Still a draft"
        self.assertEqual(self._save(self.draft), [])
        block = self.draft.blocks.first()
        assert block is not None
        self.assertEqual(self._save(block), [])

    def test_publishing_a_draft_purges_its_address_and_the_lists(self) -> None:
        self.draft.status = Article.Status.PUBLISHED
        purged = self._save(self.draft)
        self.assertEqual(purged[0], self.draft.get_absolute_url())
        self.assertIn("/", purged)

    def test_deleting_a_live_article_purges_its_page(self) -> None:
        purging.forget_pending()
        RecordingPurger.calls.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.free.delete()
        self.assertEqual(_purged()[0], self.url)

    # -- wider changes --------------------------------------------------------------

    def test_a_sections_default_level_purges_its_articles_that_follow_it(self) -> None:
        inherits = factories.article("inherits-story", access_level="")
        section = inherits.section
        assert section is not None
        section.default_access_level = "subscriber"
        self.assertEqual(self._save(section), [inherits.get_absolute_url()])

    def test_a_sections_new_name_purges_nothing(self) -> None:
        section = self.free.section
        assert section is not None
        section.name = "Metro desk"
        self.assertEqual(self._save(section), [])

    def test_a_walled_section_purges_its_live_articles_now_and_after_the_policy_reloads(
        self,
    ) -> None:
        policy = PaywallPolicy.current()
        policy.walled_sections = "metro"
        purged = self._save(policy)
        self.assertEqual(
            sorted(purged), sorted([self.url, self.metered.get_absolute_url()])
        )  # the draft of the same section is not live: never cached
        self.assertEqual(
            [round(due) for due, _urls in purge.dispatcher.pending()],
            [round(purging.POLICY_RELOAD_SECONDS)],
        )

    def test_a_policy_save_that_changes_no_section_purges_nothing(self) -> None:
        policy = PaywallPolicy.current()
        policy.anonymous_allowance = 1
        self.assertEqual(self._save(policy), [])

    def test_a_shorter_default_lead_in_purges_the_articles_that_use_it(self) -> None:
        own = factories.article("own-lead-in", lead_in_paragraphs=2)
        publication = Publication.current()
        publication.lead_in_paragraphs = 1
        purged = self._save(publication)
        self.assertIn(self.url, purged)
        self.assertNotIn(own.get_absolute_url(), purged)
        publication.name = "The Gazette"
        self.assertEqual(self._save(publication), [])

    def test_a_video_edit_purges_the_articles_that_show_it(self) -> None:
        video = Video.objects.create(title="Clip", url="https://video.example.org/a.webm")
        Block.objects.create(article=self.metered, position=99, kind="video", video=video)
        video.transcript = "Speaker: the rest of the story."
        self.assertEqual(self._save(video), [self.metered.get_absolute_url()])


@override_settings(
    CACHE_PURGER="masthead.newsroom.tests.test_purging.RecordingPurger",
    CACHE_PURGE_ORIGINS=[SITE],
    CACHE_PURGE_REPEAT_SECONDS=0,
)
class PurgeThroughTheAdminTests(TestCase):
    def setUp(self) -> None:
        purge.forget_purgers()
        factories.publication(ad_every_paragraphs=0)
        boss = User.objects.create_superuser("boss@example.com", "pw-boss-12345")
        self.client.force_login(boss)
        purging.forget_pending()

    def tearDown(self) -> None:
        purge.dispatcher.clear()
        purge.forget_purgers()

    def test_publishing_in_the_admin_purges_once_after_the_commit(self) -> None:
        data = {
            "headline": "Bridge reopens",
            "summary": "Two lanes open Monday.",
            "slug": "bridge-reopens",
            "section": str(factories.section().pk),
            "status": "published",
            "published_at_0": "2025-02-18",
            "published_at_1": "12:00:00",
            "access_level": "metered",
            "blocks-TOTAL_FORMS": "2",
            "blocks-INITIAL_FORMS": "0",
            "blocks-MIN_NUM_FORMS": "0",
            "blocks-MAX_NUM_FORMS": "1000",
            "blocks-0-kind": "paragraph",
            "blocks-0-position": "10",
            "blocks-0-text": "One.",
            "blocks-1-kind": "paragraph",
            "blocks-1-position": "20",
            "blocks-1-text": "Two.",
        }
        RecordingPurger.calls.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/admin/newsroom/article/add/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        story = Article.objects.get(slug="bridge-reopens")
        self.assertEqual(len(RecordingPurger.calls), 1)
        self.assertEqual(_purged()[0], story.get_absolute_url())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PurgeFailureTests(TestCase):
    def tearDown(self) -> None:
        purge.dispatcher.clear()
        purge.forget_purgers()

    def test_a_cache_node_that_is_down_never_breaks_the_save(self) -> None:
        story = factories.article("down-story", access_level="free")
        node = f"http://127.0.0.1:{_closed_port()}/_purge"
        with (
            override_settings(
                CACHE_PURGE_URLS=[node], CACHE_PURGE_ORIGINS=[SITE], CACHE_PURGE_REPEAT_SECONDS=0
            ),
            self.assertLogs("masthead.core.purge", "WARNING") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            purge.forget_purgers()
            purging.forget_pending()
            story.access_level = "subscriber"
            story.save()
        story.refresh_from_db()
        self.assertEqual(story.access_level, "subscriber")
        self.assertIn("cache_purge_node_unreachable", "\n".join(logs.output))
        self.assertEqual(len(purge.dispatcher.pending()), 1)  # retried shortly

    def test_with_purging_off_a_save_asks_nothing_more_of_the_database(self) -> None:
        story = factories.article("quiet-story")
        story.headline = "Quiet"
        with self.assertNumQueries(0):  # no look at the old row, nothing gathered
            purging._article_before(Article, story)
            purging._article_saved(Article, story)
        self.assertEqual(purging._pending.paths, {})
