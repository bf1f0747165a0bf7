"""``manage.py load_demo``: the demo newsroom, its logins, plans, house ads and traffic."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from masthead.demo import ads, logins, newsroom, plans, traffic


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (articles, sections, authors, pages, media), the demo "
        "logins, plans, house ads and dashboard traffic. Running it again reuses what "
        "exists; --reset rebuilds the demo content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo articles and recreate them, timed from now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Load each part of the demo in order, then print one summary line."""
        now = timezone.now()
        # The order matters: plans need the logins (and replace the subscriber's hand
        # grant), ads name the publication and its sections, and the traffic visits the
        # live articles and must know the logins' ids so that it never uses them.
        result = newsroom.load_newsroom(now, reset=options["reset"])
        users = logins.ensure_logins(now)
        plans.load(users, self.stdout)
        ads.load(users, self.stdout)
        traffic.load(users, self.stdout)
        verb = "rebuilt" if options["reset"] else "loaded"
        self.stdout.write(
            f"Demo newsroom {verb}: {result.created} articles created, {result.kept} kept; "
            "logins, plans, house ads and traffic in place."
        )
