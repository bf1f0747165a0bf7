"""What can go wrong in billing, as a tree.

::

    BillingError
    ├── ProviderError      a call to the payment provider failed (``permanent`` says
    │                      whether retrying can help)
    └── EventError         a delivered event cannot be applied (``permanent`` likewise)

The webhook view is the boundary: a permanent ``EventError`` is recorded on the stored
event and acknowledged; anything else rolls the claim back and answers 5xx so the provider
delivers again.
"""

from __future__ import annotations


class BillingError(Exception):
    """Base of every billing failure."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ProviderError(BillingError):
    """A call to the payment provider failed."""


class EventError(BillingError):
    """A provider event cannot be applied."""
