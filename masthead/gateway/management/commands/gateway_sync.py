"""``manage.py gateway_sync``: bring the index of origin articles up to date.

Once (on demand, from cron), one post (``--post ID``), or in a loop (``--every SECONDS``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.core import purge
from masthead.gateway import index

logger = logging.getLogger(__name__)
# At most this long after a one-shot sync for the cache purges still due (the second
# round comes index.WORKERS_CATCH_UP_SECONDS after the first; retries up to ~10 s).
PURGE_WAIT_SECONDS = 15.0


class Command(BaseCommand):
    """Read every post (or one) from the origin's API as a privileged client."""

    help = "Sync the gateway's index of origin articles (posts, terms, levels, gated parts)."

    def add_arguments(self, parser: CommandParser) -> None:
        """--post ID, --every SECONDS."""
        parser.add_argument("--post", type=int, help="sync only this origin post id")
        parser.add_argument(
            "--every", type=int, default=0, help="keep syncing, waiting this many seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the sync once, or until interrupted with --every."""
        if not settings.GATEWAY_ORIGIN_URL:
            raise CommandError("GATEWAY_ORIGIN_URL is not set: there is no origin to sync.")
        while True:
            try:
                self._sync_once(options["post"])
            except Exception as error:
                if options["every"] <= 0:
                    raise CommandError(f"the sync failed: {error!r}") from error
                # In the loop an origin that is down is a reason to try again, not to stop:
                # the index keeps what the last good sync found.
                logger.exception("gateway_sync_failed")
            if options["every"] <= 0:
                # The purges' second round and retries run on a daemon thread that
                # would die with this process: wait for them (bounded).
                purge.dispatcher.drain(timeout=PURGE_WAIT_SECONDS)
                return
            time.sleep(options["every"])

    def _sync_once(self, post: int | None) -> None:
        if post:
            article = index.sync_one(post)
            self.stdout.write(
                f"post {post}: " + (f"{article.level} {article.section}" if article else "gone")
            )
        else:
            self.stdout.write(str(index.sync_all()))
