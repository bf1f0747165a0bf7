"""Small builders for newsroom tests: sections, authors, articles with numbered blocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from masthead.newsroom.models import Article, Author, Block, Publication, Section

WHEN = dt.datetime(2025, 2, 18, 18, 47, tzinfo=dt.UTC)


def publication(**fields: object) -> Publication:
    pub = Publication.current()
    for name, value in fields.items():
        setattr(pub, name, value)
    pub.save()
    return pub


def section(slug: str = "metro", **fields: object) -> Section:
    fields.setdefault("name", slug.title())
    return Section.objects.get_or_create(slug=slug, defaults=fields)[0]


def author(slug: str = "ada-reporter", name: str = "Ada Reporter") -> Author:
    return Author.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def article(
    slug: str = "council-votes",
    *,
    paragraphs: int = 6,
    kinds: Sequence[str] | None = None,
    published_at: dt.datetime | None = WHEN,
    status: str = Article.Status.PUBLISHED,
    marker: str = "GATEDWORD",
    **fields: object,
) -> Article:
    """Return a saved article whose paragraph N reads "Paragraph N ...".

    Paragraphs past the publication's lead-in carry ``marker`` plus their number, so
    leak tests can look for e.g. ``GATEDWORD5``. ``kinds`` lays out blocks explicitly.
    """
    fields.setdefault("headline", "Council votes to repave Elm Street")
    fields.setdefault("summary", "The vote ends a two-year fight over potholes.")
    fields.setdefault("section", section())
    art = Article.objects.create(slug=slug, status=status, published_at=published_at, **fields)
    art.authors.add(author())
    layout = list(kinds) if kinds is not None else ["paragraph"] * paragraphs
    number = 0
    for position, kind in enumerate(layout):
        text = ""
        if kind == "paragraph":
            number += 1
            text = f"Paragraph {number} leadword{number} {marker}{number}."
        elif kind in ("subheading", "pull_quote"):
            text = f"A {kind} at {position}"
        Block.objects.create(article=art, position=position, kind=kind, text=text)
    return art


def png_bytes(width: int = 8, height: int = 6) -> bytes:
    """Return a small PNG made on the spot."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 140, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def full_article(slug: str = "full-story", **fields: Any) -> Article:
    """Return an article with every part of the page: video, lead image, correction."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from masthead.newsroom.models import Video

    video = Video.objects.create(
        title="The vote, in ninety seconds",
        url="https://video.example.org/vote.webm",
        caption="Council members cast their votes.",
        credit="Video by Sam Lens",
        transcript="Speaker one: The motion carries.\n\nSpeaker two: Thank you all.",
    )
    fields.setdefault("lead_video", video)
    fields.setdefault("lead_image_alt", "Elm Street at dusk")
    fields.setdefault("lead_image_caption", "Elm Street, where the repaving begins.")
    fields.setdefault("lead_image_credit", "Photo by Ria Shutter")
    fields.setdefault("updated_at", WHEN + dt.timedelta(hours=2))
    fields.setdefault("correction", "An earlier version misstated the street's length.")
    art = article(slug, paragraphs=8, **fields)
    art.lead_image.save("elm.png", SimpleUploadedFile("elm.png", png_bytes()), save=True)
    return art
