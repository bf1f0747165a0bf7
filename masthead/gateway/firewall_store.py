"""One firewall index shared by every worker process: articles in Redis, a generation number.

The process that learns about walled articles (the gateway's sync with the origin) writes
them with ``FirewallStore.put`` / ``delete`` / ``replace_all``; each write bumps a
generation number. Every worker keeps its own ``ShingleIndex`` in memory (matching must not
cost a round trip) inside a ``SharedIndex``, which checks the generation at most every
``check_every`` seconds and, when it moved, fetches only the articles whose version changed
and applies them incrementally (add, replace, remove).

Redis keys (prefix ``masthead:firewall:``): ``articles`` (hash: key -> the article as JSON,
gated text included: this Redis must be as private as the database), ``versions`` (hash:
key -> digest of that JSON) and ``generation`` (a counter).

Fail closed: a worker that has never loaded the index is not ``ready`` (the firewall then
blocks); one that loaded it once keeps using its copy while Redis is unreachable, and says
so in the log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any, Protocol

from masthead.gateway.firewall import SHINGLE_WORDS, STRIDE, Article, ShingleIndex

logger = logging.getLogger("masthead.gateway.firewall")

PREFIX = "masthead:firewall:"


class RedisLike(Protocol):
    """The few Redis commands the store uses (redis-py's client, or a pipeline's)."""

    def pipeline(self, transaction: bool = True) -> Any:
        """A pipeline (MULTI/EXEC when ``transaction``)."""

    def get(self, name: str) -> Any:
        """GET."""

    def hgetall(self, name: str) -> Any:
        """HGETALL."""

    def hmget(self, name: str, keys: list[str]) -> Any:
        """HMGET."""


def encode_article(article: Article) -> str:
    """The article as the store keeps it (JSON)."""
    return json.dumps(asdict(article), sort_keys=True, ensure_ascii=False)


def decode_article(raw: str | bytes) -> Article:
    """An article back from ``encode_article``'s JSON."""
    fields = json.loads(raw)
    fields["paths"] = tuple(fields.get("paths", ()))
    return Article(**fields)


def _digest(encoded: str) -> str:
    return hashlib.sha256(encoded.encode()).hexdigest()[:20]


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


class FirewallStore:
    """The shared copy of the walled articles' firewall records, in Redis."""

    def __init__(self, client: RedisLike, prefix: str = PREFIX) -> None:
        self.client = client
        self.articles_key = prefix + "articles"
        self.versions_key = prefix + "versions"
        self.generation_key = prefix + "generation"

    def put(self, *articles: Article) -> int:
        """Add or replace ``articles``; return the new generation."""
        pipe = self.client.pipeline()
        for article in articles:
            encoded = encode_article(article)
            pipe.hset(self.articles_key, article.key, encoded)
            pipe.hset(self.versions_key, article.key, _digest(encoded))
        pipe.incr(self.generation_key)
        return int(pipe.execute()[-1])

    def delete(self, *keys: str) -> int:
        """Forget the articles ``keys`` (no longer walled, or deleted); return the generation."""
        pipe = self.client.pipeline()
        if keys:
            pipe.hdel(self.articles_key, *keys)
            pipe.hdel(self.versions_key, *keys)
        pipe.incr(self.generation_key)
        return int(pipe.execute()[-1])

    def replace_all(self, articles: Iterable[Article]) -> int:
        """Make the store hold exactly ``articles`` (one transaction); return the generation."""
        pipe = self.client.pipeline()
        pipe.delete(self.articles_key, self.versions_key)
        for article in articles:
            encoded = encode_article(article)
            pipe.hset(self.articles_key, article.key, encoded)
            pipe.hset(self.versions_key, article.key, _digest(encoded))
        pipe.incr(self.generation_key)
        return int(pipe.execute()[-1])

    def generation(self) -> int:
        """The current generation (0 before the first write)."""
        return int(self.client.get(self.generation_key) or 0)

    def versions(self) -> tuple[int, dict[str, str]]:
        """The generation and each article's version, read together."""
        pipe = self.client.pipeline()
        pipe.get(self.generation_key)
        pipe.hgetall(self.versions_key)
        generation, versions = pipe.execute()
        return int(generation or 0), {_text(k): _text(v) for k, v in versions.items()}

    def fetch(self, keys: list[str]) -> list[Article]:
        """The stored articles called ``keys`` (those that still exist)."""
        if not keys:
            return []
        raw = self.client.hmget(self.articles_key, keys)
        return [decode_article(value) for value in raw if value is not None]


class SharedIndex:
    """A worker's in-memory index that follows the store."""

    def __init__(
        self,
        store: FirewallStore,
        k: int = SHINGLE_WORDS,
        stride: int = STRIDE,
        check_every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.index = ShingleIndex(k, stride)
        self.check_every = check_every
        self._clock = clock
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._versions: dict[str, str] = {}
        self._checked = float("-inf")

    @property
    def generation(self) -> int | None:
        """The generation this worker's index reflects (None: never loaded)."""
        return self._generation

    def refresh(self, force: bool = False) -> bool:
        """Follow the store if its generation moved (at most every ``check_every`` s).

        Returns whether the index has been loaded at least once (``ready``).
        """
        now = self._clock()
        if not force and now - self._checked < self.check_every:
            return self._generation is not None
        with self._lock:
            if not force and now - self._checked < self.check_every:
                return self._generation is not None
            self._checked = now
            try:
                self._follow()
            except Exception as error:  # noqa: BLE001 - Redis down or a bad record: keep the copy
                logger.warning(
                    "firewall_store_unavailable generation=%s error=%s", self._generation, error
                )
        return self._generation is not None

    def _follow(self) -> None:
        generation = self.store.generation()
        if generation == self._generation or generation == 0:
            # 0: nothing was ever written, which is not "no walled article" but "the
            # gateway has not synced yet"; stay not ready (fail closed).
            return
        generation, versions = self.store.versions()
        changed = [key for key, version in versions.items() if self._versions.get(key) != version]
        gone = [key for key in self._versions if key not in versions]
        for article in self.store.fetch(changed):
            self.index.add(article)
        for key in gone:
            self.index.remove(key)
        self._versions = versions
        self._generation = generation

    def ready(self) -> bool:
        """For ``Firewall(ready=...)``: refresh when due; True once loaded."""
        return self.refresh()
