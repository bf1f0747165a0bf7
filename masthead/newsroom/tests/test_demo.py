"""The demo newsroom: what ``load_demo`` creates, that it creates it once, and its media."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils.module_loading import import_string

from masthead.access import AccessLevel
from masthead.billing.models import AccessGrant
from masthead.newsroom.demo.loader import MEDIA_DIR, STORIES
from masthead.newsroom.demo.logins import DEMO_PASSWORD, ensure_logins, find_hook
from masthead.newsroom.demo.specs import typeset
from masthead.newsroom.models import Article, Author, Block, Page, Publication, Section, Video

WHEN = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
MEDIA_ROOT = tempfile.mkdtemp(prefix="masthead-demo-test-")
LOGINS = ("reader@example.com", "subscriber@example.com", "editor@example.com")


def load_demo(*args: str) -> str:
    """Run the command at ``WHEN`` and return what it printed."""
    out = io.StringIO()
    with time_machine.travel(WHEN, tick=False):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Article, Block, Video, Author, Section, Page, Publication, AccessGrant)
    return {model.__name__: model.objects.count() for model in models}


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class LoadDemoTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = load_demo()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)

    def live(self) -> list[Article]:
        return list(Article.objects.live(WHEN).select_related("section"))

    def test_it_prints_one_short_summary_line(self) -> None:
        last = self.output.strip().splitlines()[-1]
        self.assertIn("20 articles created, 0 kept", last)
        self.assertLess(len(last), 160)

    def test_it_sets_up_the_publication_in_eastern_time(self) -> None:
        publication = Publication.current()
        self.assertEqual(publication.name, "The Alder Falls Courier")
        self.assertEqual(publication.time_zone, "America/New_York")

    def test_it_publishes_enough_live_articles_across_sections(self) -> None:
        live = self.live()
        self.assertGreaterEqual(len(live), 16)
        self.assertGreaterEqual(len({a.section_id for a in live}), 4)
        self.assertGreaterEqual(Section.objects.count(), 5)
        self.assertGreaterEqual(Author.objects.exclude(bio="").count(), 5)

    def test_it_covers_every_access_level_some_inherited(self) -> None:
        live = self.live()
        levels = {article.effective_access_level() for article in live}
        self.assertEqual(levels, set(AccessLevel.values))
        inherited = {a.effective_access_level() for a in live if not a.access_level}
        self.assertGreaterEqual(len(inherited), 2)

    def test_it_gives_every_article_a_real_body(self) -> None:
        for article in Article.objects.prefetch_related("blocks"):
            blocks = list(article.blocks.all())
            self.assertTrue(7 <= len(blocks) <= 14, article.slug)
            self.assertEqual([b.position for b in blocks], list(range(len(blocks))))
            kinds = {b.kind for b in blocks}
            self.assertIn(Block.Kind.SUBHEADING, kinds, article.slug)
            self.assertIn(Block.Kind.PULL_QUOTE, kinds, article.slug)
            paragraphs = [b for b in blocks if b.kind == Block.Kind.PARAGRAPH]
            self.assertGreaterEqual(len(paragraphs), 5, article.slug)
            self.assertTrue(all(b.html.startswith("<p>") for b in paragraphs), article.slug)

    def test_it_spreads_publication_over_three_weeks(self) -> None:
        ages = [WHEN - a.published_at for a in self.live() if a.published_at]
        self.assertGreaterEqual(sum(age <= dt.timedelta(hours=48) for age in ages), 3)
        self.assertGreaterEqual(max(ages), dt.timedelta(days=18))
        self.assertLessEqual(max(ages), dt.timedelta(days=22))

    def test_it_credits_and_stores_every_image(self) -> None:
        with_lead = [a for a in self.live() if a.lead_image]
        self.assertGreaterEqual(len(with_lead), 14)
        for article in with_lead:
            self.assertTrue(article.lead_image_caption and article.lead_image_alt, article.slug)
            self.assertRegex(article.lead_image_credit, r"^(Photo|Illustration|Chart) by ")
            self.assertIs(default_storage.exists(article.lead_image.name), True)
        images = Block.objects.filter(kind=Block.Kind.IMAGE)
        self.assertGreaterEqual(images.count(), 5)
        for block in images:
            self.assertTrue(block.caption and block.credit and block.alt, block.article_id)
            self.assertIs(default_storage.exists(block.image.name), True)

    def test_it_gives_one_article_a_video_with_its_transcript(self) -> None:
        article = Article.objects.get(lead_video__isnull=False)
        video = article.lead_video
        assert video is not None
        self.assertIs(article.is_live(WHEN), True)
        self.assertIs(default_storage.exists(video.file.name), True)
        self.assertIs(default_storage.exists(video.poster.name), True)
        self.assertTrue(video.file.name.endswith(".webm"))
        self.assertIn("Signal test", video.transcript)
        self.assertIn("generated test pattern", video.caption)

    def test_it_corrects_one_article_with_an_updated_time(self) -> None:
        article = Article.objects.exclude(correction="").get()
        assert article.updated_at is not None and article.published_at is not None
        self.assertGreater(article.updated_at, article.published_at)
        self.assertLess(article.updated_at, WHEN)
        # The page labels the note itself, so the text must not say "Correction:" again.
        self.assertIn("1931, not 1913", article.correction)
        self.assertFalse(article.correction.startswith("Correction"))

    def test_it_places_one_paywall_break_by_hand(self) -> None:
        breaks = Block.objects.filter(kind=Block.Kind.PAYWALL_BREAK)
        self.assertEqual(breaks.count(), 1)
        self.assertIs(breaks.get().article.is_live(WHEN), True)

    def test_it_schedules_one_article_that_goes_live_by_itself(self) -> None:
        article = Article.objects.get(status=Article.Status.SCHEDULED)
        self.assertIs(article.is_live(WHEN), False)
        self.assertIs(article.is_live(WHEN + dt.timedelta(days=3)), True)

    def test_it_keeps_one_draft_off_the_site(self) -> None:
        draft = Article.objects.get(status=Article.Status.DRAFT)
        self.assertIs(draft.is_live(WHEN + dt.timedelta(days=365)), False)

    def test_it_writes_the_standing_pages(self) -> None:
        slugs = set(Page.objects.values_list("slug", flat=True))
        self.assertEqual(slugs, {"about", "privacy", "terms"})
        privacy = Page.objects.get(slug="privacy").html
        self.assertIn("Article pages set no cookie", privacy)
        self.assertIn("visitor cookie", privacy)

    def test_it_lets_the_demo_logins_in_with_the_demo_password(self) -> None:
        for email in LOGINS:
            self.assertIsNotNone(authenticate(username=email, password=DEMO_PASSWORD), email)

    def test_it_makes_the_editor_staff_in_editors_and_nobody_else(self) -> None:
        users = {user.email: user for user in get_user_model().objects.all()}
        editor = users["editor@example.com"]
        self.assertIs(editor.is_staff, True)
        self.assertIs(editor.groups.filter(name="Editors").exists(), True)
        self.assertIs(users["reader@example.com"].is_staff, False)
        self.assertIs(users["subscriber@example.com"].is_superuser, False)

    def test_it_opens_everything_to_the_subscriber_and_nothing_to_the_reader(self) -> None:
        # Billing's demo hook may have swapped the hand grant for a plan subscription;
        # either way the subscriber must be entitled to every level in every section.
        entitlements_for = import_string(settings.PAYWALL_ENTITLEMENTS_LOADER)
        users = get_user_model().objects
        subscriber = entitlements_for(users.get(email="subscriber@example.com"), WHEN)
        for section in Section.objects.values_list("slug", flat=True):
            self.assertIs(subscriber.opens(AccessLevel.SUBSCRIBER, section), True, section)
        self.assertIs(subscriber.ad_free, True)
        reader = entitlements_for(users.get(email="reader@example.com"), WHEN)
        self.assertIs(reader.is_empty, True)

    def test_it_hand_grants_the_subscriber_all_access(self) -> None:
        AccessGrant.objects.all().delete()
        users = ensure_logins(WHEN)
        grant = AccessGrant.objects.active(WHEN).get()
        self.assertEqual(grant.user, users["subscriber"])
        self.assertEqual(grant.note, "Demo: All Access")
        self.assertFalse(grant.sections.exists())
        ensure_logins(WHEN + dt.timedelta(minutes=1))
        self.assertEqual(AccessGrant.objects.count(), 1)

    def test_it_creates_nothing_twice(self) -> None:
        before, files = counts(), sorted(p.name for p in Path(MEDIA_ROOT).rglob("*"))
        output = load_demo()
        self.assertEqual(counts(), before)
        self.assertEqual(sorted(p.name for p in Path(MEDIA_ROOT).rglob("*")), files)
        self.assertIn("0 articles created, 20 kept", output)

    def test_it_puts_back_passwords_changed_since(self) -> None:
        reader = get_user_model().objects.get(email="reader@example.com")
        reader.set_password("something-else")
        reader.save()
        load_demo()
        self.assertIsNotNone(authenticate(username="reader@example.com", password=DEMO_PASSWORD))

    def test_it_rebuilds_demo_content_on_reset_and_leaves_other_articles(self) -> None:
        before = counts()
        Article.objects.filter(slug=STORIES[0].slug).update(headline="Edited by hand")
        Article.objects.create(slug="an-editors-own-story", headline="Mine", status="draft")
        Page.objects.get(slug="privacy").delete()
        Page.objects.create(slug="privacy", title="Privacy", body="Scribbled over.")
        output = load_demo("--reset")
        self.assertIn("20 articles created", output)
        restored = Article.objects.get(slug=STORIES[0].slug).headline
        self.assertEqual(restored, typeset(STORIES[0].headline))
        self.assertIs(Article.objects.filter(slug="an-editors-own-story").exists(), True)
        self.assertEqual(Article.objects.count(), before["Article"] + 1)
        self.assertEqual(Video.objects.count(), before["Video"])
        self.assertEqual(Block.objects.count(), before["Block"])
        self.assertIn("visitor cookie", Page.objects.get(slug="privacy").html)


class FindHookTests(SimpleTestCase):
    @pytest.fixture(autouse=True)
    def _modules(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "demo_hook_ok.py").write_text("def load(users, stdout):\n    pass\n")
        (tmp_path / "demo_hook_loadless.py").write_text("LOAD = None\n")
        (tmp_path / "demo_hook_broken.py").write_text("import demo_hook_missing_dependency\n")
        monkeypatch.syspath_prepend(str(tmp_path))

    def test_it_finds_a_modules_load_function(self) -> None:
        hook = find_hook("demo_hook_ok")
        self.assertIsNotNone(hook)
        self.assertEqual(getattr(hook, "__name__", ""), "load")

    def test_it_treats_a_missing_module_or_load_as_no_hook(self) -> None:
        self.assertIsNone(find_hook("masthead.newsroom.no_such_demo_module"))
        self.assertIsNone(find_hook("demo_hook_loadless"))

    def test_it_lets_an_import_error_inside_the_module_propagate(self) -> None:
        with self.assertRaises(ModuleNotFoundError):
            find_hook("demo_hook_broken")


class DemoMediaTests(SimpleTestCase):
    def test_it_keeps_committed_media_small(self) -> None:
        leads = list((MEDIA_DIR / "images").glob("*.jpg"))
        self.assertGreaterEqual(len(leads), 20)
        for path in leads:
            self.assertLess(path.stat().st_size, 80_000, path.name)
        for path in (MEDIA_DIR / "authors").glob("*.jpg"):
            self.assertLess(path.stat().st_size, 30_000, path.name)
        self.assertLess((MEDIA_DIR / "video" / "signal-test.webm").stat().st_size, 300_000)
        total = sum(p.stat().st_size for p in MEDIA_DIR.rglob("*") if p.is_file())
        self.assertLess(total, 1_500_000)

    def test_it_refers_only_to_committed_files(self) -> None:
        for spec in STORIES:
            files = [f"images/{b.image}" for b in spec.blocks() if b.image]
            files += [f"images/{spec.lead.file}"] if spec.lead else []
            if spec.video:
                files += [f"video/{spec.video.file}", f"video/{spec.video.poster}"]
            for name in files:
                self.assertIs((MEDIA_DIR / name).is_file(), True, name)
