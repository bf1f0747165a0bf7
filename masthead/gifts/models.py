"""Gift links: one article, shared by a subscriber, open to anyone until it expires."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class GiftLink(models.Model):
    """A gift of one article. Only a hash of the link's token is stored."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gift_links"
    )
    article = models.ForeignKey(
        "newsroom.Article", on_delete=models.CASCADE, related_name="gift_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["sender", "created_at"])]

    def __str__(self) -> str:
        return f"Gift of {self.article_id} by {self.sender_id}"

    def is_open(self, now: dt.datetime) -> bool:
        """Return True while the link opens its article: not revoked, not expired."""
        return self.revoked_at is None and now < self.expires_at
