"""The meter in the database (SQLite or PostgreSQL).

Atomicity: each count runs in one transaction that first locks the reader's
``MeterReader`` row (``SELECT ... FOR UPDATE`` on PostgreSQL, inside one function call:
migration 0003, one round trip). On SQLite the settings
open every transaction with ``BEGIN IMMEDIATE``, which takes the database's write lock at
once, so the same "count, compare, insert" sequence is serialised there too. The network
allowance is a conditional UPDATE (``reads < allowance``), which is exactly-once by itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import Count, F, Q

from masthead.access.meters import CountedRead, MeterRequest, account_key, meter_wait_settings
from masthead.access.models import MeterRead, MeterReader, NetworkDay
from masthead.access.policy import MeterState


class SqlMeterStore:
    """A ``MeterStore`` in the default database."""

    def consume(self, request: MeterRequest) -> MeterState:
        """Count the article unless already counted in the window; return the state after.

        On PostgreSQL this is one statement (``masthead_meter_consume``, migration 0003):
        one round trip, its own transaction. On SQLite a busy write lock raises "database
        is locked" after ``PAYWALL_METER_LOCK_WAIT_SECONDS``; ``meters.count_read`` tries
        again.
        """
        if connection.vendor == "postgresql":
            return _consume_in_one_statement(request)
        with _sqlite_lock_wait(), transaction.atomic():
            reader = _locked_reader(request.reader)
            return self._consume_locked(reader, request)

    def peek(self, reader: str, allowance: int, since: dt.datetime) -> MeterState:
        """Return the reader's state without counting anything."""
        used = MeterRead.objects.filter(reader__key=reader, read_at__gte=since).count()
        return MeterState(allowance=allowance, used=used, is_counted=False)

    def erase_reader(self, user_id: int) -> int:
        """Delete the account's reader row and, with it, every read counted for it."""
        key = account_key(user_id)
        reads = MeterRead.objects.filter(reader__key=key).count()
        MeterReader.objects.filter(key=key).delete()  # its reads go by cascade
        return reads

    def reading_history(self, user_id: int) -> list[CountedRead]:
        """Return the account's counted reads, oldest first."""
        rows = (
            MeterRead.objects.filter(reader__key=account_key(user_id))
            .order_by("read_at", "article_id")
            .values_list("article_id", "read_at")
        )
        return [CountedRead(article_id, read_at) for article_id, read_at in rows]

    def _consume_locked(self, reader: MeterReader, request: MeterRequest) -> MeterState:
        reads = MeterRead.objects.filter(reader=reader)
        this_article = Q(article_id=request.article_id)
        in_window = Q(read_at__gte=request.since)
        seen = reads.aggregate(
            used=Count("pk", filter=in_window),
            counted=Count("pk", filter=this_article & in_window),
            ever=Count("pk", filter=this_article),
        )
        used = int(seen["used"])
        if seen["counted"]:
            return MeterState(request.allowance, used, is_counted=True)
        if used >= request.allowance:
            return MeterState(request.allowance, used, is_counted=False)
        if request.network is not None and not _take_network_read(request):
            return MeterState(request.allowance, used, False, is_network_exhausted=True)
        if seen["ever"]:  # counted in an earlier window: it counts again in this one
            reads.filter(this_article).update(read_at=request.now)
        else:
            MeterRead.objects.create(
                reader=reader, article_id=request.article_id, read_at=request.now
            )
        return MeterState(request.allowance, used + 1, is_counted=True)


def _consume_in_one_statement(request: MeterRequest) -> MeterState:
    """Count on PostgreSQL with the migration's function: lock, count, compare, insert."""
    day = request.now.astimezone(dt.UTC).date()
    row = _first_row_as_the_probe(
        # Typed placeholders: the parameters travel apart from the text (below), and the
        # casts name the one function there is whatever size an integer arrives in.
        "SELECT used, counted, network_exhausted FROM masthead_meter_consume("
        "%s::text, %s::bigint, %s::integer, %s::timestamptz, %s::timestamptz, %s::text, "
        "%s::integer, %s::date)",
        [
            request.reader,
            request.article_id,
            request.allowance,
            request.since,
            request.now,
            request.network,
            request.network_allowance,
            day,
        ],
    )
    if row is None:  # the function always answers one row; anything else is a bug
        raise RuntimeError("masthead_meter_consume answered no row")
    used, counted, exhausted = int(row[0]), bool(row[1]), bool(row[2])
    return MeterState(request.allowance, used, is_counted=counted, is_network_exhausted=exhausted)


