"""Builders for access tests: articles with unique gated markers, readers, check calls."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client

from masthead.newsroom.tests import factories

_numbers = itertools.count(1)


def make_article(level: str = "metered", *, section: str = "metro", **fields: Any) -> Any:
    """Return a live article whose gated paragraphs carry ``gated_marker``, unique to it."""
    number = next(_numbers)
    marker = f"SECRET{number}X"
    fields.setdefault("published_at", dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC))
    art = factories.article(
        f"story-{number}",
        access_level=level,
        section=factories.section(section),
        marker=marker,
        **fields,
    )
    art.gated_marker = marker  # type: ignore[attr-defined]
    return art


def check(client: Client, article_id: int | str, gift: str | None = None, **extra: Any) -> Any:
    """POST the access check as the page script does and return the response."""
    body = json.dumps({"article": article_id, "gift": gift})
    extra.setdefault("HTTP_ORIGIN", "http://testserver")
    extra.setdefault("HTTP_SEC_FETCH_SITE", "same-origin")
    return client.post("/api/access/", body, content_type="application/json", **extra)


def in_threads(
    work: Callable[[int], object], threads: int = 50, join_seconds: float = 60
) -> list[object]:
    """Run ``work(i)`` in ``threads`` threads released together; return results or errors.

    A barrier lines the threads up so their requests really overlap; each closes its own
    database connection, which Django opened for that thread.
    """
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - reported through the results
            results[index] = exc
        finally:
            connection.close()

    started = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(join_seconds)
    return results
