"""``manage.py refresh_crawler_ranges``: fetch the engines' crawler address lists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.access.crawlers.refresh import RefreshError, configured_urls, refresh_one


class Command(BaseCommand):
    help = (
        "Download the search engines' crawler IP range files (CRAWLERS_RANGE_URLS), "
        "validate them and replace the copies in CRAWLERS_RANGES_DIR. A file that fails "
        "keeps its previous copy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="Seconds to wait for each download (default CRAWLERS_FETCH_TIMEOUT, 10).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        timeout = options["timeout"] or float(getattr(settings, "CRAWLERS_FETCH_TIMEOUT", 10))
        failures = 0
        for filename, url in configured_urls().items():
            try:
                written = refresh_one(filename, url, timeout=timeout)
            except RefreshError as exc:
                failures += 1
                self.stderr.write(f"{filename}: kept the old file ({exc})")
                continue
            self.stdout.write(f"{filename}: {written.prefixes} prefixes -> {written.path}")
        if failures:
            raise CommandError(f"{failures} range file(s) not refreshed")
