"""The dashboard's figures as tables in a terminal or a cron mail."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich import box
from rich.console import Console
from rich.table import Table as RichTable

from masthead.analytics.figures import Period, Table, all_tables
from masthead.analytics.management.commands._dates import parse_day

# The order a publisher reads them in.
SECTIONS = ("funnel", "totals", "top_articles", "meter", "daily")
# Wide enough for the day-by-day table with its headers wrapped at spaces.
PLAIN_WIDTH = 144


class Command(BaseCommand):
    help = (
        "Print the paywall's figures (funnel, totals, top articles, meter use, day by day) "
        "for a period and optionally one section. Plain text when not on a terminal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=parse_day, required=True, help="first day")
        parser.add_argument("--until", type=parse_day, help="last day (default: today)")
        parser.add_argument("--section", default="", help="a section's slug (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        period = self._period(options)
        is_terminal = self.stdout.isatty()
        console = Console(
            file=cast(IO[str], self.stdout),  # Django's OutputWrapper is a text stream
            force_terminal=is_terminal,
            no_color=not is_terminal,
            width=None if is_terminal else PLAIN_WIDTH,
            highlight=False,
        )
        where = f"section {period.section}" if period.section else "all sections"
        console.print(f"Masthead paywall report, {period.since} to {period.until} (UTC), {where}")
        tables = all_tables(period)
        for name in SECTIONS:
            console.print()
            console.print(_rich_table(tables[name], is_terminal))

    def _period(self, options: dict[str, Any]) -> Period:
        since, until = options["since"], options["until"] or timezone.now().date()
        if since > until:
            raise CommandError("--since must not be after --until")
        section = options["section"]
        if section:
            from masthead.newsroom.models import Section

            known = sorted(Section.objects.values_list("slug", flat=True))
            if section not in known:
                raise CommandError(f"No section {section!r}; known: {', '.join(known)}")
        return Period(since, until, section)


def _rich_table(table: Table, is_terminal: bool) -> RichTable:
    shown = RichTable(
        title=table.title,
        title_justify="left",
        box=box.SIMPLE_HEAD if is_terminal else box.ASCII,
        show_edge=not is_terminal,
    )
    for index, column in enumerate(table.columns):
        shown.add_column(column, justify="left" if index == 0 else "right")
    for row in table.rows:
        shown.add_row(*(_cell(value) for value in row))
    if not table.rows:
        shown.add_row("Nothing in this period.", *([""] * (len(table.columns) - 1)))
    return shown


def _cell(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
