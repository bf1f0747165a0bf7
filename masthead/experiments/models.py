"""What experiments on the site store: the experiments, their arms, exposures and outcomes.

An **exposure** is one reader's membership of one experiment: the arm the keyed hash gave
the visitor who first met it, the account that visitor made or logged in with, and what
the reader did under the arm (checks, reads, walls). An **outcome** is a conversion
credited to an exposure (registration, checkout, subscription, with the revenue when the
plan's price is known). Both outlive the raw analytics events, which are pruned after 90
days, so late conversions and webhooks are still credited to the right arm.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from masthead.access import Policy
from masthead.experiments.overrides import arm_policy, clean_overrides


def new_hash_key() -> str:
    """Return a fresh secret for an experiment's keyed assignment hash."""
    return secrets.token_hex(16)


class Experiment(models.Model):
    """A test of policy changes: arms with shares, running from ``starts_at`` to ``ends_at``."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="What the experiment asks.")
    starts_at = models.DateTimeField(help_text="Readers are assigned from this moment.")
    ends_at = models.DateTimeField(help_text="Every reader is back on the policy from here.")
    planned_readers_per_arm = models.PositiveIntegerField(
        default=5000,
        validators=[MinValueValidator(100)],
        help_text="The size the experiment expects; it tunes the always-valid intervals "
        "(they stay valid at any size).",
    )
    planned_baseline = models.FloatField(
        default=0.05,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.5)],
        help_text="The registration rate expected in the first arm (0.05 = 5 %).",
    )
    stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipped_arm = models.CharField(max_length=50, blank=True, editable=False)
    hash_key = models.CharField(max_length=64, default=new_hash_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_at",)
        permissions = [("run_experiment", "Can read, stop and ship experiments")]

    def __str__(self) -> str:
        return self.name

    def is_running(self, now: Any) -> bool:
        """Return True between start and end, unless stopped."""
        return bool(self.stopped_at is None and self.starts_at <= now < self.ends_at)

    def has_started(self, now: Any) -> bool:
        """Return True once readers may have been assigned."""
        return bool(self.starts_at <= now)

    @property
    def status(self) -> str:
        """Return ``scheduled``, ``running``, ``stopped`` or ``ended`` (now)."""
        from django.utils import timezone

        now = timezone.now()
        if self.stopped_at is not None:
            return "shipped" if self.shipped_arm else "stopped"
        if now < self.starts_at:
            return "scheduled"
        return "running" if now < self.ends_at else "ended"

    def clean(self) -> None:
        """Refuse an end before the start and an overlap with another live experiment."""
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must come after the start."})
        if self.starts_at and self.ends_at:
            clash = (
                Experiment.objects.filter(
                    stopped_at__isnull=True, starts_at__lt=self.ends_at, ends_at__gt=self.starts_at
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    f"It overlaps the experiment “{clash.name}” ({clash.starts_at:%Y-%m-%d %H:%M} "
                    f"to {clash.ends_at:%Y-%m-%d %H:%M}): a reader can be in one experiment "
                    "at a time. Move the dates, or stop the other one first."
                )


class Arm(models.Model):
    """One arm of an experiment: a traffic share and a partial policy (``overrides``)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arms")
    name = models.SlugField(max_length=50)
    share = models.DecimalField(
        "share (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
        help_text="Per cent of readers; the arms' shares add up to 100.",
    )
    overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text='The policy settings this arm changes, e.g. {"anonymous_allowance": 5}. '
        "Empty: the policy as it is (a control arm).",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["experiment", "name"], name="one_arm_per_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse overrides that name an unknown setting or hold a value of the wrong kind."""
        try:
            clean_overrides(self.overrides)
        except ValueError as exc:
            raise ValidationError({"overrides": str(exc)}) from exc

    def policy(self, base: Policy) -> Policy:
        """Return ``base`` with this arm's overrides; ``ValueError`` when they are bad."""
        return arm_policy(base, self.overrides)


class Exposure(models.Model):
    """One reader in one experiment: their arm, their account once known, what they did."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="exposures")
    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="exposures")
    # The keyed hash of the visitor id, never the id itself.
    visitor_key = models.CharField(max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    first_section = models.CharField(max_length=64, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    checks = models.PositiveIntegerField(default=0)
    reads = models.PositiveIntegerField(default=0)
    walls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "visitor_key"], name="one_exposure_per_visitor"
            )
        ]
        indexes = [models.Index(fields=["experiment", "user"])]

    def __str__(self) -> str:
        return f"{self.visitor_key[:8]}… on {self.arm}"


class Outcome(models.Model):
    """A conversion credited to an exposure, whenever it happens (webhooks included)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "Registration"
        CHECKOUT = "checkout_started", "Checkout started"
        SUBSCRIPTION = "subscription_started", "Subscription started"

    exposure = models.ForeignKey(Exposure, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField()
    plan = models.CharField(max_length=100, blank=True)
    revenue_minor = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        indexes = [models.Index(fields=["exposure", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
