"""The four access levels an article can carry (docs/design.md, "Access levels and walls")."""

from __future__ import annotations

from django.db import models


class AccessLevel(models.TextChoices):
    """How much of the paywall stands in front of an article."""

    FREE = "free", "Free to everyone"
    METERED = "metered", "Metered (counts against the free allowance)"
    REGISTERED = "registered", "Free to logged-in readers"
    SUBSCRIBER = "subscriber", "Subscribers only"
