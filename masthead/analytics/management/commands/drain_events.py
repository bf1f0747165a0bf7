"""Write the events the app's workers put in the Redis stream to the database."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from redis.exceptions import RedisError

from masthead.analytics import stream

# After a failure (database or Redis down), wait this long before trying again.
RETRY_SECONDS = 2.0


class Command(BaseCommand):
    help = (
        "Write analytics events from the Redis stream (ANALYTICS_STREAM) to the database, "
        "in batches; a batch that fails stays in the stream and is tried again. Runs until "
        "stopped; --once writes what is there and exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="drain what is there, then exit")
        parser.add_argument("--batch", type=int, default=500, help="events per write")
        parser.add_argument(
            "--consumer",
            default=stream.DEFAULT_CONSUMER,
            help="this process's name in the consumer group (one per drain process)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not stream.is_enabled():
            raise CommandError("ANALYTICS_STREAM is off or REDIS_URL is not set: nothing to drain")
        batch, consumer = int(options["batch"]), str(options["consumer"])
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            stopping = True

        if not options["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        written = 0
        while not stopping:
            try:
                count = stream.drain_once(
                    batch=batch, block_ms=0 if options["once"] else 1000, consumer=consumer
                )
            except (DatabaseError, RedisError, OSError) as exc:
                self.stderr.write(f"drain_events: {type(exc).__name__}: {exc}; batch kept")
                if options["once"]:
                    raise CommandError(
                        "the batch could not be written; it stays in the stream"
                    ) from exc
                # A lost connection is replaced on the next try, as a request's would be.
                close_old_connections()
                time.sleep(RETRY_SECONDS)
                continue
            written += count
            if options["once"] and count == 0:
                break
        self.stdout.write(f"Wrote {written} events.")
