"""This window's meter, for the account page and the data download.

Read through the access app's public ``meter_snapshot``, which counts nothing. Readers
whose plan opens metered articles everywhere never meet the meter, so none is shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from masthead.access import ALL_SECTIONS, METERED, MeterState, meter_snapshot
from masthead.billing.entitlements import entitlements_for

logger = logging.getLogger(__name__)


def meter_for(request: Any, now: dt.datetime) -> MeterState | None:
    """Return the reader's meter in this window; None when it does not apply or is unreadable."""
    if entitlements_for(request.user, now).opens(METERED, ALL_SECTIONS):
        return None
    try:
        return meter_snapshot(request, now)
    except Exception:
        logger.exception("meter could not be read for the account page")
        return None
