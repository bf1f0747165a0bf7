"""The four access levels as model choices (docs/design.md, "Access levels and walls").

The values are the decision's own constants (``policy.FREE`` …): the pure decision owns
the levels and this module only adds the words editors read, so a stored level is always
one ``decide`` understands. ``tests/test_levels.py`` holds the two to the same order.
"""

from __future__ import annotations

from django.db import models

from masthead.access import policy


class AccessLevel(models.TextChoices):
    """How much of the paywall stands in front of an article."""

    FREE = policy.FREE, "Free to everyone"
    METERED = policy.METERED, "Metered (counts against the free allowance)"
    REGISTERED = policy.REGISTERED, "Free to logged-in readers"
    SUBSCRIBER = policy.SUBSCRIBER, "Subscribers only"
