"""Give every protected file a random name; reversible through ``UploadRename``.

Before protected media, uploads kept the name they were uploaded with under a fixed
folder ("images/ledger.jpg"): a reader could guess the URL of a file that only a gated
part or an unpublished story shows. This migration moves each such file to
``<folder>/<random token><.ext>`` (``masthead.core.uploads.random_name``) and points every
row that used it at the new name; public files (lead media and lead-in files of live
articles, every file of a live free article, portraits, ads) keep their URLs.

The rules are spelt out here, on the historical models, rather than imported: a
migration must keep meaning what it meant when it was written. They are the same as
``newsroom.media_uses`` with ``access.media.is_public`` on the day it was written, except
that the publisher's exempt sections are not read (a file there is renamed, which only
changes its URL).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import default_storage
from django.db import migrations
from django.utils import timezone

from masthead.core.uploads import random_name

logger = logging.getLogger(__name__)

LIVE_STATUSES = ("published", "scheduled")
# (model, field): every newsroom field that holds an article's file. Portraits are site
# assets (public), so Author.photo is not here.
FIELDS = (("Article", "lead_image"), ("Block", "image"), ("Video", "file"), ("Video", "poster"))


def _is_live(article: Any, now: Any) -> bool:
    return (
        article.status in LIVE_STATUSES
        and article.published_at is not None
        and article.published_at <= now
    )


def _is_free(article: Any) -> bool:
    if article.access_level:
        return bool(article.access_level == "free")
    section = article.section
    return section is not None and section.default_access_level == "free"


def _lead_in_ids(blocks: list[Any], paragraphs: int) -> set[int]:
    """Return the ids of the blocks before the paywall cut (``rendering.split_body``)."""
    for index, block in enumerate(blocks):
        if block.kind == "paywall_break":
            return {b.pk for b in blocks[:index]}
    total = sum(1 for b in blocks if b.kind == "paragraph")
    wanted = max(min(paragraphs, total - 1), 0)
    seen, cut = 0, 0
    if wanted > 0:
        for index, block in enumerate(blocks):
            if block.kind == "paragraph":
                seen += 1
                if seen == wanted:
                    cut = index + 1
                    break
    return {b.pk for b in blocks[:cut]}


def public_names(apps: Any, now: Any) -> set[str]:
    """Return the storage names some live article shows before its gate (or whole, if free)."""
    Article = apps.get_model("newsroom", "Article")
    Publication = apps.get_model("newsroom", "Publication")
    publication = Publication.objects.first()
    default_lead_in = publication.lead_in_paragraphs if publication else 3
    public: set[str] = set()
    for article in Article.objects.select_related("section", "lead_video"):
        if not _is_live(article, now):
            continue
        if article.lead_image:
            public.add(article.lead_image.name)
        if article.lead_video is not None:
            public.update(_video_names(article.lead_video))
        blocks = list(article.blocks.select_related("video").order_by("position", "pk"))
        paragraphs = (
            article.lead_in_paragraphs
            if article.lead_in_paragraphs is not None
            else default_lead_in
        )
        open_ids = {b.pk for b in blocks} if _is_free(article) else _lead_in_ids(blocks, paragraphs)
        for block in blocks:
            if block.pk not in open_ids:
                continue
            if block.kind == "image" and block.image:
                public.add(block.image.name)
            if block.kind == "video" and block.video is not None:
                public.update(_video_names(block.video))
    return public


def _video_names(video: Any) -> set[str]:
    return {f.name for f in (video.file, video.poster) if f}


def rename_protected(apps: Any, schema_editor: Any) -> None:
    """Move every file only a gated part or an article that is not live shows."""
    UploadRename = apps.get_model("newsroom", "UploadRename")
    public = public_names(apps, timezone.now())
    moved: dict[str, str] = {}
    recorded: set[tuple[str, str]] = set()
    for model_name, field in FIELDS:
        model = apps.get_model("newsroom", model_name)
        for row in model.objects.exclude(**{field: ""}).only("pk", field):
            old = getattr(row, field).name
            if not old or old in public:
                continue
            if old not in moved:
                new = _move(old)
                if new is None:
                    continue
                moved[old] = new
            model.objects.filter(pk=row.pk).update(**{field: moved[old]})
            label = f"newsroom.{model_name}.{field}"
            if (label, old) not in recorded:
                recorded.add((label, old))
                UploadRename.objects.create(field=label, old_name=old, new_name=moved[old])


def _move(old: str) -> str | None:
    if not default_storage.exists(old):
        logger.warning("protected_file_missing name=%s", old)
        return None
    folder = old.rsplit("/", 1)[0] if "/" in old else "uploads"
    with default_storage.open(old, "rb") as handle:
        new = default_storage.save(random_name(folder, old), handle)
    default_storage.delete(old)
    return str(new)


def restore_names(apps: Any, schema_editor: Any) -> None:
    """Undo ``rename_protected``: each file back under its old name, each row pointed there."""
    UploadRename = apps.get_model("newsroom", "UploadRename")
    restored: dict[str, str] = {}
    for rename in UploadRename.objects.order_by("-pk"):
        new, old = rename.new_name, rename.old_name
        if new not in restored and default_storage.exists(new):
            with default_storage.open(new, "rb") as handle:
                restored[new] = str(default_storage.save(old, handle))
            default_storage.delete(new)
        _, model_name, field = rename.field.split(".")
        model = apps.get_model("newsroom", model_name)
        model.objects.filter(**{field: new}).update(**{field: restored.get(new, old)})
        rename.delete()


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0003_random_upload_names")]

    operations = [migrations.RunPython(rename_protected, restore_names)]
