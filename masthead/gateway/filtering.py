"""The proxy and the sync wired to the leak firewall (``firewall*.py``, docs/firewall.md).

Two dotted-path settings plug the firewall in (the shipped one by default, below):

- ``GATEWAY_FIREWALL`` names ``filter(path, query, response) -> ProxiedResponse``: it gets
  every origin response the gateway is about to pass on (after link rewriting) and returns
  it, changed (an excerpt instead of a full text, a block) or not.
- ``GATEWAY_FIREWALL_INDEX`` names ``remember(article_id, path, gated_text, preview_text)``:
  the sync hands it every walled post's gated text (and ``""`` when a post stops being
  walled), so the firewall knows it before a reader asks.

A filter that raises blocks the response (fail closed); an index that raises is logged
and the sync goes on (the post stays walled; the page path never depended on it).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol, cast

from django.conf import settings
from django.db.models import Max
from django.utils.html import escape
from django.utils.module_loading import import_string

from masthead.gateway.firewall import Article, ShingleIndex
from masthead.gateway.firewall_doors import Action, Firewall
from masthead.gateway.firewall_events import record_hits
from masthead.gateway.firewall_store import FirewallStore, SharedIndex
from masthead.gateway.models import ORIGIN_ID_BASE, OriginArticle

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProxiedResponse:
    """An origin response as the gateway will send it (headers lower-cased)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type, parameters dropped."""
        for name, value in self.headers:
            if name == "content-type":
                return value.split(";")[0].strip().lower()
        return ""

    def with_body(self, body: bytes) -> ProxiedResponse:
        """The same response with another body (Content-Length is the proxy's job)."""
        return replace(self, body=body)


class ResponseFilter(Protocol):
    """``GATEWAY_FIREWALL``."""

    def __call__(self, path: str, query: str, response: ProxiedResponse, /) -> ProxiedResponse:
        """Return the response to send; raise to block it."""
        ...


class GatedIndex(Protocol):
    """``GATEWAY_FIREWALL_INDEX``."""

    def __call__(self, article_id: int, path: str, gated_text: str, preview_text: str, /) -> None:
        """Remember (or, with ``gated_text`` empty, forget) one article's gated text."""
        ...


BLOCKED = ProxiedResponse(
    403,
    (("content-type", "text/plain; charset=utf-8"), ("cache-control", "private, no-store")),
    b"This response was withheld.\n",
)


def filter_response(path: str, query: str, response: ProxiedResponse) -> ProxiedResponse:
    """Pass ``response`` through the configured firewall; a failing firewall blocks."""
    dotted = getattr(settings, "GATEWAY_FIREWALL", "")
    if not dotted:
        return response
    try:
        chosen = cast(ResponseFilter, import_string(dotted))(path, query, response)
    except Exception:
        logger.exception("gateway_firewall_failed path=%s", path)
        return BLOCKED
    return chosen if isinstance(chosen, ProxiedResponse) else BLOCKED


def index_gated(article_id: int, path: str, gated_text: str, preview_text: str) -> None:
    """Hand one article's gated text to the firewall's index, when there is one."""
    dotted = getattr(settings, "GATEWAY_FIREWALL_INDEX", "")
    if not dotted:
        return
    try:
        cast(GatedIndex, import_string(dotted))(article_id, path, gated_text, preview_text)
    except Exception:
        logger.exception("gateway_firewall_index_failed article=%s", article_id)


# --- The shipped firewall: masthead.gateway.firewall* behind the two settings above ---

STORE_REDIS = "redis"
STORE_DATABASE = "database"
# How often a worker's database-backed index looks for a change (seconds).
CHECK_EVERY = 1.0


def _firewall_article(article_id: int, path: str, gated_text: str, preview_text: str) -> Article:
    return Article(
        key=str(article_id),
        gated=gated_text,
        preview=f"<p>{escape(preview_text)}</p>" if preview_text else "",
        origin_id=article_id - ORIGIN_ID_BASE,
        paths=(path,),
    )


@lru_cache(maxsize=1)
def _redis_store() -> FirewallStore:
    import redis

    return FirewallStore(redis.Redis.from_url(settings.REDIS_URL))


@lru_cache(maxsize=1)
def _shared_index() -> SharedIndex:
    return SharedIndex(_redis_store(), check_every=CHECK_EVERY)


class DatabaseIndex:
    """A worker's index read from the origin articles' table (no Redis configured).

    It reloads when the table's signature (rows, walled rows, last sync) moves, checked at
    most every ``CHECK_EVERY`` seconds. Ready once the table has any row: before the first
    sync nothing is known, and the firewall blocks what it would scan (fail closed).
    """

    def __init__(self) -> None:
        """An empty index, not loaded yet."""
        self.index = ShingleIndex()
        self._signature: tuple[object, ...] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Reload when due and changed; return whether the index is ready."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked < CHECK_EVERY and self._signature is not None:
                return True
            self._checked = now
            walled = OriginArticle.objects.filter(status="publish").exclude(level="free")
            signature = (
                OriginArticle.objects.count(),
                walled.count(),
                walled.aggregate(last=Max("synced_at"))["last"],
            )
            if signature[0] == 0:
                self._signature = None
                return False
            if signature != self._signature:
                rows = walled.exclude(gated_text="").values_list(
                    "origin_id", "path", "gated_text", "preview_text"
                )
                self.index.replace_all(
                    _firewall_article(ORIGIN_ID_BASE + origin_id, path, gated, preview)
                    for origin_id, path, gated, preview in rows
                )
                self._signature = signature
            return True


_DATABASE_INDEX = DatabaseIndex()


def reset_database_index() -> None:
    """Forget the database-backed index (tests that rebuild the table)."""
    global _DATABASE_INDEX
    _DATABASE_INDEX = DatabaseIndex()


def _index_and_ready() -> tuple[ShingleIndex, bool]:
    if settings.GATEWAY_FIREWALL_STORE == STORE_REDIS:
        shared = _shared_index()
        return shared.index, shared.refresh()
    return _DATABASE_INDEX.index, _DATABASE_INDEX.refresh()


def remember(article_id: int, path: str, gated_text: str, preview_text: str) -> None:
    """``GATEWAY_FIREWALL_INDEX``: write one article to the shared store (Redis).

    With the database store there is nothing to write: each worker reads the table.
    """
    if settings.GATEWAY_FIREWALL_STORE != STORE_REDIS:
        return
    if gated_text:
        _redis_store().put(_firewall_article(article_id, path, gated_text, preview_text))
    else:
        _redis_store().delete(str(article_id))


def shingle_filter(path: str, query: str, response: ProxiedResponse) -> ProxiedResponse:
    """``GATEWAY_FIREWALL``: the leak firewall (``firewall_doors.Firewall``) on one response.

    Known doors that carry gated text are rewritten to the preview, anything else that
    does is blocked, hits are recorded as ``firewall_hit`` events (docs/firewall.md).
    """
    index, ready = _index_and_ready()
    verdict = Firewall(index, reporter=record_hits, ready=lambda: ready).filter_response(
        path, query, response.content_type, response.body
    )
    dropped = {name.lower() for name in verdict.drop_headers}
    headers = [(name, value) for name, value in response.headers if name not in dropped]
    if verdict.action is Action.PASS:
        return ProxiedResponse(response.status, tuple(headers), response.body)
    if verdict.content_type:
        headers = [(n, v) for n, v in headers if n != "content-type"]
        headers.append(("content-type", verdict.content_type))
    if verdict.action is Action.BLOCK:
        headers = [(n, v) for n, v in headers if n not in {"cache-control", "set-cookie"}]
        headers.append(("cache-control", "private, no-store"))
        return ProxiedResponse(verdict.status or 403, tuple(headers), verdict.body)
    return ProxiedResponse(response.status, tuple(headers), verdict.body)
