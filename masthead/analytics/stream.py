"""Events out of the app's workers: a Redis stream between the flusher and the database.

With ``ANALYTICS_STREAM`` (on by default when ``REDIS_URL`` is set), the buffer's flusher
appends each batch to a Redis stream (one pipelined round trip per batch) instead of
writing it to the database; ``manage.py drain_events``, a process of its own, reads the
stream in a consumer group, writes each batch with ``store.write_events`` and only then
acknowledges and deletes it. So the database insert and its CPU leave the processes that
answer readers, and a database that is down loses nothing: the batch stays in the stream
(pending for the drain's consumer) and is written when the database is back.

An entry in the stream is a chunk of a batch, at most ``ANALYTICS_BATCH_SIZE`` rows, as
one JSON field (``rows``): a list of the very rows ``store.write_events`` takes, their
times in ISO 8601. One entry per chunk rather than one per event: the flusher's CPU (it
shares the worker with the readers' checks) and Redis's both went mostly to per-entry
work. Entries of one row (``row``), as earlier versions wrote them, are still read. If
Redis cannot take a batch, the flusher writes it to the database itself, as without a
stream.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Sequence
from typing import Any

import redis
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError
from redis.retry import Retry

from masthead.analytics.buffer import Row

logger = logging.getLogger(__name__)

GROUP = "drain"
DEFAULT_CONSUMER = "drain-1"
TIMEOUT_SECONDS = 2.0


def is_enabled() -> bool:
    """Return True when batches go to the stream (``ANALYTICS_STREAM`` and a Redis)."""
    return bool(getattr(settings, "ANALYTICS_STREAM", False)) and bool(settings.REDIS_URL)


def stream_key() -> str:
    """Return the stream's key (``ANALYTICS_STREAM_KEY``)."""
    return str(getattr(settings, "ANALYTICS_STREAM_KEY", "masthead:analytics:events"))


@functools.cache
def _client_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )


def client() -> redis.Redis:
    """Return the stream's client (``REDIS_URL``), one pool per process."""
    return _client_for(str(settings.REDIS_URL))


def chunk_size() -> int:
    """Return the most rows one stream entry holds (``ANALYTICS_BATCH_SIZE``)."""
    return max(int(getattr(settings, "ANALYTICS_BATCH_SIZE", 500)), 1)


def encode(rows: Sequence[Row]) -> str:
    """Return ``rows`` as one entry's JSON text."""
    return json.dumps(list(rows), cls=DjangoJSONEncoder, separators=(",", ":"))


def _row(found: Row) -> Row:
    if isinstance(found.get("at"), str):
        found["at"] = dt.datetime.fromisoformat(found["at"])
    return found


def decode(fields: dict[bytes, bytes]) -> list[Row]:
    """Return the rows of one entry's fields (``rows``, or an older entry's ``row``)."""
    if b"rows" in fields:
        return [_row(found) for found in json.loads(fields[b"rows"])]
    if b"row" in fields:
        return [_row(json.loads(fields[b"row"]))]
    return []


def append(rows: Sequence[Row]) -> None:
    """Append ``rows`` to the stream, a chunk per entry, in one round trip.

    Redis errors propagate. The stream is capped at ``ANALYTICS_STREAM_MAX_LENGTH``
    events counted as whole chunks, so it never holds more events than that.
    """
    key = stream_key()
    size = chunk_size()
    cap = int(getattr(settings, "ANALYTICS_STREAM_MAX_LENGTH", 1_000_000))
    entries = max(cap // size, 1)
    pipe = client().pipeline(transaction=False)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        pipe.xadd(key, {"rows": encode(chunk)}, maxlen=entries, approximate=True)
    pipe.execute()


def _ensure_group(connection: redis.Redis, key: str) -> None:
    try:
        connection.xgroup_create(key, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def drain_once(*, batch: int = 500, block_ms: int = 0, consumer: str = DEFAULT_CONSUMER) -> int:
    """Write one batch from the stream to the database; return how many events were written.

    Entries delivered to ``consumer`` earlier and not acknowledged (their write failed)
    come first. A database error propagates and leaves the batch pending: nothing is
    acknowledged or deleted until it is written.
    """
    from masthead.analytics.store import write_events

    connection = client()
    key = stream_key()
    _ensure_group(connection, key)
    # ``batch`` counts events; an entry holds up to a chunk of them.
    count = max(batch // chunk_size(), 1)
    found: Any = connection.xreadgroup(GROUP, consumer, {key: "0"}, count=count)
    entries = found[0][1] if found else []
    if not entries:
        found = connection.xreadgroup(
            GROUP, consumer, {key: ">"}, count=count, block=block_ms or None
        )
        entries = found[0][1] if found else []
    if not entries:
        return 0
    ids = [entry_id for entry_id, _fields in entries]
    rows = [row for _entry_id, fields in entries for row in decode(fields)]
    if rows:
        write_events(rows)
    pipe = connection.pipeline(transaction=False)
    pipe.xack(key, GROUP, *ids)
    pipe.xdel(key, *ids)
    pipe.execute()
    return len(rows)


def waiting() -> int:
    """Return how many entries (chunks of events) the stream holds (written or not yet)."""
    return int(client().xlen(stream_key()))
