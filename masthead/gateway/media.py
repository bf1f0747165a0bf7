"""Origin uploads that only gated parts show: through Masthead's protected media.

WordPress serves every upload from ``/wp-content/uploads/`` to anyone. For a file that only
the gated part of a walled post shows, the gateway instead:

- records where each upload appears (``OriginMedia``: the post, and whether in its gated
  part), from the sync's cut of the post's body;
- copies such a file into Masthead's storage as ``origin/<path>`` and puts a media
  placeholder in the stored gated part, so the access check's granted answer carries a
  signed ``/media/origin/<path>`` URL (``masthead.access`` signs it, ``serve_media``
  serves it) — the same service as a native article's gated images;
- answers 404 at ``/wp-content/uploads/<path>`` (and its resized copies) for such a file.

``media_uses`` is this app's ``PAYWALL_MEDIA_SOURCES`` entry. WordPress's resized copies
(``-300x200``, ``-scaled``) count as their original.
"""

from __future__ import annotations

import logging
import posixpath
import re

import httpx
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from masthead.access import MediaUse, media_placeholder
from masthead.gateway.models import ORIGIN_ID_BASE, OriginMedia

logger = logging.getLogger(__name__)

UPLOADS = "/wp-content/uploads/"
PREFIX = "origin/"
_UPLOAD_URL = re.compile(r"(?:https?://[^/\s\"'<>]+)?/wp-content/uploads/([A-Za-z0-9_./%+-]+)")
# Resized, scaled, rotated and edited ("-e" and a timestamp) copies of one upload.
_VARIANT = re.compile(r"-(?:\d+x\d+|scaled|rotated|e\d{10,})(?=\.[A-Za-z0-9]+$)")
_RESPONSIVE = re.compile(r"\s(?:srcset|sizes)=(\"[^\"]*\"|'[^']*')")


def is_unusual_upload_path(path: str) -> bool:
    """True for a path under ``/wp-content/`` that is not in its one plain spelling."""
    if not path.startswith("/wp-content"):
        return False
    plain = posixpath.normpath(re.sub("/+", "/", path))
    return plain.rstrip("/") != path.rstrip("/")


def base_name(path: str) -> str:
    """The original upload a (possibly resized) upload path belongs to."""
    return _VARIANT.sub("", path.lstrip("/"))


def uploads_in(html: str) -> set[str]:
    """The originals of every upload ``html`` refers to (``src``, ``href``, ``srcset``)."""
    return {base_name(match.group(1)) for match in _UPLOAD_URL.finditer(html)}


def protect(html: str, names: set[str]) -> str:
    """Put media placeholders in ``html`` for the uploads in ``names`` (originals).

    Responsive ``srcset``/``sizes`` go: they list resized copies by their public URLs.
    """
    if not names:
        return html
    html = _RESPONSIVE.sub("", html)

    def swap(match: re.Match[str]) -> str:
        name = base_name(match.group(1))
        return media_placeholder(PREFIX + name) if name in names else match.group(0)

    return _UPLOAD_URL.sub(swap, html)


def record_uses(article_pk: int, public: set[str], gated: set[str]) -> None:
    """Replace the post's upload records: lead-in (public) and gated-only files."""
    OriginMedia.objects.filter(article_id=article_pk).delete()
    OriginMedia.objects.bulk_create(
        [OriginMedia(article_id=article_pk, name=name, gated=False) for name in sorted(public)]
        + [OriginMedia(article_id=article_pk, name=name, gated=True) for name in sorted(gated)]
    )


def mirror(client: httpx.Client, names: set[str]) -> None:
    """Copy each upload into Masthead's storage once (the origin's URL will answer 404)."""
    for name in sorted(names):
        stored = PREFIX + name
        if default_storage.exists(stored):
            continue
        try:
            response = client.get(UPLOADS + name)
            response.raise_for_status()
        except httpx.HTTPError:
            # The gated part still names it by placeholder; it stays unavailable (404),
            # never public. The next sync tries again.
            logger.warning("gateway_media_copy_failed name=%s", name)
            continue
        default_storage.save(stored, ContentFile(response.content))


def protected_names() -> set[str]:
    """Originals that only gated parts of published posts show."""
    rows = OriginMedia.objects.filter(article__status="publish").values_list("name", "gated")
    gated = {name for name, is_gated in rows if is_gated}
    public = {name for name, is_gated in rows if not is_gated}
    return gated - public


def media_uses(name: str) -> list[MediaUse]:
    """``PAYWALL_MEDIA_SOURCES``: where the stored ``origin/…`` file ``name`` is shown."""
    if not name.startswith(PREFIX):
        return []
    rows = OriginMedia.objects.filter(name=name.removeprefix(PREFIX)).values_list(
        "article__origin_id", "gated"
    )
    return [MediaUse(ORIGIN_ID_BASE + origin_id, gated) for origin_id, gated in rows]
