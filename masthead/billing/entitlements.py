"""What a reader is entitled to at a moment: the loader ``access`` calls.

``access`` names this function in ``PAYWALL_ENTITLEMENTS_LOADER`` and never imports billing
models itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from masthead.access import METERED, NO_ENTITLEMENTS, REGISTERED, SUBSCRIBER, Entitlements

from .models import AccessGrant

_ALL_LEVELS = (METERED, REGISTERED, SUBSCRIBER)


def entitlements_for(user: Any, now: dt.datetime) -> Entitlements:
    """Return what ``user`` may read at ``now``; nothing for anonymous or inactive users."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_ENTITLEMENTS
    result = NO_ENTITLEMENTS
    grants = AccessGrant.objects.active(now).filter(user=user).prefetch_related("sections")
    for grant in grants:
        sections = [section.slug for section in grant.sections.all()]
        result = result.merged(Entitlements.of(_ALL_LEVELS, sections, grant.ad_free))
    return result
