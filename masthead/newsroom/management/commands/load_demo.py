"""``manage.py load_demo``: the demo newsroom, its logins and the other apps' demo data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from masthead.newsroom.demo.loader import load_newsroom
from masthead.newsroom.demo.logins import ensure_logins, run_hooks


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (articles, sections, authors, pages, media) and the demo "
        "logins. Running it again reuses what exists; --reset rebuilds the demo content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo articles and recreate them, timed from now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Load the newsroom, then the logins, then each app's demo hook; print one line."""
        now = timezone.now()
        result = load_newsroom(now, reset=options["reset"])
        users = ensure_logins(now)
        hooks = run_hooks(users, self.stdout)
        verb = "rebuilt" if options["reset"] else "loaded"
        self.stdout.write(
            f"Demo newsroom {verb}: {result.created} articles created, {result.kept} kept; "
            f"demo data hooks: {', '.join(hooks) or 'none'}."
        )
