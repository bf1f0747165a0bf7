"""Origin articles (Masthead's record of each origin post) and the editors' level rules."""

from __future__ import annotations

from django.db import models

from masthead.access import AccessLevel

# Origin articles share the access check's id space with native ones: an origin post's
# Masthead id is this plus its id at the origin, so it is stable (the same post always
# has the same id, whichever worker or sync saw it first) and never meets a native
# article's primary key. It stays below 2**53, so the page script's parseInt reads it.
ORIGIN_ID_BASE = 10**12


class LevelRule(models.Model):
    """An editor's rule: posts with this category or tag get this section and level.

    Rules are tried by ``priority`` (lowest first), then by id; the first rule a post
    matches gives its level, and the first rule with a section gives its section. A
    post no rule matches has ``GATEWAY_DEFAULT_LEVEL``.
    """

    class Kind(models.TextChoices):
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    term = models.SlugField(max_length=200, help_text="The category's or tag's slug at the origin.")
    level = models.CharField(
        max_length=16,
        choices=AccessLevel.choices,
        blank=True,
        help_text="Blank: this rule only names the section.",
    )
    section = models.SlugField(
        max_length=100, blank=True, help_text="The section slug the paywall sees (walls, plans)."
    )
    section_name = models.CharField(max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ("priority", "id")
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="one_rule_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.term} → {self.level or '-'} / {self.section or '-'}"


class OriginArticle(models.Model):
    """One origin post as Masthead knows it: its terms, level, and the two parts of its body.

    ``gated_html`` is the body after the cut (links made root-relative); only the access
    check's granted answer carries it. ``preview_page`` is the last good preview page, kept
    so that an origin that is down or slow still gets readers the preview, never more.
    """

    origin_id = models.BigIntegerField(unique=True)
    path = models.CharField(max_length=500, db_index=True)
    slug = models.SlugField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, default="publish")
    published_at = models.DateTimeField(null=True, blank=True)
    modified_at = models.DateTimeField(null=True, blank=True)
    categories = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    section = models.SlugField(max_length=100, blank=True)
    level = models.CharField(max_length=16, choices=AccessLevel.choices)
    gated_html = models.TextField(blank=True)
    gated_text = models.TextField(blank=True)
    preview_text = models.TextField(blank=True)
    excerpt_html = models.TextField(blank=True)
    # The automatic excerpt as the origin writes it, and the same stopped at the preview
    # (excerpts.py); both blank when the excerpt says nothing the preview does not.
    excerpt_needle = models.TextField(blank=True)
    excerpt_cut = models.TextField(blank=True)
    preview_page = models.TextField(blank=True)
    preview_version = models.CharField(max_length=64, blank=True)
    split_problem = models.CharField(max_length=200, blank=True)
    split_failures = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-published_at", "-id")

    def __str__(self) -> str:
        return self.title or f"origin post {self.origin_id}"

    @property
    def article_id(self) -> int:
        """The id the access check and the page script use."""
        return ORIGIN_ID_BASE + self.origin_id

    @property
    def is_walled(self) -> bool:
        """True when a reader may be refused the rest (any level but free)."""
        return self.level != AccessLevel.FREE

    @property
    def version(self) -> str:
        """The content version: the origin's modification time and our level."""
        stamp = self.modified_at.isoformat() if self.modified_at else ""
        return f"{stamp}|{self.level}"


class OriginMedia(models.Model):
    """One upload (its original's path under ``wp-content/uploads/``) in one post's body."""

    article = models.ForeignKey(OriginArticle, on_delete=models.CASCADE, related_name="media")
    name = models.CharField(max_length=500, db_index=True)
    gated = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "name", "gated"], name="one_use_per_part"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({'gated' if self.gated else 'public'})"
