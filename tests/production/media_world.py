"""Files of every protected kind in the production stack's database, for test_media.py.

    DJANGO_SETTINGS_MODULE=bench.settings python -m tests.production.media_world setup
    DJANGO_SETTINGS_MODULE=bench.settings python -m tests.production.media_world unpublish ID

``setup`` stores the files through the app's storage (the folder nginx's internal location
serves), attaches them to new stories and prints their names and the stories' ids as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys

PNG = b"\x89PNG\r\n\x1a\n" + b"PRODUCTION-MEDIA-PROBE" * 4
WEBM = b"\x1a\x45\xdf\xa3" + b"PRODUCTION-MEDIA-PROBE" * 4
HTML = b"<!doctype html><script>fetch('/api/me/')</script>PRODUCTION-MEDIA-PROBE"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'>PRODUCTION-MEDIA-PROBE</svg>"


def setup() -> dict[str, object]:
    """Create the stories and files; return what the tests need to find them."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from masthead.newsroom.models import Article, Block, Section, Video

    tag = secrets.token_hex(4)
    now = timezone.now()
    section = Section.objects.order_by("pk").first()

    def store(folder: str, body: bytes, extension: str) -> str:
        return default_storage.save(
            f"{folder}/probe-{secrets.token_hex(8)}.{extension}", ContentFile(body)
        )

    def story(
        key: str, level: str, status: str, when: dt.datetime | None, **fields: object
    ) -> Article:
        article = Article.objects.create(
            headline=f"Media probe {key} {tag}",
            slug=f"media-probe-{key}-{tag}",
            section=section,
            access_level=level,
            status=status,
            published_at=when,
            lead_in_paragraphs=1,
            **fields,
        )
        for position in range(3):
            Block.objects.create(
                article=article, position=position, kind="paragraph", text=f"Paragraph {position}."
            )
        return article

    names: dict[str, str] = {}
    past = now - dt.timedelta(days=1)
    names["public_lead"] = store("images", PNG, "png")
    gated = story("gated", "subscriber", "published", past, lead_image=names["public_lead"])
    names["gated_image"] = store("images", PNG, "png")
    Block.objects.create(article=gated, position=10, kind="image", image=names["gated_image"])
    names["gated_video"] = store("video", WEBM, "webm")
    video = Video.objects.create(title=f"Probe {tag}", file=names["gated_video"])
    Block.objects.create(article=gated, position=11, kind="video", video=video)
    names["draft_lead"] = store("images", PNG, "png")
    story("draft", "free", "draft", None, lead_image=names["draft_lead"])
    names["scheduled_lead"] = store("images", PNG, "png")
    story(
        "scheduled",
        "free",
        "scheduled",
        now + dt.timedelta(days=7),
        lead_image=names["scheduled_lead"],
    )
    names["unpublish_lead"] = store("images", PNG, "png")
    unpublish = story("unpublish", "metered", "published", past, lead_image=names["unpublish_lead"])
    names["html_as_image"] = store("images", HTML, "html")
    names["svg_as_image"] = store("images", SVG, "svg")
    names["html_as_png"] = store("images", HTML, "png")
    names["html_as_video"] = store("video", HTML, "webm")
    story("types", "free", "published", past, lead_image=names["html_as_image"])
    story("types2", "free", "published", past, lead_image=names["svg_as_image"])
    story("types3", "free", "published", past, lead_image=names["html_as_png"])
    story(
        "types4",
        "free",
        "published",
        past,
        lead_video=Video.objects.create(title=f"Probe html {tag}", file=names["html_as_video"]),
    )
    return {"names": names, "gated_id": gated.pk, "unpublish_id": unpublish.pk}


def unpublish(article_id: int) -> None:
    """Put the story back to draft, as an editor would in the admin."""
    from masthead.newsroom.models import Article

    article = Article.objects.get(pk=article_id)
    article.status = Article.Status.DRAFT
    article.save()


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "setup":
        print(json.dumps(setup()))
    else:
        unpublish(int(sys.argv[2]))
