"""The article body as HTML: cut at the paywall, rendered block by block, ads between.

There is exactly one cut. ``split_body`` decides which blocks are the lead-in (in the
public page) and which are gated (sent only by a granted access check); both halves
are rendered by ``render_part`` with the same paragraph numbering, so ad slots and
their ids line up as if the body had never been cut. Lead-in plus gated is the whole
body: every block lands in exactly one half, and the ``paywall_break`` block itself
in neither. The one exception to whole blocks is a story too short to keep a whole
paragraph on each side: its first paragraph is cut between two sentences
(``sentences.cut_after_first_sentences``), each sentence on exactly one side.

Files in a part rendered with ``protect_media`` (the gated part, unless the article is
free and live; everything of an article that is not live) get the paywall's media
placeholders instead of URLs: the access check signs them when it sends the part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from masthead.ads.slots import AdPicker

from .models import Article, Block, Publication
from .sentences import cut_after_first_sentences

_KINDS = {choice for choice, _ in Block.Kind.choices} - {Block.Kind.PAYWALL_BREAK}


@dataclass(frozen=True)
class BodySplit:
    """The body cut in two; ``gated_starts_after`` counts the lead-in's paragraphs.

    ``sentence_cut`` is True when the first paragraph was cut between sentences (a
    short story): the lead-in's last block and the gated part's first are its halves.
    """

    lead_in: tuple[Block, ...]
    gated: tuple[Block, ...]
    gated_starts_after: int
    sentence_cut: bool = False


def lead_in_length(article: Article, publication: Publication) -> int:
    """Return how many paragraphs the article shows before the gate."""
    if article.lead_in_paragraphs is not None:
        return article.lead_in_paragraphs
    return publication.lead_in_paragraphs


def split_body(
    blocks: Sequence[Block], paragraphs: int, *, cut_sentences: bool = True
) -> BodySplit:
    """Cut ``blocks`` at the first paywall break, else after ``paragraphs`` paragraphs.

    Without a break the lead-in never takes the last paragraph: a short article still
    keeps something behind the gate instead of leaking whole through a long setting.
    When that leaves no whole paragraph for the lead-in although ``paragraphs`` asks
    for some (a one-paragraph story), the first paragraph is cut after its first
    sentences instead, so the preview is never empty; a one-sentence story keeps it
    all behind the gate and previews with its summary alone.
    A break is always honoured, even one with no paragraph above it (the admin asks the
    editor to confirm that; imports and old rows may carry it too): everything the
    editor put behind a break stays behind it, and the page shows no lead-in rather
    than gated text. So is an explicit lead-in length of 0.

    ``cut_sentences`` False keeps whole blocks (for a body shown whole anyway, as on a
    free article's page: its first paragraph should not read as two).
    """
    ordered = tuple(blocks)
    for index, block in enumerate(ordered):
        if block.kind != Block.Kind.PAYWALL_BREAK:
            continue
        lead_in = ordered[:index]
        rest = tuple(b for b in ordered[index + 1 :] if b.kind != Block.Kind.PAYWALL_BREAK)
        return BodySplit(lead_in, rest, _count_paragraphs(lead_in))
    total = _count_paragraphs(ordered)
    wanted = max(min(paragraphs, total - 1), 0)
    if wanted == 0 and paragraphs > 0 and cut_sentences:
        short = _split_first_paragraph(ordered)
        if short is not None:
            return short
    cut = _index_after_paragraph(ordered, wanted)
    return BodySplit(ordered[:cut], ordered[cut:], wanted)


def _split_first_paragraph(ordered: tuple[Block, ...]) -> BodySplit | None:
    """Return the body cut inside its first paragraph, or None when that cannot be done.

    The halves are unsaved copies of the paragraph block; blocks before it (an image,
    a subheading) stay in the lead-in, as they would before a whole-paragraph cut.
    """
    index = next((i for i, b in enumerate(ordered) if b.kind == Block.Kind.PARAGRAPH), None)
    if index is None:
        return None
    paragraph = ordered[index]
    cut = cut_after_first_sentences(paragraph.html)
    if cut is None:
        return None
    head, tail = _half(paragraph, cut.head), _half(paragraph, cut.tail)
    return BodySplit((*ordered[:index], head), (tail, *ordered[index + 1 :]), 0, True)


def _half(paragraph: Block, html: str) -> Block:
    # Never saved: Block.save would rebuild ``html`` from the whole ``text``.
    return Block(
        article_id=paragraph.article_id,
        position=paragraph.position,
        kind=Block.Kind.PARAGRAPH,
        html=html,
    )


def _count_paragraphs(blocks: Sequence[Block]) -> int:
    return sum(1 for block in blocks if block.kind == Block.Kind.PARAGRAPH)


def _index_after_paragraph(blocks: Sequence[Block], wanted: int) -> int:
    """Return the index just past the ``wanted``-th paragraph (0 when ``wanted`` is 0)."""
    if wanted <= 0:
        return 0
    seen = 0
    for index, block in enumerate(blocks):
        if block.kind == Block.Kind.PARAGRAPH:
            seen += 1
            if seen == wanted:
                return index + 1
    return len(blocks)


def render_part(
    blocks: Sequence[Block],
    *,
    paragraphs_before: int,
    ad_every: int,
    ads: AdPicker | None,
    protect_media: bool = False,
) -> SafeString:
    """Return ``blocks`` as HTML with an ad slot after every ``ad_every``-th paragraph.

    Paragraphs are numbered from ``paragraphs_before`` so both halves share one count.
    No slot closes a part: the gate or the bottom slot follows it. ``ads`` None (an
    ad-free reader) or ``ad_every`` 0 means no slots.
    """
    pieces: list[str] = []
    number = paragraphs_before
    for index, block in enumerate(blocks):
        if block.kind not in _KINDS:
            continue
        pieces.append(render_block(block, protect_media=protect_media))
        if block.kind != Block.Kind.PARAGRAPH:
            continue
        number += 1
        is_last = index == len(blocks) - 1
        if ads is not None and ad_every > 0 and number % ad_every == 0 and not is_last:
            pieces.append(ads.slot_html(f"ad-after-paragraph-{number}"))
    return mark_safe("\n".join(pieces))  # noqa: S308 - every piece is template output


def render_block(block: Block, *, protect_media: bool = False) -> str:
    """Return one block through its template ``newsroom/blocks/<kind>.html``.

    ``protect_media`` renders its files as placeholders (``media_src``), not URLs.
    """
    template = get_template(f"newsroom/blocks/{block.kind}.html")
    context = {"block": block, "video": block.video, "protect_media": protect_media}
    return template.render(context).strip()


def body_blocks(article: Article) -> list[Block]:
    """Return the article's blocks in reading order, videos loaded."""
    return list(article.blocks.select_related("video").order_by("position", "pk"))


@dataclass(frozen=True)
class RenderedBody:
    """The two halves of an article, rendered."""

    lead_in: SafeString
    gated: SafeString


def render_body(
    article: Article,
    publication: Publication,
    ads: AdPicker | None,
    *,
    gated_only: bool = False,
    protect_lead_in: bool = False,
    protect_gated: bool = True,
    cut_sentences: bool = True,
) -> RenderedBody:
    """Return the lead-in and the gated part of ``article`` as HTML.

    ``gated_only`` skips rendering the lead-in (returned empty) for the access check.
    ``protect_lead_in`` and ``protect_gated`` render each part's files as media
    placeholders; the gated part's are by default, since only a granted check sends it.
    ``cut_sentences`` False when the two halves are shown together (see ``split_body``).
    """
    blocks = body_blocks(article)
    length = lead_in_length(article, publication)
    split = split_body(blocks, length, cut_sentences=cut_sentences)
    every = publication.ad_every_paragraphs
    lead_in = mark_safe("")
    if not gated_only:
        lead_in = render_part(
            split.lead_in,
            paragraphs_before=0,
            ad_every=every,
            ads=ads,
            protect_media=protect_lead_in,
        )
    gated = render_part(
        split.gated,
        paragraphs_before=split.gated_starts_after,
        ad_every=every,
        ads=ads,
        protect_media=protect_gated,
    )
    return RenderedBody(lead_in, gated)
