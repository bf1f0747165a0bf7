"""``manage.py leak_audit URL --email E --password P``: the same as ``python -m masthead.audit``.

Thin on purpose: the audit needs no settings or database (a publisher runs it from any
machine), so this only hands the arguments over and exits with the audit's status.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.audit.cli import add_arguments, config_from, problem, run_and_print


class Command(BaseCommand):
    help = (
        "Audit a deployment for paywall leaks as strangers, after learning the gated text "
        "as a subscriber (docs/audit.md). Exit status 0 only when no leak was found."
    )
    # Reads no database and needs no migrations: the audit speaks HTTP only.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        """The arguments of ``python -m masthead.audit``."""
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the audit; exit with its status when it is not 0."""
        config = config_from(options)
        wrong = problem(config)
        if wrong:
            raise CommandError(wrong, returncode=2)
        # The wrapped stream itself: rich needs a file, and tests pass a StringIO here.
        out = cast(TextIO, getattr(self.stdout, "_out", sys.stdout))
        status = run_and_print(config, options, out)
        if status:
            # The summary line stays the last line of stdout; the status tells scripts.
            sys.exit(status)
