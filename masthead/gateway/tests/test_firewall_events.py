"""Firewall hits reach the site's events (and so the Dashboard's totals)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from masthead.core import events
from masthead.core.events import Event, EventKind
from masthead.gateway.firewall_doors import Action, Door, Firewall, Verdict
from masthead.gateway.firewall_events import record_hits
from masthead.gateway.tests.firewall_fixtures import build_index, door


@pytest.fixture
def recorded() -> Iterator[list[Event]]:
    seen: list[Event] = []
    events.subscribe(seen.append)
    yield seen
    events.unsubscribe(seen.append)


def test_each_article_hit_is_one_event_with_its_door(recorded: list[Event]) -> None:
    firewall = Firewall(build_index(), reporter=record_hits)
    captured = door("feed-rss2")
    firewall.filter_response(captured.path, captured.query, captured.content_type, captured.body)
    assert {event.extra["article"] for event in recorded} == {"wp:4", "wp:7", "wp:9"}
    assert all(event.kind is EventKind.FIREWALL_HIT for event in recorded)
    assert {(event.extra["door"], event.reason) for event in recorded} == {("feed", "rewrite")}
    assert EventKind.FIREWALL_HIT.label == "Leak firewall hit"


def test_a_numeric_key_is_the_masthead_article(recorded: list[Event]) -> None:
    record_hits(Verdict(Action.BLOCK, Door.UNKNOWN, b"", hits=("42",), reason="unknown_door"), "/x")
    assert recorded[0].article_id == 42 and recorded[0].reason == "block"


def test_a_block_without_an_article_is_not_a_hit(recorded: list[Event]) -> None:
    record_hits(Verdict(Action.BLOCK, Door.REST, b"", reason="encoding br"), "/wp-json/")
    assert recorded == []


def test_the_dashboard_totals_count_firewall_hits() -> None:
    from masthead.analytics.figures import totals_table

    rows = [{"kind": "firewall_hit", "count": 3}, {"kind": "access_check", "count": 5}]
    table = totals_table(period=None, rows=rows)  # type: ignore[arg-type]
    assert ("Leak firewall hit", 3) in table.rows
