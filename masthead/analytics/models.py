"""The event record and its daily rollup.

``Event`` rows are appended by the flusher and never updated; ``DailyAggregate`` rows are
rebuilt from them by ``rollup_events`` (delete-then-insert per day, so re-running is safe).
Neither table holds personal data: users are ids, visitors are keyed hashes.
"""

from __future__ import annotations

from django.db import models

from masthead.analytics.recording import EVENT_KIND_CHOICES
from masthead.core.events import EventKind


class Event(models.Model):
    """One thing the paywall did, at one moment. Append-only."""

    kind = models.CharField(max_length=32, choices=EVENT_KIND_CHOICES)
    at = models.DateTimeField(db_index=True)
    # Plain integers, not foreign keys: events outlive deleted articles and accounts,
    # and writing them must never wait on a lock elsewhere.
    article_id = models.BigIntegerField(null=True, blank=True)
    section = models.CharField(max_length=64, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    visitor = models.CharField(
        max_length=32, blank=True, help_text="Keyed hash of the visitor id, never the cookie."
    )
    granted = models.BooleanField(null=True)
    reason = models.CharField(max_length=32, blank=True)
    offer = models.CharField(max_length=32, blank=True)
    reader_kind = models.CharField(max_length=16, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "at"])]
        permissions = [("view_dashboard", "Can view the publisher's dashboard")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M:%S}"


class DailyAggregate(models.Model):
    """How many events of one shape happened on one day, and for how many visitors.

    ``article_id`` is kept only for the kinds in ``ARTICLE_KINDS`` (top-article tables);
    for the rest it is null so the table stays small.
    """

    day = models.DateField(db_index=True)
    section = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=32, choices=EVENT_KIND_CHOICES)
    granted = models.BooleanField(null=True)
    reason = models.CharField(max_length=32, blank=True)
    offer = models.CharField(max_length=32, blank=True)
    reader_kind = models.CharField(max_length=16, blank=True)
    article_id = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField()
    visitors = models.PositiveIntegerField(help_text="Distinct visitors (or users) that day.")

    class Meta:
        indexes = [models.Index(fields=["kind", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.count}"


ARTICLE_KINDS = frozenset(
    {
        EventKind.CHECKOUT_STARTED,
        EventKind.SUBSCRIPTION_STARTED,
        EventKind.GIFT_CREATED,
        EventKind.GIFT_OPENED,
    }
)


class RolledDay(models.Model):
    """A day the rollup has summarised, and when: complete once ``rolled_at`` is past it.

    Raw events of a complete day may be pruned; a day rolled while under way is rolled
    again by the next routine rollup.
    """

    day = models.DateField(unique=True)
    rolled_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} rolled at {self.rolled_at:%Y-%m-%d %H:%M}"
