"""The public text search reads: headline, summary and the lead-in, kept on the article.

``lead_in_text`` is refreshed whenever an article, one of its blocks or the publication
(its default lead-in length) changes, so a word behind the gate is never searchable.
"""

from __future__ import annotations

from django.utils.html import strip_tags

from .models import Article, Block, Publication
from .rendering import body_blocks, lead_in_length, split_body

_TEXT_KINDS = (Block.Kind.PARAGRAPH, Block.Kind.SUBHEADING, Block.Kind.PULL_QUOTE)


def lead_in_text(article: Article, publication: Publication) -> str:
    """Return the plain text of the article's lead-in (before the paywall cut)."""
    split = split_body(body_blocks(article), lead_in_length(article, publication))
    return " ".join(strip_tags(b.html) for b in split.lead_in if b.kind in _TEXT_KINDS)


def refresh_lead_in_text(article_id: int) -> None:
    """Store the current lead-in text on the article; nothing when it is gone."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    text = lead_in_text(article, Publication.current())
    Article.objects.filter(pk=article_id).update(lead_in_text=text)


def refresh_all() -> None:
    """Recompute every article's lead-in text (after the default length changed)."""
    for article_id in Article.objects.values_list("pk", flat=True).iterator():
        refresh_lead_in_text(article_id)
