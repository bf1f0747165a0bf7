"""Entitlements with their end times: what a reader pass carries instead of a database read.

``Entitlements`` say what a reader may read at one moment. A reader pass is used for
minutes after it was issued, so it needs more: when each piece of the reader's access
ends on its own (a cancelled subscription's period end, a grace period, a hand grant's
end), and the first moment something new could begin (a hand grant that starts later, a
plan change scheduled for the period end). ``EntitlementTerms`` hold both; ``at(now)`` is
what the entitlements loader would answer at ``now``, for any ``now`` before
``changes_at``. Pure: no ORM, no request, no settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from masthead.access.policy import NO_ENTITLEMENTS, Entitlements


@dataclass(frozen=True)
class EntitlementTerm:
    """One piece of a reader's access and when it ends (None: no end is known)."""

    entitlements: Entitlements
    ends_at: dt.datetime | None = None

    def is_open_at(self, now: dt.datetime) -> bool:
        """Return True while this piece is in force (its end itself is already closed)."""
        return self.ends_at is None or now < self.ends_at


@dataclass(frozen=True)
class EntitlementTerms:
    """A reader's entitlements over time, valid until ``changes_at`` (None: no change known).

    ``changes_at`` is the first moment a piece that is not in ``terms`` may begin, or a
    piece in ``terms`` may change (a scheduled plan change); from then on the terms say
    nothing and must be loaded again.
    """

    terms: tuple[EntitlementTerm, ...] = ()
    changes_at: dt.datetime | None = None

    def covers(self, now: dt.datetime) -> bool:
        """Return True when ``at(now)`` is the reader's whole access at ``now``."""
        return self.changes_at is None or now < self.changes_at

    def at(self, now: dt.datetime) -> Entitlements:
        """Return the union of the pieces in force at ``now``; callers check ``covers``."""
        result = NO_ENTITLEMENTS
        for term in self.terms:
            if term.is_open_at(now):
                result = result.merged(term.entitlements)
        return result


NO_TERMS = EntitlementTerms()
