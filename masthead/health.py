"""``GET /healthz``: is this app process able to serve, and are its services reachable?

For load balancers and monitors. The answer names each service's state and nothing else:
no content, no reader data. PostgreSQL down means 503 (this process cannot serve pages or
checks); Redis down means 200 with ``degraded`` — the meter's fail mode and the local
fallbacks keep the site up, so a balancer must not take every machine out for it.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from masthead.core.errors import json_endpoint

logger = logging.getLogger(__name__)
OK, UNAVAILABLE = "ok", "unavailable"


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.error("health: database unavailable: %s", type(exc).__name__)
        return UNAVAILABLE
    return OK


def _cache_state() -> str:
    try:
        cache.get("masthead:health")
    except Exception as exc:  # noqa: BLE001 - any cache backend failure means "unavailable"
        logger.warning("health: cache unavailable: %s", type(exc).__name__)
        return UNAVAILABLE
    return OK


@json_endpoint("GET")
def health(request: HttpRequest) -> JsonResponse:
    """Return 200 when the database answers (``degraded`` without the cache), else 503."""
    database, cache_state = _database_state(), _cache_state()
    if database != OK:
        status = "down"
    else:
        status = "ok" if cache_state == OK else "degraded"
    response = JsonResponse(
        {"status": status, "database": database, "cache": cache_state},
        status=503 if status == "down" else 200,
    )
    response["Cache-Control"] = "no-store"
    return response
