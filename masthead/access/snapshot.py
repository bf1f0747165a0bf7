"""Reading a reader's meter without counting: for the account page and the like.

Imports stay inside the function: ``masthead.access`` re-exports this, and the package
is imported while Django is still loading apps (models are not ready then).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from masthead.access.policy import MeterState

if TYPE_CHECKING:
    from django.http import HttpRequest


def meter_snapshot(request: HttpRequest, now: dt.datetime) -> MeterState | None:
    """Return the reader's meter in the window containing ``now``, counting nothing.

    Logged-in readers are read by account, anonymous ones by their visitor cookie (none
    yet: nothing used). None when the meter store cannot be reached.
    """
    from masthead.access import meters
    from masthead.access.policy import ReaderFacts
    from masthead.access.policy_loader import load_policy
    from masthead.access.visitors import visitor_from

    policy = load_policy()
    user = getattr(request, "user", None)
    is_authenticated = bool(user is not None and user.is_authenticated)
    allowance = policy.allowance_for(ReaderFacts(is_authenticated))
    user_id = getattr(user, "pk", None) if is_authenticated else None
    key = meters.reader_key(user_id, None if is_authenticated else visitor_from(request))
    if not key:
        return MeterState(allowance=allowance, used=0, is_counted=False)
    since = meters.meter_window_start(now, policy)
    state = meters.peek_meter(meters.configured_store(), key, allowance, since)
    return state if state.is_available else None
