"""The article editor asks before a paywall break above the first paragraph, and shows
the reader's preview with a warning when it is short."""

from __future__ import annotations

from django.test import TestCase

from masthead.accounts.models import User
from masthead.newsroom.admin import BREAK_TOO_EARLY, CONFIRM_FIELD, NO_LEAD_IN
from masthead.newsroom.models import Article

from . import factories


def _form(rows: list[tuple[str, int, str]]) -> dict[str, str]:
    """Return the add form's POST data with one block row per (kind, position, text)."""
    data = {
        "headline": "Bridge reopens",
        "summary": "Two lanes open Monday.",
        "slug": "bridge-reopens",
        "section": str(factories.section().pk),
        "status": "draft",
        "access_level": "metered",
        "blocks-TOTAL_FORMS": str(len(rows)),
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
    }
    for number, (kind, position, text) in enumerate(rows):
        data[f"blocks-{number}-kind"] = kind
        data[f"blocks-{number}-position"] = str(position)
        data[f"blocks-{number}-text"] = text
    return data


class PaywallBreakPlacementTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0)
        boss = User.objects.create_superuser("boss@example.com", "pw-boss-12345")
        self.client.force_login(boss)

    def test_it_refuses_a_break_before_the_first_paragraph(self) -> None:
        rows = [("paywall_break", 0, ""), ("paragraph", 10, "One."), ("paragraph", 20, "Two.")]
        response = self.client.post("/admin/newsroom/article/add/", _form(rows))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "before the first paragraph")
        self.assertIn(
            BREAK_TOO_EARLY, response.context["inline_admin_formsets"][0].formset.non_form_errors()
        )
        self.assertIs(Article.objects.filter(slug="bridge-reopens").exists(), False)

    def test_it_saves_a_break_between_two_paragraphs(self) -> None:
        rows = [("paragraph", 10, "One."), ("paywall_break", 20, ""), ("paragraph", 30, "Two.")]
        response = self.client.post("/admin/newsroom/article/add/", _form(rows))
        self.assertEqual(response.status_code, 302)
        kinds = [b.kind for b in Article.objects.get(slug="bridge-reopens").blocks.all()]
        self.assertEqual(kinds, ["paragraph", "paywall_break", "paragraph"])

    def test_it_saves_a_break_on_top_once_the_editor_confirms(self) -> None:
        rows = [("paywall_break", 0, ""), ("paragraph", 10, "One."), ("paragraph", 20, "Two.")]
        response = self.client.post(
            "/admin/newsroom/article/add/", {**_form(rows), CONFIRM_FIELD: "on"}
        )
        self.assertEqual(response.status_code, 302)
        kinds = [b.kind for b in Article.objects.get(slug="bridge-reopens").blocks.all()]
        self.assertEqual(kinds, ["paywall_break", "paragraph", "paragraph"])

    def test_it_asks_before_a_lead_in_of_zero(self) -> None:
        rows = [("paragraph", 10, "One."), ("paragraph", 20, "Two.")]
        data = {**_form(rows), "lead_in_paragraphs": "0"}
        response = self.client.post("/admin/newsroom/article/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(NO_LEAD_IN, response.context["adminform"].form.errors["lead_in_paragraphs"])
        response = self.client.post("/admin/newsroom/article/add/", {**data, CONFIRM_FIELD: "on"})
        self.assertEqual(response.status_code, 302)


class ReaderPreviewTests(TestCase):
    def setUp(self) -> None:
        factories.publication(ad_every_paragraphs=0, lead_in_paragraphs=2)
        boss = User.objects.create_superuser("boss@example.com", "pw-boss-12345")
        self.client.force_login(boss)

    def _change_page(self, article: Article) -> str:
        response = self.client.get(f"/admin/newsroom/article/{article.pk}/change/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_a_one_paragraph_storys_preview_and_warns(self) -> None:
        art = factories.article(kinds=["paragraph"], access_level="subscriber")
        art.blocks.update(text="")
        block = art.blocks.get()
        block.text = "Elm Street gets new asphalt. SECRETWORD1 The work starts in May."
        block.save()
        html = self._change_page(art)
        self.assertIn("Reader&#x27;s preview", html)
        self.assertIn("too short to show a whole paragraph", html)
        self.assertIn("Elm Street gets new asphalt.", html)
        self.assertNotIn("SECRETWORD1 The work", html.split("reader-preview")[1][:400])

    def test_it_warns_when_readers_see_no_text(self) -> None:
        art = factories.article(kinds=["paywall_break", "paragraph"], access_level="subscriber")
        self.assertTrue("Readers see no article text before the gate" in self._change_page(art))

    def test_it_warns_about_a_short_preview(self) -> None:
        art = factories.article(paragraphs=4, access_level="subscriber")
        self.assertTrue("Short preview: readers see 8 words" in self._change_page(art))
