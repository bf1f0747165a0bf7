"""This window's meter for the account page, when the access app offers a way to read it.

``masthead.access`` exposes no per-reader meter read yet; until it does (a public
``meter_snapshot(request, now) -> MeterState | None`` is what this module looks for),
the account page leaves the meter out.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import masthead.access as access

logger = logging.getLogger(__name__)


def meter_for(request: Any, now: dt.datetime) -> Any:
    """Return the reader's ``MeterState`` for this window, or None when it cannot be read."""
    reader = getattr(access, "meter_snapshot", None)
    if reader is None:
        return None
    try:
        return reader(request, now)
    except Exception:  # noqa: BLE001 - the account page must show without the meter
        logger.exception("meter could not be read for the account page")
        return None
