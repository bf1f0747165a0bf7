"""The newsroom's content: publication, sections, authors, articles and their blocks."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from contextvars import ContextVar
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from masthead.access import AccessLevel
from masthead.core.timezones import validate_time_zone
from masthead.core.uploads import RandomName, validate_image_upload, validate_video_upload

from .sanitising import render_block_html, render_page_html


def _validate_time_zone(value: str) -> None:
    # Named here because migration 0001 refers to it by this path.
    validate_time_zone(value)


# Per-request memo for ``Publication.current``; None outside a request, so tests and
# commands always read the database.
_request_memo: ContextVar[dict[str, Publication] | None] = ContextVar(
    "publication_memo", default=None
)


class Publication(models.Model):
    """The site itself; the first row is the one in use."""

    name = models.CharField(max_length=120, default="The Masthead Gazette")
    tagline = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[_validate_time_zone]
    )
    lead_in_paragraphs = models.PositiveSmallIntegerField(
        default=3, help_text="Paragraphs shown before the gate when an article sets none."
    )
    ad_every_paragraphs = models.PositiveSmallIntegerField(
        default=4, help_text="An ad slot after every N paragraphs of the body (0: none)."
    )

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, and forget this request's memo so handlers of the save read the new row."""
        memo = _request_memo.get()
        if memo is not None:
            memo.clear()
        super().save(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Return the publication's time zone."""
        return zoneinfo.ZoneInfo(self.time_zone)

    @classmethod
    def current(cls) -> Publication:
        """Return the publication, creating the default one on first use.

        Inside a request (``PublicationPerRequestMiddleware``) the row is read once and
        reused: rendering one page asks for it from many places.
        """
        memo = _request_memo.get()
        if memo is not None and "publication" in memo:
            return memo["publication"]
        publication = cls.objects.order_by("pk").first() or cls.objects.create()
        if memo is not None:
            memo["publication"] = publication
        return publication


def publication_name() -> str:
    """Return the publication's name; "Masthead" when the database cannot say.

    Mails are signed with it, and a mail must not fail over the masthead's name.
    """
    try:
        return Publication.current().name
    except Exception:  # noqa: BLE001 - any failure means the default name
        return "Masthead"


class Section(models.Model):
    """A desk of the newsroom with its own front page and default access level."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    default_access_level = models.CharField(
        max_length=16, choices=AccessLevel.choices, default=AccessLevel.METERED
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:section", kwargs={"slug": self.slug})


class Author(models.Model):
    """A byline."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    role = models.CharField(max_length=120, blank=True, help_text='e.g. "Staff reporter"')
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to=RandomName("authors"), blank=True, validators=[validate_image_upload]
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:author", kwargs={"slug": self.slug})


class Video(models.Model):
    """A video with the words that make it accessible: title, caption, transcript."""

    title = models.CharField(max_length=200)
    file = models.FileField(
        upload_to=RandomName("video"), blank=True, validators=[validate_video_upload]
    )
    url = models.URLField(blank=True, help_text="Used when no file is uploaded.")
    poster = models.ImageField(
        upload_to=RandomName("video/posters"), blank=True, validators=[validate_image_upload]
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    transcript = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.file and not self.url:
            raise ValidationError("A video needs an uploaded file or a URL.")

    @property
    def source_url(self) -> str:
        """Return the URL a player should load."""
        return self.file.url if self.file else self.url


UPDATED_GRACE = dt.timedelta(minutes=1)


class ArticleQuerySet(models.QuerySet["Article"]):
    """Queries editors and readers need."""

    def live(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        """Return articles readers may see at ``now`` (``live_q``, the liveness rule)."""
        return self.filter(live_q(now or timezone.now()))


class Article(models.Model):
    """A story: headline, dek, lead media, and an ordered body of blocks."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=250)
    summary = models.TextField("summary (dek)", max_length=600, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="For a scheduled article, when it goes live."
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text='Shown as "Updated"; set it when the story changes.'
    )
    correction = models.TextField(
        blank=True, help_text="Correction or update note shown on the page."
    )
    access_level = models.CharField(
        max_length=16,
        choices=AccessLevel.choices,
        blank=True,
        help_text="Leave blank to use the section's default.",
    )
    lead_in_paragraphs = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank: the publication's default."
    )
    lead_image = models.ImageField(
        upload_to=RandomName("images"), blank=True, validators=[validate_image_upload]
    )
    lead_image_alt = models.CharField(max_length=300, blank=True)
    lead_image_caption = models.CharField(max_length=400, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    lead_video = models.ForeignKey(
        Video, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Plain text of the lead-in, for site search; never holds text from behind the cut.
    lead_in_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ArticleQuerySet] = ArticleQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-published_at", "-pk")
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        """Return the canonical URL, dated in the publication's time zone."""
        return self.url_in(Publication.current().zone)

    def url_in(self, zone: zoneinfo.ZoneInfo) -> str:
        """Return the canonical URL dated in ``zone`` (lists pass it to save a query each)."""
        moment = self.published_at or self.created_at or timezone.now()
        local = timezone.localtime(moment, zone)
        return reverse(
            "newsroom:article",
            kwargs={
                "year": local.year,
                "month": f"{local.month:02d}",
                "day": f"{local.day:02d}",
                "slug": self.slug,
            },
        )

    def clean(self) -> None:
        """Refuse an "Updated" time in the future: the page would announce a change to come."""
        now = timezone.now()
        # A minute of grace: the editor's clock (the admin's "Now" button) may run ahead.
        if self.updated_at is not None and self.updated_at > now + UPDATED_GRACE:
            local = timezone.localtime(now).strftime("%Y-%m-%d %H:%M %Z")
            raise ValidationError(
                {"updated_at": f"The update time is in the future; it is now {local}."}
            )

    def effective_access_level(self) -> str:
        """Return the article's level, else its section's, else ``subscriber``.

        An article with neither (its section was deleted, or it never had one) takes the
        strictest level: deleting a subscriber section must not open its articles.
        """
        if self.access_level:
            return self.access_level
        if self.section_id and self.section:
            return self.section.default_access_level
        return AccessLevel.SUBSCRIBER

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Return True when readers may see the article at ``now`` (``is_live_at``)."""
        return is_live_at(self.status, self.published_at, now or timezone.now())


# Liveness, the one rule every reader-facing path applies: an article is live when it is
# published or scheduled and its time has come, so a scheduled article goes live without
# a cron job. ``is_live_at`` (Python) and ``live_q`` (SQL) are its two spellings, kept
# side by side here; a test holds them to the same answers.
LIVE_STATUSES = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)


def is_live_at(status: str, published_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Return True when an article with this status and time is live at ``now``.

    False for a draft, and for an article with no publication time or one still ahead.
    """
    return status in LIVE_STATUSES and published_at is not None and published_at <= now


def live_q(now: dt.datetime) -> models.Q:
    """Return the filter selecting the articles ``is_live_at`` calls live at ``now``."""
    # ``published_at <= now`` is never true for NULL in SQL, so no separate null test.
    return models.Q(status__in=LIVE_STATUSES, published_at__lte=now)


class Block(models.Model):
    """One typed piece of an article's body, in order."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", "Paragraph"
        SUBHEADING = "subheading", "Subheading"
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        PULL_QUOTE = "pull_quote", "Pull quote"
        PAYWALL_BREAK = "paywall_break", "Paywall break"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(default=0, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(
        blank=True, help_text="Markdown or simple HTML for paragraphs; plain text otherwise."
    )
    html = models.TextField(blank=True, editable=False)
    attribution = models.CharField(max_length=200, blank=True, help_text="For pull quotes.")
    image = models.ImageField(
        upload_to=RandomName("images"), blank=True, validators=[validate_image_upload]
    )
    alt = models.CharField(max_length=300, blank=True)
    caption = models.CharField(max_length=400, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    video = models.ForeignKey(
        Video, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}"

    def save(self, *args: object, **kwargs: object) -> None:
        """Sanitise the editor's text into ``html`` on every save."""
        self.html = render_block_html(self.kind, self.text)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        """Refuse a block missing what its kind shows (text, image or video)."""
        needs: dict[str, tuple[str, str]] = {
            self.Kind.PARAGRAPH: ("text", "A paragraph needs text."),
            self.Kind.SUBHEADING: ("text", "A subheading needs text."),
            self.Kind.PULL_QUOTE: ("text", "A pull quote needs text."),
            self.Kind.IMAGE: ("image", "An image block needs an image."),
            self.Kind.VIDEO: ("video", "A video block needs a video."),
        }
        field, message = needs.get(self.kind, ("", ""))
        if field and not getattr(self, field):
            raise ValidationError({field: message})


class Page(models.Model):
    """A standing page: About, Privacy, Terms."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    html = models.TextField(blank=True, editable=False)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        """Sanitise the Markdown into ``html`` on every save."""
        self.html = render_page_html(self.body)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("newsroom:page", kwargs={"slug": self.slug})


class UploadRename(models.Model):
    """A protected file the media migration moved to a random name, kept to move it back.

    Written by migration 0004 (files that only a gated part or an article that is not live
    shows), read only when that migration is reversed.
    """

    field = models.CharField(max_length=60, help_text='e.g. "newsroom.Block.image"')
    old_name = models.CharField(max_length=255)
    new_name = models.CharField(max_length=255, db_index=True)
    renamed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.old_name} -> {self.new_name}"
