"""The newsroom admin: preview as reader is staff-only, Editors can edit, readers cannot."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import TestCase

from masthead.accounts.models import User
from masthead.newsroom.editors import EDITORS, ensure_editors_group

from . import factories


class PreviewTests(TestCase):
    def setUp(self) -> None:
        factories.publication(lead_in_paragraphs=2, ad_every_paragraphs=0)
        self.draft = factories.article(status="draft")
        self.url = f"/admin/newsroom/article/{self.draft.pk}/preview/"
        self.editor = User.objects.create_user("editor@example.com", "pw-editor-123", is_staff=True)
        self.editor.groups.add(Group.objects.get(name=EDITORS))

    def test_it_shows_a_draft_as_an_anonymous_reader_would_see_it(self) -> None:
        self.client.force_login(self.editor)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn("Council votes to repave Elm Street", body)
        self.assertIn("GATEDWORD2", body)
        self.assertIn("data-masthead-gate ", body)
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_never_shows_gated_text(self) -> None:
        self.client.force_login(self.editor)
        body = self.client.get(self.url).content.decode()
        for number in range(3, 7):
            self.assertNotIn(f"GATEDWORD{number}", body)
        self.assertNotIn("paywall.js", body)

    def test_its_gate_says_how_to_read_on_and_never_that_it_is_checking(self) -> None:
        # No script runs in the preview: the "checking" words stay hidden for good, and
        # no early.js marks the page as one whose scripts run.
        self.client.force_login(self.editor)
        body = self.client.get(self.url).content.decode()
        self.assertNotIn("early.js", body)
        self.assertRegex(body, r"<p [^>]*data-masthead-checking[^>]*hidden>")
        self.assertIn("Then log in or subscribe if the article asks you to.", body)

    def test_it_sends_readers_to_the_admin_login(self) -> None:
        reader = User.objects.create_user("reader@example.com", "pw-reader-123")
        self.client.force_login(reader)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_it_sends_anonymous_visitors_to_the_admin_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_it_refuses_staff_without_article_permissions(self) -> None:
        staff = User.objects.create_user("clerk@example.com", "pw-clerk-1234", is_staff=True)
        self.client.force_login(staff)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_answers_404_for_a_missing_article(self) -> None:
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get("/admin/newsroom/article/99999/preview/").status_code, 404)


class EditorsGroupTests(TestCase):
    def test_it_holds_content_permissions_after_migrate(self) -> None:
        codenames = set(
            Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True)
        )
        for needed in (
            "add_article",
            "change_article",
            "delete_block",
            "change_section",
            "add_author",
            "add_video",
            "change_page",
            "add_housead",
            "view_accessgrant",
        ):
            self.assertIn(needed, codenames)
        self.assertNotIn("change_accessgrant", codenames)
        self.assertNotIn("change_user", codenames)

    def test_it_is_safe_to_run_again(self) -> None:
        ensure_editors_group()
        ensure_editors_group()
        self.assertEqual(Group.objects.filter(name=EDITORS).count(), 1)

    def test_it_lets_an_editor_open_the_article_editor(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        art = factories.article()
        editor = User.objects.create_user("ed@example.com", "pw-editor-123", is_staff=True)
        editor.groups.add(Group.objects.get(name=EDITORS))
        self.client.force_login(editor)
        page = self.client.get(f"/admin/newsroom/article/{art.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Preview as reader")
        self.assertContains(page, "newsroom/admin/blocks.js")
        self.assertEqual(self.client.get("/admin/newsroom/article/?q=elm").status_code, 200)
        self.assertEqual(self.client.get("/admin/ads/housead/").status_code, 200)


class ArticleEditingTests(TestCase):
    def test_it_saves_an_article_with_blocks_from_the_admin(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        section = factories.section()
        admin = User.objects.create_superuser("boss@example.com", "pw-boss-12345")
        self.client.force_login(admin)
        data = {
            "headline": "Library opens late",
            "summary": "Hours extend to 10 p.m.",
            "slug": "library-opens-late",
            "section": section.pk,
            "status": "published",
            "published_at_0": "2025-02-18",
            "published_at_1": "13:00:00",
            "access_level": "metered",
            "blocks-TOTAL_FORMS": "2",
            "blocks-INITIAL_FORMS": "0",
            "blocks-MIN_NUM_FORMS": "0",
            "blocks-MAX_NUM_FORMS": "1000",
            "blocks-0-kind": "paragraph",
            "blocks-0-position": "20",
            "blocks-0-text": "Second in order.",
            "blocks-1-kind": "paragraph",
            "blocks-1-position": "10",
            "blocks-1-text": "First in order.",
        }
        response = self.client.post("/admin/newsroom/article/add/", data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        from masthead.newsroom.models import Article

        art = Article.objects.get(slug="library-opens-late")
        self.assertEqual(
            [b.text for b in art.blocks.all()], ["First in order.", "Second in order."]
        )
        self.assertEqual(art.lead_in_text, "First in order.")

    def test_it_refuses_an_image_block_without_an_image(self) -> None:
        from django.core.exceptions import ValidationError

        from masthead.newsroom.models import Block

        art = factories.article(paragraphs=0)
        with self.assertRaises(ValidationError):
            Block(article=art, kind="image").full_clean()
        with self.assertRaises(ValidationError):
            Block(article=art, kind="paragraph", text="").full_clean()
        Block(article=art, kind="paywall_break").full_clean()
