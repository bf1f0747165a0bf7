"""A short-lived cache in front of the content source the access check reads.

Every access check needs the article's facts and, when it grants, the rendered gated part;
both change only when an editor saves something. Entries carry the *generation* they were
made in, and any save of newsroom content starts a new generation, so an edit reaches the
very next check wherever the cache is shared (Redis in production). With a per-process
cache (the SQLite demo without Redis) other processes see an edit within
``NEWSROOM_PAYWALL_CACHE_SECONDS``. A cache that fails is skipped: the database answers.

The generation and the entries are read together (one ``get_many``), so a check costs one
cache round trip per lookup.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from masthead.access import content_changed

logger = logging.getLogger(__name__)

T = TypeVar("T")
_GENERATION_KEY = "newsroom:paywall:generation"
# Stored in place of None so that "not live" is cached too.
_MISSING = "__missing__"


def _ttl() -> int:
    return int(getattr(settings, "NEWSROOM_PAYWALL_CACHE_SECONDS", 60))


def cached(name: str, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept in the cache under ``name`` for this generation.

    None results are cached too (an article that is not live stays not live until a
    save starts a new generation). With caching off or the cache down, compute directly.
    """
    ttl = _ttl()
    if ttl <= 0:
        return compute()
    key = f"newsroom:paywall:{name}"
    try:
        found = cache.get_many([_GENERATION_KEY, key])
    except Exception:  # noqa: BLE001 - any cache failure means "go to the database"
        logger.warning("paywall_cache_unavailable")
        return compute()
    generation = found.get(_GENERATION_KEY)
    entry: Any = found.get(key)
    if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
        return cast(T, None if entry[1] == _MISSING else entry[1])
    value = compute()
    _keep(key, generation, value, ttl)
    return value


def _keep(key: str, generation: Any, value: Any, ttl: int) -> None:
    try:
        if generation is None:
            # First use (or the generation was evicted): start one; keep nothing this
            # time, since a save may be racing with this read.
            cache.add(_GENERATION_KEY, str(time.time_ns()), None)
            return
        cache.set(key, (generation, _MISSING if value is None else value), ttl)
    except Exception:  # noqa: BLE001 - a value we could not keep is still correct
        logger.warning("paywall_cache_unavailable")


def new_generation(**kwargs: Any) -> None:
    """Start a new generation now and again once the saving transaction commits.

    The second start matters: between a save and its commit, a check still reads the old
    committed row and would store it under the first new generation, where it would
    outlive the edit (an unpublished article's gated text served until the TTL ends).
    """
    _start_generation()
    transaction.on_commit(_start_generation)


def _start_generation() -> None:
    try:
        cache.set(_GENERATION_KEY, str(time.time_ns()), None)
    except Exception:  # noqa: BLE001 - entries still expire after the TTL
        logger.warning("paywall_cache_unavailable")
    # The access check's hot path holds facts and gated parts of its own, checked against
    # access's content generation; it never raises for Redis being down.
    content_changed()
