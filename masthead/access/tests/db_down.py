"""A content source whose database connection is gone, for the 503 test."""

from __future__ import annotations

import datetime as dt

from django.db import OperationalError

from masthead.access import ArticleFacts


def article_facts(article_id: int, now: dt.datetime) -> ArticleFacts | None:
    """Fail as a lost PostgreSQL connection does."""
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def gated_html(article_id: int, *, ad_free: bool) -> str:
    """Never reached."""
    raise AssertionError("unreachable")
