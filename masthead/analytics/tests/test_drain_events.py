"""Events through the Redis stream: the flusher appends, ``drain_events`` writes them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from masthead.analytics import stream
from masthead.analytics.models import Event
from masthead.analytics.recording import BUFFER, store_event
from masthead.core.events import Event as Happened
from masthead.core.events import EventKind

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def streaming(redis_url: str) -> Iterator[str]:
    """Events go to a stream of their own on the test Redis; the flusher is not synchronous."""
    key = f"test:{uuid.uuid4().hex}:events"
    with override_settings(
        REDIS_URL=redis_url, ANALYTICS_STREAM=True, ANALYTICS_STREAM_KEY=key, ANALYTICS_SYNC=False
    ):
        yield key
        stream.client().delete(key)


def _record(article_id: int, **fields: Any) -> None:
    store_event(
        Happened(
            EventKind.ACCESS_CHECK,
            at=timezone.now(),
            article_id=article_id,
            visitor="visitor-abc",
            granted=True,
            reason="metered",
            reader_kind="anonymous",
            section="metro",
            extra={"experiment": 3, "arm": "b"},
            **fields,
        )
    )


def _columns() -> list[tuple[Any, ...]]:
    return list(
        Event.objects.order_by("pk").values_list(
            "kind",
            "article_id",
            "user_id",
            "visitor",
            "granted",
            "reason",
            "offer",
            "reader_kind",
            "section",
            "extra",
        )
    )


def test_events_go_to_the_stream_and_the_drain_writes_them_unchanged(streaming: str) -> None:
    _record(11)
    _record(12)
    BUFFER.flush()
    assert Event.objects.count() == 0
    assert stream.waiting() == 1  # the batch, as one entry
    call_command("drain_events", "--once", stdout=mock.MagicMock())
    assert stream.waiting() == 0
    rows = _columns()
    assert [row[1] for row in rows] == [11, 12]
    kind, _, user_id, visitor, granted, reason, offer, reader_kind, section, extra = rows[0]
    assert (kind, user_id, granted, reason, offer, reader_kind, section) == (
        "access_check",
        None,
        True,
        "metered",
        "",
        "anonymous",
        "metro",
    )
    assert visitor and visitor != "visitor-abc"  # hashed before it left the worker
    assert extra == {"experiment": 3, "arm": "b"}


def test_the_same_rows_as_without_the_stream(streaming: str) -> None:
    _record(21)
    BUFFER.flush()
    call_command("drain_events", "--once", stdout=mock.MagicMock())
    with override_settings(ANALYTICS_STREAM=False):
        _record(21)
        BUFFER.flush()
    streamed, direct = _columns()
    assert streamed == direct


def test_nothing_is_lost_while_the_database_is_down(streaming: str) -> None:
    _record(31)
    _record(32)
    BUFFER.flush()
    with (
        mock.patch("masthead.analytics.store.write_events", side_effect=OperationalError("gone")),
        pytest.raises(CommandError),
    ):
        call_command("drain_events", "--once", stdout=mock.MagicMock(), stderr=mock.MagicMock())
    assert stream.waiting() == 1 and Event.objects.count() == 0
    call_command("drain_events", "--once", stdout=mock.MagicMock())
    assert [row[1] for row in _columns()] == [31, 32]
    assert stream.waiting() == 0


def test_a_redis_that_cannot_take_a_batch_leaves_it_to_the_database(streaming: str) -> None:
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        _record(41)
        BUFFER.flush()
    assert [row[1] for row in _columns()] == [41]


def test_the_drain_refuses_to_run_without_a_stream() -> None:
    with override_settings(ANALYTICS_STREAM=False), pytest.raises(CommandError):
        call_command("drain_events", "--once")


@override_settings(ANALYTICS_BATCH_SIZE=2, ANALYTICS_STREAM_MAX_LENGTH=1000)
def test_a_batch_goes_in_chunks_and_each_chunk_is_written_whole(streaming: str) -> None:
    for article in (51, 52, 53, 54, 55):
        _record(article)
    BUFFER.flush()
    assert stream.waiting() == 3  # 2 + 2 + 1
    # One chunk per drain step (--batch 2): the first write fails, its chunk stays pending
    # and comes first next time; nothing is written twice or skipped.
    with mock.patch("masthead.analytics.store.write_events", side_effect=OperationalError("x")):
        with pytest.raises(OperationalError):
            stream.drain_once(batch=2)
    assert stream.drain_once(batch=2) == 2
    assert [row[1] for row in _columns()] == [51, 52]
    call_command("drain_events", "--once", "--batch", "2", stdout=mock.MagicMock())
    assert [row[1] for row in _columns()] == [51, 52, 53, 54, 55]
    assert stream.waiting() == 0


def test_an_entry_of_one_row_from_an_earlier_version_is_still_written(streaming: str) -> None:
    _record(61)
    BUFFER.flush()
    entries: Any = stream.client().xrange(streaming)
    entry_id, fields = entries[0]
    (row,) = stream.decode(fields)
    stream.client().xdel(streaming, entry_id)
    # What an earlier version appended: one entry per row, in a field named "row".
    stream.client().xadd(streaming, {"row": stream.encode([row])[1:-1]})
    call_command("drain_events", "--once", stdout=mock.MagicMock())
    assert [row[1] for row in _columns()] == [61]
