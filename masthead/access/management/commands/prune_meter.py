"""Delete SQL meter rows no window can still count (run daily from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from masthead.access.meter_sql import forget_reads_before


class Command(BaseCommand):
    help = "Delete counted reads older than --days (default 62) and old network counts."

    def add_arguments(self, parser: CommandParser) -> None:
        # Two windows of the longest kind (31 days): a read that old counts nowhere.
        parser.add_argument("--days", type=int, default=62)

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(int(options["days"]), 32)
        deleted = forget_reads_before(timezone.now() - dt.timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} counted reads older than {days} days.")
