"""The content model: publication, levels, dated URLs, liveness and block validation."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase

from masthead.newsroom.models import Article, Block, Page, Publication, Video

from . import factories


class PublicationTests(TestCase):
    def test_it_creates_the_default_publication_on_first_use(self) -> None:
        self.assertFalse(Publication.objects.exists())
        publication = Publication.current()
        self.assertEqual(publication.time_zone, "America/New_York")
        self.assertEqual(Publication.current().pk, publication.pk)
        self.assertEqual(Publication.objects.count(), 1)

    def test_it_refuses_an_unknown_time_zone(self) -> None:
        publication = Publication(name="X", time_zone="Mars/Olympus_Mons")
        with self.assertRaises(ValidationError):
            publication.full_clean()


class ArticleTests(TestCase):
    def test_it_uses_its_own_level_then_the_section_then_subscriber(self) -> None:
        opinion = factories.section("opinion", default_access_level="subscriber")
        own = factories.article("own", section=opinion, access_level="free")
        inherited = factories.article("inherited", section=opinion)
        orphan = factories.article("orphan", section=None)
        self.assertEqual(own.effective_access_level(), "free")
        self.assertEqual(inherited.effective_access_level(), "subscriber")
        self.assertEqual(orphan.effective_access_level(), "subscriber")

    def test_it_keeps_articles_walled_when_their_subscriber_section_is_deleted(self) -> None:
        desk = factories.section("investigations", default_access_level="subscriber")
        story = factories.article("deep-dive", section=desk)
        desk.delete()
        story.refresh_from_db()
        self.assertIsNone(story.section)
        self.assertEqual(story.effective_access_level(), "subscriber")

    def test_it_dates_its_url_in_the_publication_zone(self) -> None:
        late = dt.datetime(2025, 2, 19, 3, 30, tzinfo=dt.UTC)  # 10:30 p.m. on the 18th in NY
        art = factories.article("late-vote", published_at=late)
        self.assertEqual(art.get_absolute_url(), "/2025/02/18/late-vote/")
        factories.publication(time_zone="Europe/London")
        self.assertEqual(art.get_absolute_url(), "/2025/02/19/late-vote/")

    def test_it_is_live_only_when_published_or_scheduled_and_due(self) -> None:
        when = factories.WHEN
        cases = [
            (Article.Status.PUBLISHED, when, True),
            (Article.Status.SCHEDULED, when, True),
            (Article.Status.DRAFT, when, False),
            (Article.Status.PUBLISHED, when + dt.timedelta(seconds=1), False),
            (Article.Status.PUBLISHED, None, False),
        ]
        for status, published_at, expected in cases:
            art = Article(status=status, published_at=published_at)
            self.assertIs(art.is_live(when), expected, (status, published_at))

    def test_it_orders_blocks_by_position(self) -> None:
        art = factories.article(paragraphs=0)
        Block.objects.create(article=art, position=20, kind="paragraph", text="b")
        Block.objects.create(article=art, position=10, kind="paragraph", text="a")
        self.assertEqual([b.text for b in art.blocks.all()], ["a", "b"])


class BlockTests(TestCase):
    def test_it_renders_markdown_paragraphs_on_save(self) -> None:
        art = factories.article(paragraphs=0)
        block = Block.objects.create(
            article=art, kind="paragraph", text="A *big* [vote](https://example.org/)."
        )
        self.assertIn("<em>big</em>", block.html)
        self.assertIn(
            '<a href="https://example.org/" rel="noopener noreferrer">vote</a>', block.html
        )

    def test_it_requires_what_each_kind_shows(self) -> None:
        art = factories.article(paragraphs=0)
        for kind, field in (
            ("paragraph", "text"),
            ("subheading", "text"),
            ("pull_quote", "text"),
            ("image", "image"),
            ("video", "video"),
        ):
            with self.assertRaises(ValidationError) as caught:
                Block(article=art, kind=kind).full_clean()
            self.assertIn(field, caught.exception.message_dict, kind)


class VideoAndPageTests(TestCase):
    def test_it_requires_a_file_or_a_url(self) -> None:
        with self.assertRaises(ValidationError):
            Video(title="No source").full_clean()
        Video(title="Linked", url="https://video.example.org/a.webm").full_clean()

    def test_it_prefers_the_uploaded_file(self) -> None:
        video = Video(title="Linked", url="https://video.example.org/a.webm")
        self.assertEqual(video.source_url, "https://video.example.org/a.webm")

    def test_it_renders_pages_from_markdown(self) -> None:
        page = Page.objects.create(
            slug="terms", title="Terms", body="## Using the site\n\nBe **kind**.<script>x</script>"
        )
        self.assertIn("<h2>Using the site</h2>", page.html)
        self.assertIn("<strong>kind</strong>", page.html)
        self.assertNotIn("<script", page.html)
        self.assertEqual(page.get_absolute_url(), "/pages/terms/")
