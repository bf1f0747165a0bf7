"""Plans, subscriptions and hand grants: what a reader has paid for or been given.

A subscription's state is stored as the provider last reported it; whether it entitles the
reader is computed at the moment of asking (``Subscription.is_entitling(now)``), so nothing
has to run at the end of a period for access to end.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from masthead.access import AccessLevel

from .money import format_money


def default_plan_levels() -> list[str]:
    """Return the levels a new plan opens: everything behind the paywall."""
    return [AccessLevel.METERED, AccessLevel.REGISTERED, AccessLevel.SUBSCRIBER]


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


class Plan(models.Model):
    """Something a reader can buy: a price per interval and what it opens."""

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    description = models.CharField(max_length=300, blank=True)
    price_minor = models.PositiveIntegerField(
        "price (minor units)", help_text="In cents (or the currency's minor unit): 1500 = 15.00."
    )
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217, e.g. USD.")
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTH)
    trial_days = models.PositiveSmallIntegerField(default=0)
    levels = models.JSONField(
        default=default_plan_levels, help_text="Access levels the plan opens."
    )
    sections = models.ManyToManyField(
        "newsroom.Section", blank=True, help_text="Leave empty to open every section."
    )
    ad_free = models.BooleanField(default=False)
    stripe_price_id = models.CharField(
        max_length=100, blank=True, help_text="The Stripe Price this plan is sold at (price_…)."
    )
    is_active = models.BooleanField("on sale", default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "price_minor")

    def __str__(self) -> str:
        return self.name

    @property
    def price_display(self) -> str:
        """Return the price as people read it, e.g. "$15.00" or "15.00 CHF"."""
        return format_money(self.price_minor, self.currency)

    @property
    def price_per_interval(self) -> str:
        """Return "$15.00/month" or "$150.00/year"."""
        return f"{self.price_display}/{self.interval}"

    @property
    def opens_subscriber_stories(self) -> bool:
        """Return True when the plan opens subscriber-only stories (not only metered ones)."""
        return AccessLevel.SUBSCRIBER in self.levels

    @property
    def period_days(self) -> int:
        """Return the length of one billing interval in days (a month counts 30)."""
        return 365 if self.interval == self.Interval.YEAR else 30

    def period(self, start: dt.datetime) -> dt.datetime:
        """Return the end of one billing interval starting at ``start`` (approximate month)."""
        return start + dt.timedelta(days=self.period_days)


# The states in which a subscription is still the reader's plan: it may renew, or recover
# from a failed payment. Canceled-at-period-end subscriptions stay trialing or active until
# the provider ends them, so they are live too: a reader who cancels keeps the plan (and
# may resume it) until the end of the period, and cannot start a second one meanwhile.
LIVE_STATUSES = ("trialing", "active", "past_due")


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    """Queries over paid subscriptions."""

    def possibly_entitling(self) -> SubscriptionQuerySet:
        """Return subscriptions whose status can entitle; ``is_entitling`` decides the rest."""
        return self.filter(status__in=LIVE_STATUSES)

    def live(self) -> SubscriptionQuerySet:
        """Return subscriptions in a live state (trialing, active, past due)."""
        return self.filter(status__in=LIVE_STATUSES)


class Subscription(models.Model):
    """A reader's paid plan, as the payment provider last described it."""

    class Status(models.TextChoices):
        TRIALING = "trialing", "Trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment overdue"
        CANCELED = "canceled", "Canceled"
        EXPIRED = "expired", "Expired"

    class Provider(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        TEST = "test", "Test payments (demo)"
        MANUAL = "manual", "By hand"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    provider_customer_id = models.CharField(max_length=100, blank=True)
    provider_subscription_id = models.CharField(max_length=100, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    grace_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="While payment is overdue, access lasts until then."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    # When the provider produced the state stored here: older snapshots are ignored, so
    # webhooks delivered out of order cannot roll the state back.
    provider_state_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    trial_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="Set once this subscription was given a trial."
    )
    pending_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The plan the reader moves to at the end of this period.",
    )
    pending_plan_from = models.DateTimeField(null=True, blank=True)
    pending_schedule_id = models.CharField(
        max_length=100, blank=True, help_text="The provider's schedule carrying the change."
    )
    is_duplicate = models.BooleanField(
        "duplicate",
        default=False,
        help_text=(
            "A second live subscription the provider reported (made outside Masthead). It "
            "still opens its plan; nothing is cancelled on the reader's behalf."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("provider", "provider_subscription_id"),
                name="billing_subscription_unique_provider_id",
            ),
            # One plan per reader. Duplicates reported by the provider are stored flagged
            # instead of refused: the money has moved already, and refusing the webhook
            # would only make the provider deliver it again.
            models.UniqueConstraint(
                fields=("user",),
                condition=Q(status__in=LIVE_STATUSES) & Q(is_duplicate=False),
                name="billing_one_live_subscription_per_reader",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan} ({self.status})"

    def is_entitling(self, now: dt.datetime) -> bool:
        """Return True when this subscription opens its plan at ``now``.

        Trialing and active open it; with ``cancel_at_period_end`` only until the period
        ends. Past due opens it until the grace period ends (no grace end: closed).
        Canceled and expired never open it.
        """
        if self.status in (self.Status.TRIALING, self.Status.ACTIVE):
            if self.cancel_at_period_end:
                return self.current_period_end is not None and now < self.current_period_end
            return True
        if self.status == self.Status.PAST_DUE:
            return self.grace_ends_at is not None and now < self.grace_ends_at
        return False

    @property
    def is_live(self) -> bool:
        """Return True in a live state (trialing, active, past due), ending or not."""
        return self.status in LIVE_STATUSES

    def plan_at(self, now: dt.datetime) -> Plan:
        """Return the plan in force at ``now``: the pending plan once its day has come.

        A change scheduled for the end of the period opens the new plan from that moment
        even before the provider's update arrives (or, for test payments, without one).
        """
        if (
            self.pending_plan_id is not None
            and self.pending_plan_from is not None
            and now >= self.pending_plan_from
            and self.pending_plan is not None
        ):
            return self.pending_plan
        return self.plan

    def access_ends_at(self, now: dt.datetime) -> dt.datetime | None:
        """Return when access ends if nothing changes; None when it renews or has ended."""
        if not self.is_entitling(now):
            return None
        if self.status == self.Status.PAST_DUE:
            return self.grace_ends_at
        return self.current_period_end if self.cancel_at_period_end else None


class WebhookEvent(models.Model):
    """One event a payment provider delivered, stored once and processed once."""

    provider = models.CharField(max_length=16, default="stripe")
    event_id = models.CharField(max_length=120)
    kind = models.CharField(max_length=80)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)
    is_failed = models.BooleanField(
        default=False, help_text="Processing failed for good; the event was acknowledged."
    )

    class Meta:
        ordering = ("-received_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("provider", "event_id"), name="billing_webhookevent_unique_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.event_id}"
