"""The SQL meter store (SQLite here; the same tests run on PostgreSQL with -m postgres)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import MeterStore
from masthead.access.models import MeterRead, NetworkDay

from .helpers import in_threads
from .meter_contract import MeterStoreContract, ask


@pytest.mark.postgres
class SqlMeterStoreTests(MeterStoreContract, TestCase):
    def store(self) -> MeterStore:
        return SqlMeterStore()


@pytest.fixture
def on_postgres() -> None:
    """Skip on SQLite: the count in one statement is PostgreSQL's."""
    if connection.vendor != "postgresql":
        pytest.skip("the count in one statement is PostgreSQL's")


@pytest.fixture
def pings(on_postgres: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count Django's connection health checks (its ``SELECT 1``) on PostgreSQL."""
    seen: list[int] = []
    wrapper_class: Any = type(connections["default"])  # the backend class, not the proxy
    usable = wrapper_class.is_usable

    def counted(wrapper: Any) -> bool:
        seen.append(1)
        return bool(usable(wrapper))

    monkeypatch.setattr(wrapper_class, "is_usable", counted)
    yield seen


def _next_request() -> None:
    """What Django does when a request starts: a kept connection is to be checked again."""
    close_old_connections()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_count_on_a_kept_connection_sends_no_ping_before_it(pings: list[int]) -> None:
    store = SqlMeterStore()
    store.consume(ask(article=1))  # the connection is open and kept
    _next_request()
    state = store.consume(ask(article=2))
    assert (state.used, state.is_counted) == (2, True)
    assert pings == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_count_on_a_connection_that_died_is_made_on_a_new_one(pings: list[int]) -> None:
    store = SqlMeterStore()
    store.consume(ask(article=1))
    dead_pid = connection.connection.info.backend_pid
    _end_backend(dead_pid)  # as a database restart would, between two requests
    _next_request()
    state = store.consume(ask(article=2))
    assert (state.used, state.is_counted) == (2, True)
    assert connection.connection.info.backend_pid != dead_pid
    assert MeterRead.objects.filter(reader__key=ask().reader).count() == 2
    assert pings == [1]  # asked once, after the statement failed: dead, so reconnect


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_counts_parameters_travel_apart_from_its_text(on_postgres: None) -> None:
    # Bound by the server, not quoted into the statement by the worker: the text sent
    # holds placeholders, and none of the values.
    reader = "v:o'reader-with-a-quote"
    with CaptureQueriesContext(connection) as queries:
        state = SqlMeterStore().consume(ask(reader, article=7))
    assert state.is_counted
    [statement] = [q["sql"] for q in queries.captured_queries]
    assert "masthead_meter_consume($1::text, $2::bigint" in statement, statement
    assert "reader-with-a-quote" not in statement


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_new_readers_on_one_new_network_get_exactly_its_allowance(
    on_postgres: None,
) -> None:
    # The network's counter is created and raised by one upsert: racing first reads on
    # a network nobody met yet still take exactly the allowance.
    store = SqlMeterStore()
    net = "198.51.100.0/24"

    def one(index: int) -> object:
        state = store.consume(ask(f"v:racer-{index}", 1, network=net, network_allowance=7))
        return "counted" if state.is_counted else state.is_network_exhausted

    results = in_threads(one, 50, join_seconds=30)
    assert results.count("counted") == 7, results
    assert results.count(True) == 43, results
    assert NetworkDay.objects.get(network=net).reads == 7


def _work(table: str) -> tuple[int, int, int]:
    """Return (rows inserted, rows updated, scans) on ``table`` in this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd, coalesce(idx_scan, 0) + coalesce(seq_scan, 0) "
            "FROM pg_stat_xact_user_tables WHERE relname = %s",
            [table],
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_count_does_no_work_it_does_not_need(on_postgres: None) -> None:
    # Migration 0004's function: a network met for the first time writes its counter
    # once; a reader just created has no reads to count; a reader seen before is found
    # (and locked) by one look-up, not an insert attempt and a look-up.
    store = SqlMeterStore()
    net = "203.0.113.0/24"
    first = store.consume(ask("v:met-just-now", 1, network=net, network_allowance=60))
    assert (first.used, first.is_counted) == (1, True)
    assert _work("access_networkday")[:2] == (1, 0)
    assert _work("access_meterread")[2] == 0
    readers_before = _work("access_meterreader")[2]
    second = store.consume(ask("v:met-just-now", 2, network=net, network_allowance=60))
    again = store.consume(ask("v:met-just-now", 2, network=net, network_allowance=60))
    assert (second.used, second.is_counted, again.used, again.is_counted) == (2, True, 2, True)
    assert _work("access_meterreader")[2] - readers_before == 2
    assert _work("access_networkday")[:2] == (1, 1)


@pytest.mark.postgres
@pytest.mark.django_db
def test_migration_0004_goes_back_to_the_function_before_it(on_postgres: None) -> None:
    module = importlib.import_module(
        "masthead.access.migrations.0004_meter_consume_fewer_statements"
    )
    [operation] = module.Migration.operations
    store = SqlMeterStore()
    with connection.schema_editor() as editor:  # in the test's transaction: undone after
        operation.reverse_code(None, editor)
        assert "this_ever" in _function_text()  # 0003's body
        assert store.consume(ask("v:before", 1)).is_counted
        operation.code(None, editor)
        assert "is_new_reader" in _function_text()
        assert store.consume(ask("v:after", 1)).is_counted


def _function_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'masthead_meter_consume'")
        [(text,)] = cursor.fetchall()
    return str(text)


def _end_backend(pid: int) -> None:
    """End server process ``pid`` from another connection and wait until it is gone."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # pg_terminate_backend only signals: wait (bounded) until the process has left.
        for _ in range(500):
            row = other.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if row is not None and row[0] == 0:
                return
            other.execute("SELECT pg_sleep(0.01)")
        raise AssertionError(f"backend {pid} did not end")
    finally:
        other.close()
