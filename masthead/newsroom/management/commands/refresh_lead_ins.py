"""Recompute every article's searchable lead-in text (after an upgrade or a bulk import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from masthead.newsroom.models import Article
from masthead.newsroom.searching import refresh_all


class Command(BaseCommand):
    help = "Recompute Article.lead_in_text, the public text site search reads."

    def handle(self, *args: Any, **options: Any) -> None:
        refresh_all()
        self.stdout.write(f"Refreshed the lead-in text of {Article.objects.count()} articles.")
