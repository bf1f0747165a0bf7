"""The shared index: workers follow the store's generation, incrementally; fail closed."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from masthead.gateway.firewall import Article
from masthead.gateway.firewall_doors import Action, Firewall
from masthead.gateway.firewall_store import (
    FirewallStore,
    SharedIndex,
    decode_article,
    encode_article,
)

pytestmark = pytest.mark.redis

GATED = {
    "a1": "The treasurer warned that the reserve fund would fall below its legal minimum by March",
    "a2": "Fishermen who worked near the site reported no change in their catch over the summer",
    "a3": "The band turns out to be the mayor's nephew and his friends from the rowing club",
}


def article(key: str, gated: str | None = None) -> Article:
    return Article(
        key=key, gated=gated or GATED[key], preview="<p>A lead-in.</p>", origin_id=int(key[1:])
    )


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(redis_url: str) -> Iterator[FirewallStore]:
    client = redis.Redis.from_url(redis_url)
    prefix = f"test:firewall:{secrets.token_hex(4)}:"
    yield FirewallStore(client, prefix)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


def test_articles_round_trip_through_json() -> None:
    original = Article("k", "gated", "<p>preview</p>", "Title", 4, ("/a/", "/b/"))
    assert decode_article(encode_article(original)) == original


def test_a_worker_follows_puts_replacements_and_deletes(store: FirewallStore) -> None:
    clock = Clock()
    worker = SharedIndex(store, check_every=1.0, clock=clock)
    assert not worker.ready()  # nothing loaded: not ready, and the firewall blocks
    store.put(article("a1"), article("a2"))
    clock.now += 2
    assert worker.ready()
    assert worker.index.scan(GATED["a1"]).keys == ("a1",)
    assert worker.index.scan(GATED["a2"]).keys == ("a2",)
    # A post moved from free to walled: known to the worker at its next check.
    store.put(article("a3"))
    assert not worker.index.scan(GATED["a3"])  # within check_every: no round trip yet
    clock.now += 2
    worker.refresh()
    assert worker.index.scan(GATED["a3"]).keys == ("a3",)
    store.put(article("a1", "An entirely new gated paragraph about the tide tables and the moon"))
    store.delete("a2")
    clock.now += 2
    worker.refresh()
    assert not worker.index.scan(GATED["a1"]) and not worker.index.scan(GATED["a2"])
    assert worker.index.scan("an entirely new gated paragraph about the tide tables").keys == (
        "a1",
    )
    assert sorted(worker.index.keys()) == ["a1", "a3"]
    assert worker.generation == store.generation()


def test_replace_all_and_a_second_worker_agree(store: FirewallStore) -> None:
    store.put(article("a1"))
    store.replace_all([article("a2"), article("a3")])
    worker = SharedIndex(store, check_every=0)
    assert worker.refresh()
    assert sorted(worker.index.keys()) == ["a2", "a3"]


def test_an_unchanged_generation_costs_one_read(
    store: FirewallStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put(article("a1"))
    worker = SharedIndex(store, check_every=0)
    worker.refresh()
    calls: list[str] = []

    def versions() -> tuple[int, dict[str, str]]:
        calls.append("versions")
        return 0, {}

    monkeypatch.setattr(store, "versions", versions)
    worker.refresh()
    assert calls == []


def test_redis_down_keeps_the_last_copy_and_never_a_first(store: FirewallStore) -> None:
    store.put(article("a1"))
    worker = SharedIndex(store, check_every=0)
    assert worker.refresh()
    nowhere = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    down = FirewallStore(nowhere)
    worker.store = down
    assert worker.refresh()  # still the copy it had
    assert worker.index.scan(GATED["a1"])
    fresh = SharedIndex(down, check_every=0)
    firewall = Firewall(fresh.index, ready=fresh.ready, reporter=lambda verdict, path: None)
    verdict = firewall.filter_response("/wp-json/wp/v2/posts", "", "application/json", b"[]")
    assert verdict.action is Action.BLOCK and verdict.reason == "index_unavailable"
