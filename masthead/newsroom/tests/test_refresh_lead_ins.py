"""``manage.py refresh_lead_ins`` fills the search text of articles saved without it."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase

from masthead.newsroom.models import Article

from . import factories


class RefreshLeadInsTests(TestCase):
    def test_it_fills_missing_lead_in_text_and_nothing_past_the_cut(self) -> None:
        factories.publication(lead_in_paragraphs=2)
        art = factories.article(paragraphs=5)
        Article.objects.filter(pk=art.pk).update(lead_in_text="")
        out = io.StringIO()
        call_command("refresh_lead_ins", stdout=out)
        text = Article.objects.get(pk=art.pk).lead_in_text
        self.assertIn("leadword2", text)
        self.assertNotIn("leadword3", text)
        self.assertIn("Refreshed the lead-in text of 1 articles.", out.getvalue())
