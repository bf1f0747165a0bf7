"""The demo newsroom through the ORM: publication, sections, authors, stories, pages.

Loading is idempotent: rows are found by slug and reused, so a second run adds nothing and
leaves editors' changes alone. ``reset=True`` deletes the demo's own articles (never anyone
else's), puts sections, authors, pages and the publication back to the written versions and
creates the stories again with times relative to the new ``now``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from masthead.demo import (
    stories_business,
    stories_city,
    stories_climate,
    stories_culture,
    stories_politics,
)
from masthead.demo.pages import PAGES
from masthead.demo.specs import AuthorSpec, PageSpec, SectionSpec, StorySpec, VideoSpec, typeset
from masthead.demo.staff import (
    AUTHORS,
    PUBLICATION_NAME,
    PUBLICATION_TAGLINE,
    PUBLICATION_TIME_ZONE,
    SECTIONS,
)
from masthead.newsroom.models import Article, Author, Block, Page, Publication, Section, Video

MEDIA_DIR = Path(__file__).resolve().parent / "media"
STORAGE_PREFIX = "demo"  # where the committed files land inside MEDIA_ROOT
STORIES: tuple[StorySpec, ...] = (
    *stories_city.STORIES,
    *stories_politics.STORIES,
    *stories_business.STORIES,
    *stories_climate.STORIES,
    *stories_culture.STORIES,
)


@dataclass
class LoadResult:
    """How many demo articles a run created and how many it found already there."""

    created: int = 0
    kept: int = 0


@dataclass
class _Media:
    """Copies committed demo files into the default storage, once per file per run."""

    refresh: bool
    stored: dict[str, str] = field(default_factory=dict)

    def name_for(self, relative: str) -> str:
        """Return the storage name of ``media/<relative>``, copying the file if needed."""
        if relative in self.stored:
            return self.stored[relative]
        name = f"{STORAGE_PREFIX}/{relative}"
        if self.refresh and default_storage.exists(name):
            default_storage.delete(name)
        if not default_storage.exists(name):
            with (MEDIA_DIR / relative).open("rb") as handle:
                name = default_storage.save(name, File(handle))
        self.stored[relative] = name
        return name


def load_newsroom(now: dt.datetime, *, reset: bool = False) -> LoadResult:
    """Create whatever part of the demo newsroom is missing, timed relative to ``now``.

    With ``reset`` the demo's articles are deleted first and everything else is put back
    to the written version.
    """
    media = _Media(refresh=reset)
    with transaction.atomic():
        if reset:
            _delete_demo_articles()
        _set_up_publication(reset)
        sections = {spec.slug: _section(spec, reset) for spec in SECTIONS}
        authors = {spec.slug: _author(spec, media, reset) for spec in AUTHORS}
        result = LoadResult()
        for spec in STORIES:
            if Article.objects.filter(slug=spec.slug).exists():
                result.kept += 1
            else:
                _create_story(spec, now, sections, authors, media)
                result.created += 1
        for page in PAGES:
            _page(page, reset)
    return result


def _delete_demo_articles() -> None:
    articles = Article.objects.filter(slug__in=[spec.slug for spec in STORIES])
    video_ids = [pk for pk in articles.values_list("lead_video_id", flat=True) if pk]
    articles.delete()
    Video.objects.filter(pk__in=video_ids).delete()


def _set_up_publication(reset: bool) -> None:
    publication = Publication.current()
    # A publication still carrying the model's default name has never been set up; one
    # with another name belongs to whoever renamed it, unless a reset was asked for.
    if not reset and publication.name != Publication._meta.get_field("name").default:
        return
    publication.name = PUBLICATION_NAME
    publication.tagline = PUBLICATION_TAGLINE
    publication.time_zone = PUBLICATION_TIME_ZONE
    publication.save()


def _section(spec: SectionSpec, reset: bool) -> Section:
    values = {
        "name": spec.name,
        "description": typeset(spec.description),
        "default_access_level": spec.access_level,
        "position": [s.slug for s in SECTIONS].index(spec.slug),
    }
    if reset:
        return Section.objects.update_or_create(slug=spec.slug, defaults=values)[0]
    return Section.objects.get_or_create(slug=spec.slug, defaults=values)[0]


def _author(spec: AuthorSpec, media: _Media, reset: bool) -> Author:
    values = {"name": spec.name, "role": spec.role, "bio": typeset(spec.bio), "photo": ""}
    if spec.photo:
        values["photo"] = media.name_for(f"authors/{spec.photo}")
    if reset:
        return Author.objects.update_or_create(slug=spec.slug, defaults=values)[0]
    return Author.objects.get_or_create(slug=spec.slug, defaults=values)[0]


def _page(spec: PageSpec, reset: bool) -> None:
    values = {"title": spec.title, "body": typeset(spec.body.strip())}
    page, created = Page.objects.get_or_create(slug=spec.slug, defaults=values)
    if reset and not created:
        # A full save, not update_or_create: that saves only the given fields, and
        # Page.save must rewrite ``html`` from the body.
        page.title, page.body = values["title"], values["body"]
        page.save()


def _times(spec: StorySpec, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Return (published, updated) for the story; a draft has neither."""
    if spec.status == Article.Status.DRAFT:
        return None, None
    published = (now - dt.timedelta(hours=spec.age_hours)).replace(second=0, microsecond=0)
    if spec.updated_after_hours is None:
        return published, None
    return published, published + dt.timedelta(hours=spec.updated_after_hours)


def _create_story(
    spec: StorySpec,
    now: dt.datetime,
    sections: dict[str, Section],
    authors: dict[str, Author],
    media: _Media,
) -> Article:
    published, updated = _times(spec, now)
    lead = spec.lead
    article = Article.objects.create(
        slug=spec.slug,
        headline=typeset(spec.headline),
        summary=typeset(spec.summary),
        section=sections[spec.section],
        status=spec.status,
        published_at=published,
        updated_at=updated,
        correction=typeset(spec.correction),
        access_level=spec.access_level,
        lead_in_paragraphs=spec.lead_in_paragraphs,
        lead_image=media.name_for(f"images/{lead.file}") if lead else "",
        lead_image_alt=typeset(lead.alt) if lead else "",
        lead_image_caption=typeset(lead.caption) if lead else "",
        lead_image_credit=lead.credit if lead else "",
        lead_video=_video(spec.video, media) if spec.video else None,
    )
    article.authors.set([authors[slug] for slug in spec.authors])
    for position, block in enumerate(spec.blocks()):
        # One save per block, not bulk_create: Block.save sanitises the text into html.
        Block.objects.create(
            article=article,
            position=position,
            kind=block.kind,
            text=typeset(block.text),
            attribution=block.attribution,
            image=media.name_for(f"images/{block.image}") if block.image else "",
            alt=typeset(block.alt),
            caption=typeset(block.caption),
            credit=block.credit,
        )
    return article


def _video(spec: VideoSpec, media: _Media) -> Video:
    return Video.objects.create(
        title=spec.title,
        file=media.name_for(f"video/{spec.file}"),
        poster=media.name_for(f"video/{spec.poster}"),
        caption=typeset(spec.caption),
        credit=spec.credit,
        transcript=typeset(spec.transcript),
    )
