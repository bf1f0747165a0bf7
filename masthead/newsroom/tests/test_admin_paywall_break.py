"""The article editor refuses a paywall break above the first paragraph."""

from __future__ import annotations

from django.test import TestCase

from masthead.accounts.models import User
from masthead.newsroom.admin import BREAK_TOO_EARLY
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
