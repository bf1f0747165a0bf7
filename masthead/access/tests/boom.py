"""Collaborators that fail, for the fail-closed tests (also a content source)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.access import ArticleFacts


def explode(*args: Any, **kwargs: Any) -> Any:
    """Raise, as a broken loader would."""
    raise RuntimeError("boom")


def article_facts(article_id: int, now: dt.datetime) -> ArticleFacts | None:
    """Return a free article, so the check goes on to render it."""
    return ArticleFacts(article_id, "free")


def gated_html(article_id: int, *, ad_free: bool) -> str:
    """Fail while rendering."""
    raise RuntimeError("boom")
