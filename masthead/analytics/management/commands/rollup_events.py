"""Roll raw events up into daily aggregates (safe to run as often as you like)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masthead.analytics.management.commands._dates import parse_day
from masthead.analytics.rollup import pending_days, roll_up


class Command(BaseCommand):
    help = (
        "Rebuild the daily aggregates: by default from the last rolled day through today; "
        "--since/--until rebuild chosen days. Re-running changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=parse_day, help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=parse_day, help="last day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.now().date()
        days = self._days(options["since"], options["until"], today)
        if days is None:
            self.stdout.write("No events to roll up.")
            return
        rows = roll_up(*days)
        self.stdout.write(f"Rolled up {days[0]} to {days[1]}: {rows} aggregate rows.")

    def _days(
        self, since: dt.date | None, until: dt.date | None, today: dt.date
    ) -> tuple[dt.date, dt.date] | None:
        if since is None and until is None:
            return pending_days(today)
        first, last = since or until or today, until or today
        if first > last:
            raise CommandError("--since must not be after --until")
        return first, last
