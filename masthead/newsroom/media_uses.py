"""Where the newsroom shows a stored file: the media source for protected media.

``access`` asks ``media_uses`` (named in ``PAYWALL_MEDIA_SOURCES``) and decides, with
the content source's article facts, whether a file is public now. This module only says
where a file appears: an article's lead image or lead video (public part), a block
before or after the paywall cut (the same cut as ``rendering.split_body``), or a byline
portrait (a site asset). The answer is cached per newsroom generation (``paywall_cache``),
so an edit that moves the cut or swaps a file is seen by the very next request.
"""

from __future__ import annotations

import hashlib

from django.db.models import Q

from masthead.access import SITE_ASSET, MediaUse

from . import paywall_cache
from .models import Article, Author, Block, Publication, Video
from .rendering import lead_in_length, split_body


def media_uses(name: str) -> list[MediaUse]:
    """Return every place the newsroom shows the stored file ``name``."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
    rows = paywall_cache.cached(f"media:{digest}", lambda: _uses_rows(name))
    return [MediaUse(article_id, gated) for article_id, gated in rows or ()]


def _uses_rows(name: str) -> tuple[tuple[int | None, bool], ...]:
    found: set[tuple[int | None, bool]] = set()
    if Author.objects.filter(photo=name).exists():
        found.add((SITE_ASSET.article_id, SITE_ASSET.gated))
    leads = Article.objects.filter(lead_image=name).values_list("pk", flat=True)
    found.update((pk, False) for pk in leads)
    videos = list(Video.objects.filter(Q(file=name) | Q(poster=name)).values_list("pk", flat=True))
    if videos:
        found.update(
            (pk, False)
            for pk in Article.objects.filter(lead_video__in=videos).values_list("pk", flat=True)
        )
    blocks = Block.objects.filter(Q(image=name) | Q(video__in=videos)) if videos else None
    if blocks is None:
        blocks = Block.objects.filter(image=name)
    article_ids = set(blocks.values_list("article_id", flat=True))
    if article_ids:
        publication = Publication.current()
        for article in Article.objects.filter(pk__in=article_ids):
            found.update(_block_uses(article, publication, name, set(videos)))
    return tuple(sorted(found, key=lambda row: (row[0] or 0, row[1])))


def _block_uses(
    article: Article, publication: Publication, name: str, videos: set[int]
) -> set[tuple[int | None, bool]]:
    ordered = list(article.blocks.order_by("position", "pk"))
    split = split_body(ordered, lead_in_length(article, publication))
    uses: set[tuple[int | None, bool]] = set()
    for part, gated in ((split.lead_in, False), (split.gated, True)):
        for block in part:
            shows_it = (block.kind == Block.Kind.IMAGE and block.image.name == name) or (
                block.kind == Block.Kind.VIDEO and block.video_id in videos
            )
            if shows_it:
                uses.add((article.pk, gated))
    # A file in a block that no part renders (a break, a block of another kind) still
    # belongs to the article: protected, whatever its state.
    if not uses:
        uses.add((article.pk, True))
    return uses
