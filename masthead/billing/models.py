"""Plans, subscriptions and hand grants: what a reader has paid for or been given."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    """Queries over hand grants."""

    def active(self, now: dt.datetime) -> AccessGrantQuerySet:
        """Return grants in force at ``now``."""
        return self.filter(starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


class AccessGrant(models.Model):
    """A subscription given by hand: comps, staff, institutions.

    It opens every access level, in the chosen sections (none chosen: all of them),
    from ``starts_at`` until ``ends_at`` (blank: no end).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    sections = models.ManyToManyField(
        "newsroom.Section", blank=True, help_text="Leave empty to open every section."
    )
    ad_free = models.BooleanField(default=True)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text='e.g. "Comp: newsroom staff"')
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ("-starts_at",)

    def __str__(self) -> str:
        return f"{self.user} ({self.note or 'hand grant'})"
