"""A short-lived cache in front of the content source the access check reads.

Every access check needs the article's facts and, when it grants, the rendered gated part;
both change only when an editor saves something. They are cached under a *generation*
number that any save of newsroom content replaces, so an edit reaches the very next check
wherever the cache is shared (Redis in production). With a per-process cache (the SQLite
demo without Redis) other processes see an edit within ``NEWSROOM_PAYWALL_CACHE_SECONDS``.
A cache that fails is skipped: the database answers instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")
_GENERATION_KEY = "newsroom:paywall:generation"
# Stored in place of None so that "not live" is cached too.
_MISSING = "__missing__"


def _ttl() -> int:
    return int(getattr(settings, "NEWSROOM_PAYWALL_CACHE_SECONDS", 60))


def _generation() -> str | None:
    """Return the current generation, starting one if none exists; None without a cache."""
    try:
        value = cache.get(_GENERATION_KEY)
        if value is None:
            cache.add(_GENERATION_KEY, str(time.time_ns()), None)
            value = cache.get(_GENERATION_KEY)
    except Exception:  # noqa: BLE001 - any cache failure means "go to the database"
        logger.warning("paywall_cache_unavailable")
        return None
    return None if value is None else str(value)


def cached(name: str, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept in the cache under ``name`` for this generation.

    None results are cached too (an article that is not live stays not live until a
    save starts a new generation). With caching off or the cache down, compute directly.
    """
    ttl = _ttl()
    generation = _generation() if ttl > 0 else None
    if generation is None:
        return compute()
    key = f"newsroom:paywall:{generation}:{name}"
    try:
        hit: Any = cache.get(key)
    except Exception:  # noqa: BLE001 - as above
        hit = None
    if hit is not None:
        return cast(T, None if hit == _MISSING else hit)
    value = compute()
    try:
        cache.set(key, _MISSING if value is None else value, ttl)
    except Exception:  # noqa: BLE001 - a value we could not keep is still correct
        logger.warning("paywall_cache_unavailable")
    return value


def new_generation(**kwargs: Any) -> None:
    """Start a new generation: every cached fact and gated part is forgotten at once."""
    try:
        cache.set(_GENERATION_KEY, str(time.time_ns()), None)
    except Exception:  # noqa: BLE001 - entries still expire after the TTL
        logger.warning("paywall_cache_unavailable")
