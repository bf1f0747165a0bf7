"""Time-zone names, checked in one place.

A zone name comes from settings, the admin or a content source; a bad one must be refused
where it is typed and, where it is read, must fall back instead of taking a page down.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError


def time_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """Return the zone called ``name``, or None when no zone has that name.

    ``ZoneInfo`` raises ``ValueError`` (not ``ZoneInfoNotFoundError``) for names that
    could not be file paths, such as ``"../x"`` or ``""``; both mean "no such zone".
    """
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def is_time_zone(name: str) -> bool:
    """Return True when ``name`` names a time zone."""
    return time_zone(name) is not None


def time_zone_or(name: str, fallback: dt.tzinfo) -> dt.tzinfo:
    """Return the zone called ``name``, or ``fallback`` when there is none by that name."""
    zone = time_zone(name)
    return fallback if zone is None else zone


def validate_time_zone(value: str, *, allow_blank: bool = False) -> None:
    """Raise ``ValidationError`` unless ``value`` names a time zone.

    With ``allow_blank`` an empty value passes (a field that falls back to another zone).
    """
    if allow_blank and not value:
        return
    if not is_time_zone(value):
        raise ValidationError(f"{value!r} is not a time zone name")
