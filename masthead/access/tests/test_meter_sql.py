"""The SQL meter store (SQLite here; the same tests run on PostgreSQL with -m postgres)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import MeterStore
from masthead.access.models import MeterRead

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
