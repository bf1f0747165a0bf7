"""House ads: what the newsroom sells or promotes itself, and how often each was seen."""

from __future__ import annotations

import datetime as dt

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from masthead.core.uploads import RandomName, validate_image_upload

# A creative may carry a picture and a few inline tags; no scripts, frames or handlers.
_CREATIVE_TAGS = {"a", "b", "br", "em", "i", "img", "p", "small", "span", "strong"}
_CREATIVE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def sanitise_creative(raw: str) -> str:
    """Return ``raw`` with everything outside the creative allow-list removed."""
    return nh3.clean(
        raw,
        tags=_CREATIVE_TAGS,
        attributes=_CREATIVE_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer sponsored",
    )


def validate_ad_link(value: str) -> None:
    """Accept a path on this site or an http(s) URL; refuse other schemes and ``//host``."""
    if value.startswith("/") and not value.startswith("//"):
        return
    URLValidator(schemes=["http", "https"])(value)


class HouseAdQuerySet(models.QuerySet["HouseAd"]):
    """Queries over house ads."""

    def running(self, now: dt.datetime) -> HouseAdQuerySet:
        """Return active ads whose window contains ``now`` (open ends count as open)."""
        return self.filter(is_active=True, weight__gt=0).filter(
            (Q(starts_at__isnull=True) | Q(starts_at__lte=now))
            & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        )

    def for_section(self, section: str) -> HouseAdQuerySet:
        """Return ads that run everywhere or in the section with slug ``section``."""
        everywhere = Q(sections__isnull=True)
        if not section:
            return self.filter(everywhere).distinct()
        return self.filter(everywhere | Q(sections__slug=section)).distinct()


class HouseAd(models.Model):
    """An ad the newsroom runs itself: an image or a small piece of sanitised HTML."""

    name = models.CharField(max_length=120, help_text="For the newsroom; readers never see it.")
    image = models.ImageField(
        upload_to=RandomName("ads"), blank=True, validators=[validate_image_upload]
    )
    alt = models.CharField(max_length=300, blank=True, help_text="Describes the image.")
    html = models.TextField(
        blank=True, help_text="Used when no image is uploaded. Simple HTML; scripts are removed."
    )
    link = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_ad_link],
        help_text='Where the ad leads: a path on this site ("/subscribe/") or an https:// URL.',
    )
    sections = models.ManyToManyField(
        "newsroom.Section", blank=True, help_text="Leave empty to run in every section."
    )
    weight = models.PositiveSmallIntegerField(
        default=1, help_text="Relative share of slots; 0 pauses the ad."
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = HouseAdQuerySet.as_manager()

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        """Sanitise the HTML creative on every save."""
        self.html = sanitise_creative(self.html)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if not self.image and not self.html.strip():
            raise ValidationError("An ad needs an image or some HTML.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError("The end must come after the start.")


class Impressions(models.Model):
    """How many times an ad was seen on one day (UTC), counted by the page's beacon."""

    ad = models.ForeignKey(HouseAd, on_delete=models.CASCADE, related_name="impressions")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "impressions"
        ordering = ("-day",)
        constraints = [models.UniqueConstraint(fields=["ad", "day"], name="ads_one_row_per_day")]

    def __str__(self) -> str:
        return f"{self.ad} on {self.day}: {self.count}"
