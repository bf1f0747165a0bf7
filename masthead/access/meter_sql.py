"""The meter in the database (SQLite or PostgreSQL).

Atomicity: each count runs in one transaction that first locks the reader's
``MeterReader`` row (``SELECT ... FOR UPDATE`` on PostgreSQL). On SQLite the settings
open every transaction with ``BEGIN IMMEDIATE``, which takes the database's write lock at
once, so the same "count, compare, insert" sequence is serialised there too. The network
allowance is a conditional UPDATE (``reads < allowance``), which is exactly-once by itself.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from masthead.access.meters import MeterRequest
from masthead.access.models import MeterRead, MeterReader, NetworkDay
from masthead.access.policy import MeterState


class SqlMeterStore:
    """A ``MeterStore`` in the default database."""

    def consume(self, request: MeterRequest) -> MeterState:
        """Count the article unless already counted in the window; return the state after."""
        MeterReader.objects.bulk_create([MeterReader(key=request.reader)], ignore_conflicts=True)
        with transaction.atomic():
            reader = MeterReader.objects.select_for_update().get(key=request.reader)
            return self._consume_locked(reader, request)

    def peek(self, reader: str, allowance: int, since: dt.datetime) -> MeterState:
        """Return the reader's state without counting anything."""
        used = MeterRead.objects.filter(reader__key=reader, read_at__gte=since).count()
        return MeterState(allowance=allowance, used=used, is_counted=False)

    def _consume_locked(self, reader: MeterReader, request: MeterRequest) -> MeterState:
        reads = MeterRead.objects.filter(reader=reader)
        used = reads.filter(read_at__gte=request.since).count()
        earlier = reads.filter(article_id=request.article_id).first()
        if earlier is not None and earlier.read_at >= request.since:
            return MeterState(request.allowance, used, is_counted=True)
        if used >= request.allowance:
            return MeterState(request.allowance, used, is_counted=False)
        if request.network is not None and not _take_network_read(request):
            return MeterState(request.allowance, used, False, is_network_exhausted=True)
        if earlier is None:
            MeterRead.objects.create(
                reader=reader, article_id=request.article_id, read_at=request.now
            )
        else:  # counted in an earlier window: it counts again in this one
            reads.filter(pk=earlier.pk).update(read_at=request.now)
        return MeterState(request.allowance, used + 1, is_counted=True)


def _take_network_read(request: MeterRequest) -> bool:
    """Return True when the client network had a read left today, and take it."""
    assert request.network is not None
    day = request.now.astimezone(dt.UTC).date()
    NetworkDay.objects.bulk_create(
        [NetworkDay(network=request.network, day=day)], ignore_conflicts=True
    )
    taken = NetworkDay.objects.filter(
        network=request.network, day=day, reads__lt=request.network_allowance
    ).update(reads=F("reads") + 1)
    return taken == 1


def forget_reads_before(moment: dt.datetime) -> int:
    """Delete counted reads and network days older than ``moment``; return reads deleted."""
    deleted, _ = MeterRead.objects.filter(read_at__lt=moment).delete()
    NetworkDay.objects.filter(day__lt=moment.date()).delete()
    return deleted
