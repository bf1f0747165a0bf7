"""Template tags for the article head: ``{% article_head_meta article as head %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from masthead.newsroom.models import Article
from masthead.newsroom.structured_data import HeadMeta, head_meta
from masthead.newsroom.syndication import syndicate

register = template.Library()


@register.simple_tag(takes_context=True)
def article_head_meta(context: dict[str, Any], article: Article) -> HeadMeta:
    """Return the head's cards and JSON-LD for ``article``, as an anonymous reader sees it."""
    card = syndicate(article, now=timezone.now())
    return head_meta(context["request"], card, article.lead_video)
