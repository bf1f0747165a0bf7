"""What the access app stores: the publisher's paywall policy and the SQL meter.

The meter tables are used only by the SQL meter store (``PAYWALL_METER_STORE=sql``);
the Redis store keeps the same facts in Redis.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from masthead.access.policy import FailMode, Window
from masthead.core.timezones import validate_time_zone as core_validate_time_zone

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def parse_slugs(value: str) -> frozenset[str]:
    """Return the slugs in a comma-separated list, blanks dropped."""
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def validate_slug_list(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a comma-separated list of slugs."""
    bad = sorted(slug for slug in parse_slugs(value) if not _SLUG.match(slug))
    if bad:
        raise ValidationError(f"Not section slugs: {', '.join(bad)}")


def validate_time_zone(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` names a time zone (blank is allowed)."""
    # Kept under this name because migration 0001 refers to it by this path.
    core_validate_time_zone(value, allow_blank=True)


class PaywallPolicy(models.Model):
    """The publisher's paywall settings: one row, edited in the admin.

    ``PAYWALL_*`` settings override single fields when set (see ``policy_loader``).
    """

    class WindowKind(models.TextChoices):
        CALENDAR_MONTH = Window.CALENDAR_MONTH, "Calendar month (publication's time zone)"
        ROLLING_30_DAYS = Window.ROLLING_30_DAYS, "Rolling 30 days"

    class FailModeChoice(models.TextChoices):
        OPEN = FailMode.OPEN, "Open metered articles without counting"
        CLOSED = FailMode.CLOSED, "Keep metered articles shut"

    class CrawlerPolicy(models.TextChoices):
        FULL_TEXT = "full_text", "Full text for verified crawlers"
        PREVIEW = "preview", "Preview only"

    SINGLETON_ID = 1

    anonymous_allowance = models.PositiveSmallIntegerField(
        default=3, help_text="Metered articles an anonymous reader may read per window."
    )
    registered_allowance = models.PositiveSmallIntegerField(
        default=10, help_text="Metered articles a logged-in reader may read per window."
    )
    window = models.CharField(
        max_length=20, choices=WindowKind.choices, default=WindowKind.CALENDAR_MONTH
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Where calendar months start. Blank: the publication's time zone.",
    )
    free_hours = models.PositiveSmallIntegerField(
        default=0, help_text="Metered articles are free for this many hours after publication."
    )
    exempt_sections = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_slug_list],
        help_text="Section slugs, comma-separated, whose articles are free to everyone.",
    )
    walled_sections = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_slug_list],
        help_text="Section slugs, comma-separated, whose articles need a subscription.",
    )
    fail_mode = models.CharField(
        max_length=10,
        choices=FailModeChoice.choices,
        default=FailModeChoice.OPEN,
        help_text="When the meter store cannot be reached. Subscriber articles always stay shut.",
    )
    crawler_policy = models.CharField(
        max_length=10, choices=CrawlerPolicy.choices, default=CrawlerPolicy.FULL_TEXT
    )
    network_daily_allowance = models.PositiveIntegerField(
        default=60,
        help_text="Metered reads per client network (IPv4 /24, IPv6 /56 by default) per "
        "day for anonymous readers; 0 switches the limit off.",
    )
    registered_network_daily_allowance = models.PositiveIntegerField(
        default=300,
        help_text="Metered reads per client network per day for logged-in readers, counted "
        "apart from the anonymous ones; keep it higher than those. Accounts made in a loop "
        "from one network share it. 0 switches the limit off.",
    )
    require_email_confirmation = models.BooleanField(
        default=False,
        help_text="Readers who registered are metered like visitors until they follow the "
        "confirmation link mailed to them. Registration still logs them in at once.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paywall policy"
        verbose_name_plural = "paywall policy"

    def __str__(self) -> str:
        return "Paywall policy"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save as the one row there is."""
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse a registered network allowance below the anonymous one (0 is "off")."""
        registered, anonymous = (
            self.registered_network_daily_allowance,
            self.network_daily_allowance,
        )
        if registered and anonymous and registered < anonymous:
            raise ValidationError(
                {
                    "registered_network_daily_allowance": "Keep it at least as high as the "
                    "anonymous network allowance: logged-in readers are worth more to you."
                }
            )

    @classmethod
    def current(cls) -> PaywallPolicy:
        """Return the stored policy, or an unsaved one with the defaults when none is."""
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls()


class MeterReader(models.Model):
    """One row per metered reader; locked while a read is counted.

    Locking this row (``select_for_update`` on PostgreSQL) serialises one reader's
    concurrent checks, so "count, compare, insert" cannot grant past the allowance.
    """

    key = models.CharField(max_length=80, unique=True)

    def __str__(self) -> str:
        return self.key


class MeterRead(models.Model):
    """An article counted against a reader's meter, with when it was counted.

    One row per reader and article: a read counted in an earlier window is counted anew
    by moving ``read_at`` forward.
    """

    reader = models.ForeignKey(MeterReader, on_delete=models.CASCADE, related_name="reads")
    article_id = models.BigIntegerField()
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "article_id"], name="one_read_per_article")
        ]
        indexes = [models.Index(fields=["reader", "read_at"])]

    def __str__(self) -> str:
        return f"article {self.article_id} at {self.read_at:%Y-%m-%d %H:%M}"


class NetworkDay(models.Model):
    """Metered reads from one client network on one UTC day.

    Anonymous readers count under the network itself (``203.0.113.0/24``), readers
    metered by account under ``reg:`` plus the network: two counters, two allowances.
    """

    network = models.CharField(max_length=64)
    day = models.DateField()
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "day"], name="one_count_per_network_day")
        ]

    def __str__(self) -> str:
        return f"{self.network} on {self.day}: {self.reads}"
