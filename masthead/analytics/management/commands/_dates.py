"""Date arguments for the analytics commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def parse_day(value: str) -> dt.date:
    """Return ``value`` (YYYY-MM-DD) as a date; raise CommandError for anything else."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc
