"""SQLite's "database is locked" while counting is waited out, never taken for a store that is down.

In the default fail mode a store that is down opens metered articles uncounted; if lock
contention counted as "down", the crowd that makes the contention would read for free.
So the count is tried again while the check has time (each attempt's lock wait is short,
the budget is well inside the request timeout), and when the budget runs out the check
answers 503 "try again" rather than granting anything.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from unittest import mock

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client, SimpleTestCase, TestCase, override_settings

from masthead.access import meters
from masthead.access.checks import check_paywall_settings
from masthead.access.meter_sql import SqlMeterStore
from masthead.access.meters import CountedRead, MeterRequest, count_read, is_lock_contention
from masthead.access.policy import UNAVAILABLE_METER, MeterState
from masthead.access.visitors import SALT

from .helpers import check, in_threads, make_article
from .meter_contract import MONTH_START, NOW, ask

THREADS = 50
# A 1 ms lock wait makes nearly every colliding attempt fail with "database is locked"
# at once, so the retries are what this test exercises.
CONTENDED = {
    "PAYWALL_METER_STORE": "sql",
    "PAYWALL_METER_LOCK_WAIT_SECONDS": 0.001,
    "PAYWALL_METER_LOCK_BUDGET_SECONDS": 25.0,
}


def _in_threads(work: Callable[[int], object]) -> list[object]:
    return in_threads(work, THREADS, join_seconds=60)


def _needs_file_sqlite() -> None:
    if connection.vendor != "sqlite" or "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("lock contention is SQLite's, on a file database")


class _Retries:
    """Counts the meter's lock retries across threads (they log ``meter_lock_retry``)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()
        self._info = meters.logger.info

    def __call__(self, message: str, *args: object) -> None:
        if message.startswith("meter_lock_retry"):
            with self._lock:
                self.count += 1
        self._info(message, *args)


@pytest.mark.django_db(transaction=True)
def test_50_threads_on_a_file_sqlite_grant_exactly_the_allowance() -> None:
    _needs_file_sqlite()
    articles = [make_article("metered").pk for _ in range(THREADS)]
    cookie = signing.Signer(salt=SALT).sign(uuid.uuid4().hex)
    retries = _Retries()

    def one(index: int) -> object:
        client = Client(REMOTE_ADDR=f"127.0.{index}.9")
        client.cookies["masthead_visitor"] = cookie
        response = check(client, articles[index])
        if response.status_code != 200:
            return response.status_code
        return response.json()["reason"]

    with (
        override_settings(**CONTENDED, PAYWALL_ANONYMOUS_ALLOWANCE=5, PAYWALL_FAIL_MODE="open"),
        mock.patch.object(meters.logger, "info", retries),
    ):
        reasons = _in_threads(one)
    assert reasons.count("metered") == 5, reasons
    assert reasons.count("meter_exhausted") == THREADS - 5, reasons
    assert "meter_unavailable" not in reasons
    assert retries.count > 0, "no lock was ever contended: the test proved nothing"


@pytest.mark.django_db(transaction=True)
def test_50_threads_counting_directly_never_see_an_unavailable_store() -> None:
    _needs_file_sqlite()
    store = SqlMeterStore()

    def one(index: int) -> object:
        state = count_read(store, MeterRequest("u:77", index + 1, 3, MONTH_START, NOW))
        return "unavailable" if not state.is_available else state.is_counted

    with override_settings(**CONTENDED):
        results = _in_threads(one)
    assert "unavailable" not in results, results
    assert results.count(True) == 3, results
    assert results.count(False) == THREADS - 3, results
    assert store.peek("u:77", 3, MONTH_START).used == 3


class _Store:
    """A store that fails ``failures`` times with ``error`` and then counts."""

    def __init__(self, error: Exception, failures: int) -> None:
        self.error, self.failures, self.calls = error, failures, 0

    def consume(self, request: MeterRequest) -> MeterState:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return MeterState(request.allowance, 1, is_counted=True)

    def peek(self, *args: object) -> MeterState:
        raise NotImplementedError

    def erase_reader(self, user_id: int) -> int:
        raise NotImplementedError

    def reading_history(self, user_id: int) -> list[CountedRead]:
        raise NotImplementedError


class RetryRulesTests(SimpleTestCase):
    def test_it_knows_lock_contention_from_an_outage(self) -> None:
        self.assertTrue(is_lock_contention(OperationalError("database is locked")))
        self.assertTrue(is_lock_contention(OperationalError("database table is locked")))
        self.assertFalse(is_lock_contention(OperationalError("unable to open database file")))
        self.assertFalse(is_lock_contention(OperationalError("connection refused")))

    @override_settings(PAYWALL_METER_LOCK_BUDGET_SECONDS=5.0)
    def test_it_retries_a_locked_database(self) -> None:
        store = _Store(OperationalError("database is locked"), failures=3)
        state = count_read(store, ask())
        self.assertTrue(state.is_available and state.is_counted)
        self.assertEqual(store.calls, 4)

    @override_settings(PAYWALL_METER_LOCK_BUDGET_SECONDS=0.05)
    def test_a_lock_that_outlasts_the_budget_is_raised_never_unavailable(self) -> None:
        store = _Store(OperationalError("database is locked"), failures=10**6)
        with self.assertRaises(OperationalError):
            count_read(store, ask())
        self.assertGreater(store.calls, 1)

    def test_an_outage_is_unavailable_at_once(self) -> None:
        store = _Store(OperationalError("unable to open database file"), failures=10**6)
        self.assertIs(count_read(store, ask()), UNAVAILABLE_METER)
        self.assertEqual(store.calls, 1)


@override_settings(
    PAYWALL_METER_STORE="sql", PAYWALL_FAIL_MODE="open", PAYWALL_METER_LOCK_BUDGET_SECONDS=0.05
)
class LockedCheckTests(TestCase):
    def test_a_check_that_cannot_get_the_lock_answers_503_and_grants_nothing(self) -> None:
        article = make_article("metered")
        locked = OperationalError("database is locked")
        with mock.patch.object(SqlMeterStore, "consume", side_effect=locked):
            response = check(self.client, article.pk)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "5")
        self.assertNotIn(article.gated_marker, response.content.decode())
        self.assertNotIn("meter_unavailable", response.content.decode())


class LockWaitSettingsTests(SimpleTestCase):
    def _errors(self) -> list[str]:
        return [error.id for error in check_paywall_settings() if error.id == "access.E007"]

    def test_the_defaults_fit_in_the_request_timeout(self) -> None:
        self.assertEqual(self._errors(), [])

    def test_it_refuses_waits_that_outlast_the_request(self) -> None:
        for wait, budget in ((5.0, 2.0), (2.0, 29.0), (0.0, 10.0), (40.0, 60.0)):
            with (
                self.subTest(wait=wait, budget=budget),
                self.settings(
                    PAYWALL_METER_LOCK_WAIT_SECONDS=wait, PAYWALL_METER_LOCK_BUDGET_SECONDS=budget
                ),
            ):
                self.assertEqual(self._errors(), ["access.E007"])

    def test_manage_py_check_reports_it(self) -> None:
        with self.settings(PAYWALL_METER_LOCK_BUDGET_SECONDS=60.0):
            with self.assertRaises(Exception) as raised:
                call_command("check")
        self.assertIn("access.E007", str(raised.exception))