def _first_row_as_the_probe(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run the count's statement and return its first row, with no ``SELECT 1`` before it.

    With ``CONN_HEALTH_CHECKS`` Django pings a reused connection before the first query
    of each request. On a check whose only query is the count, that ping is a second
    round trip and about a third of the count's CPU, in the worker and in PostgreSQL
    alike. Here the count's own statement is the probe: if the kept connection turns out
    dead, it is closed and the statement runs once more on a new one, which is what the
    ping would have led to. Running it twice cannot count twice: if the first run
    committed, the second finds the article counted in the window and changes nothing.

    Inside an atomic block (tests, or a caller's transaction), on a fresh connection, or
    when the ping is already done or switched off, Django's own rules apply unchanged.
    """
    # One look-up of this thread's wrapper: each attribute read through the ``connection``
    # proxy looks it up again. Typed Any: Django's stubs leave out the health-check flags
    # (attributes of every wrapper since Django 4.1).
    db: Any = connections[DEFAULT_DB_ALIAS]
    probing = (
        db.connection is not None
        and db.health_check_enabled
        and not db.health_check_done
        and not db.in_atomic_block
    )
    if probing:
        db.health_check_done = True  # what a passed ping would have set
    try:
        return _first_row(db, sql, params)
    except (OperationalError, InterfaceError):
        # A live connection that refused the statement: a real error, raised as ever.
        if not probing or db.is_usable():
            raise
    db.close()  # dead: the next cursor connects anew, as after a failed ping
    return _first_row(db, sql, params)


def _first_row(db: Any, sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run ``sql`` on ``db`` with the parameters bound by the server; return the first row.

    The steps of ``db.cursor()``, with Django's server-binding cursor in place of the
    default one, which quotes every parameter into the text in Python: for the count's
    eight parameters (two of them datetimes) that quoting is about a quarter of the
    call's CPU in the worker. The cursor is still wrapped by Django, so the statement is
    logged, captured by tests and mapped to Django's errors like any other. Under
    psycopg 2 (no such cursor) it is ``db.cursor()``.
    """
    from django.db.backends.postgresql import base as postgresql  # imported on PostgreSQL only

    server_binding = getattr(postgresql, "ServerBindingCursor", None)  # psycopg 3 only
    if server_binding is None:
        cursor = db.cursor()
    else:
        db.close_if_health_check_failed()
        db.ensure_connection()
        with db.wrap_database_errors:
            raw = server_binding(db.connection)
        db.validate_thread_sharing()
        cursor = db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


@contextlib.contextmanager
def _sqlite_lock_wait() -> Iterator[None]:
    """Wait at most the meter's lock wait for SQLite's write lock, then restore the wait.

    The connection's own busy timeout (5 s) suits other writes; the meter's attempt is
    shorter, so several fit in its budget and the check stays inside the request timeout.
    Outside SQLite (or inside an outer transaction, as in tests) nothing changes.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    wait, _budget = meter_wait_settings()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        row = cursor.fetchone()
        before = int(row[0]) if row else 5000
        cursor.execute(f"PRAGMA busy_timeout = {max(int(wait * 1000), 1)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {before}")


def _locked_reader(key: str) -> MeterReader:
    """Return the reader's row, locked until the transaction ends; create it if new.

    A reader seen before costs one SELECT ... FOR UPDATE. For a new one, the insert
    ignores a conflict: on PostgreSQL a concurrent first insert makes it wait for that
    transaction and then do nothing, so both end up locking the same row.
    """
    found = MeterReader.objects.select_for_update().filter(key=key).first()
    if found is not None:
        return found
    MeterReader.objects.bulk_create([MeterReader(key=key)], ignore_conflicts=True)
    return MeterReader.objects.select_for_update().get(key=key)


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
