"""A fixed-window request limit per client address, kept in the default cache."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def is_over_limit(scope: str, address: str, limit: int, now: float | None = None) -> bool:
    """Return True when ``address`` made more than ``limit`` requests in this minute.

    A cache that cannot be reached answers False: the limit protects the service and is
    not itself worth an outage.
    """
    window = int((time.time() if now is None else now) // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{address}:{window}"
    try:
        cache.add(key, 0, WINDOW_SECONDS * 2)
        count = cache.incr(key)
    except Exception as exc:  # noqa: BLE001 - any cache backend error means "allow"
        logger.warning("ratelimit_cache_unavailable error=%s", type(exc).__name__)
        return False
    return int(count) > limit
