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

    Logged-in readers are read by account, anonymous ones (and logged-in ones awaiting
    the confirmation the policy asks for) by their visitor cookie (none yet: nothing
    used). None when the meter store cannot be reached.
    """
    from masthead.access import meters
    from masthead.access.policy import ReaderFacts
    from masthead.access.policy_loader import load_policy
    from masthead.access.sources import has_confirmed_email
    from masthead.access.visitors import visitor_from

    policy = load_policy()
    user = getattr(request, "user", None)
    is_authenticated = bool(user is not None and user.is_authenticated)
    reader = ReaderFacts(is_authenticated, has_confirmed_email=has_confirmed_email(user))
    allowance = policy.allowance_for(reader)
    # A reader awaiting confirmation is metered under the visitor cookie: show that meter.
    as_account = policy.meters_as_registered(reader)
    user_id = getattr(user, "pk", None) if as_account else None
    key = meters.reader_key(user_id, None if as_account else visitor_from(request))
    if not key:
        return MeterState(allowance=allowance, used=0, is_counted=False)
    since = meters.meter_window_start(now, policy)
    state = meters.peek_meter(meters.configured_store(), key, allowance, since)
    return state if state.is_available else None
