"""Delete raw events older than the retention period, once they are rolled up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masthead.analytics.rollup import prune


class Command(BaseCommand):
    help = (
        "Delete raw events older than ANALYTICS_RETENTION_DAYS (or --days) that a rollup "
        "has summarised. Run rollup_events first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="keep this many days instead")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.ANALYTICS_RETENTION_DAYS
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = prune(timezone.now(), days)
        self.stdout.write(f"Deleted {deleted} events older than {days} days.")
