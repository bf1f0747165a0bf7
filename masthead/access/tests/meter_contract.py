"""The behaviour every meter store must have, run against each store by a subclass."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from masthead.access.meters import MeterRequest, MeterStore, network_key

if TYPE_CHECKING:
    from django.test import SimpleTestCase as _Base
else:
    _Base = object  # a mixin: collected only through the concrete test classes

NOW = dt.datetime(2025, 2, 18, 18, 47, tzinfo=dt.UTC)
MONTH_START = dt.datetime(2025, 2, 1, 5, tzinfo=dt.UTC)


def ask(
    reader: str = "v:reader-one-abcdefgh",
    article: int = 1,
    *,
    allowance: int = 3,
    now: dt.datetime = NOW,
    since: dt.datetime = MONTH_START,
    network: str | None = None,
    network_allowance: int = 0,
) -> MeterRequest:
    return MeterRequest(reader, article, allowance, since, now, network, network_allowance)


class MeterStoreContract(_Base):
    """Mixed into a TestCase whose ``store()`` returns the store under test."""

    def store(self) -> MeterStore:
        raise NotImplementedError

    def test_it_counts_distinct_articles(self) -> None:
        store = self.store()
        states = [store.consume(ask(article=n)) for n in (1, 2)]
        self.assertEqual([s.used for s in states], [1, 2])
        self.assertIs(all(s.is_counted for s in states), True)

    def test_it_does_not_count_a_re_read(self) -> None:
        store = self.store()
        store.consume(ask(article=1))
        again = store.consume(ask(article=1, now=NOW + dt.timedelta(days=3)))
        self.assertEqual(again.used, 1)
        self.assertIs(again.is_counted, True)

    def test_it_refuses_past_the_allowance(self) -> None:
        store = self.store()
        for n in (1, 2, 3):
            store.consume(ask(article=n))
        fourth = store.consume(ask(article=4))
        self.assertIs(fourth.is_counted, False)
        self.assertEqual(fourth.used, 3)
        self.assertEqual(store.peek("v:reader-one-abcdefgh", 3, MONTH_START).used, 3)

    def test_it_still_opens_counted_articles_when_spent(self) -> None:
        store = self.store()
        for n in (1, 2, 3):
            store.consume(ask(article=n))
        self.assertIs(store.consume(ask(article=2)).is_counted, True)

    def test_it_keeps_readers_apart(self) -> None:
        store = self.store()
        store.consume(ask("v:reader-one-abcdefgh", 1))
        other = store.consume(ask("u:42", 1))
        self.assertEqual(other.used, 1)

    def test_it_forgets_reads_from_before_the_window(self) -> None:
        store = self.store()
        last_month = MONTH_START - dt.timedelta(days=2)
        store.consume(ask(article=1, now=last_month, since=last_month - dt.timedelta(days=20)))
        fresh = store.consume(ask(article=1))
        self.assertEqual(fresh.used, 1)
        self.assertIs(fresh.is_counted, True)
        self.assertEqual(store.peek("v:reader-one-abcdefgh", 3, MONTH_START).used, 1)

    def test_it_counts_a_read_exactly_at_the_window_start(self) -> None:
        store = self.store()
        store.consume(ask(article=1, now=MONTH_START))
        self.assertEqual(store.peek("v:reader-one-abcdefgh", 3, MONTH_START).used, 1)
        later = MONTH_START + dt.timedelta(seconds=1)
        self.assertEqual(store.peek("v:reader-one-abcdefgh", 3, later).used, 0)

    def test_it_enforces_the_network_allowance(self) -> None:
        store = self.store()
        net: dict[str, Any] = {"network": "10.1.2.0/24", "network_allowance": 2}
        first = store.consume(ask("v:aaaaaaaaaaaaaaaa", 1, **net))
        second = store.consume(ask("v:bbbbbbbbbbbbbbbb", 1, **net))
        third = store.consume(ask("v:cccccccccccccccc", 1, **net))
        self.assertIs(first.is_counted and second.is_counted, True)
        self.assertIs(third.is_counted, False)
        self.assertIs(third.is_network_exhausted, True)
        tomorrow = store.consume(
            ask("v:cccccccccccccccc", 1, now=NOW + dt.timedelta(days=1), **net)
        )
        self.assertIs(tomorrow.is_counted, True)

    def test_it_lets_re_reads_through_a_spent_network(self) -> None:
        store = self.store()
        net: dict[str, Any] = {"network": "10.1.3.0/24", "network_allowance": 1}
        store.consume(ask("v:aaaaaaaaaaaaaaaa", 1, **net))
        self.assertIs(store.consume(ask("v:aaaaaaaaaaaaaaaa", 1, **net)).is_counted, True)

    # Privacy: a deleted account's meter history goes, and only its own.

    def test_it_gives_an_account_its_reading_history_oldest_first(self) -> None:
        store = self.store()
        store.consume(ask("u:41", 7, now=NOW))
        store.consume(ask("u:41", 5, now=NOW - dt.timedelta(days=2)))
        store.consume(ask("u:42", 9, now=NOW))
        history = store.reading_history(41)
        self.assertEqual([(read.article_id, read.read_at) for read in history],
                         [(5, NOW - dt.timedelta(days=2)), (7, NOW)])  # fmt: skip
        self.assertEqual(store.reading_history(43), [])

    def test_erasing_an_account_forgets_its_reads_and_nobody_elses(self) -> None:
        store = self.store()
        for article in (1, 2, 3):
            store.consume(ask("u:41", article))
        store.consume(ask("u:42", 1))
        store.consume(ask("v:visitor-of-41-abcd", 1))
        self.assertEqual(store.erase_reader(41), 3)
        self.assertEqual(store.reading_history(41), [])
        self.assertEqual(store.peek("u:41", 3, MONTH_START).used, 0)
        self.assertEqual([read.article_id for read in store.reading_history(42)], [1])
        self.assertEqual(store.peek("v:visitor-of-41-abcd", 3, MONTH_START).used, 1)
        self.assertEqual(store.erase_reader(41), 0)
        # The account starts afresh if the id ever counts again (it will not: ids are not reused).
        self.assertIs(store.consume(ask("u:41", 1)).is_counted, True)

    def test_it_counts_registered_and_anonymous_networks_apart(self) -> None:
        store = self.store()
        anonymous: dict[str, Any] = {
            "network": network_key("10.1.4.0/24", registered=False),
            "network_allowance": 1,
        }
        registered: dict[str, Any] = {
            "network": network_key("10.1.4.0/24", registered=True),
            "network_allowance": 2,
        }
        self.assertIs(store.consume(ask("v:aaaaaaaaaaaaaaaa", 1, **anonymous)).is_counted, True)
        spent = store.consume(ask("v:bbbbbbbbbbbbbbbb", 1, **anonymous))
        self.assertIs(spent.is_network_exhausted, True)
        # The anonymous count spent nothing of the registered one, and the other way round.
        first, second, third = (
            store.consume(ask(f"u:{n}", 1, **registered)) for n in (501, 502, 503)
        )
        self.assertIs(first.is_counted and second.is_counted, True)
        self.assertIs(third.is_counted, False)
        self.assertIs(third.is_network_exhausted, True)
        self.assertIs(store.consume(ask("v:aaaaaaaaaaaaaaaa", 2, **anonymous)).is_counted, False)
