"""Protected media: which uploaded files anyone may fetch, and signed URLs for the rest.

A file is **public** when some use of it is public now: a site asset that belongs to no
article (a portrait, an ad), or a file in the public part (lead media, lead-in) of a live
article, or any file of a live article whose effective level is free. Every other file is
**protected**: a file only a gated part shows, and every file of an article that is not
live (draft, scheduled, unpublished). ``/media/<name>`` answers a protected file with 404;
it is served only through a signed URL, which the access check puts in the gated HTML it
returns to a reader the decision admits (and the crawler page and the editors' preview).

Where files are used is asked of the media sources (``PAYWALL_MEDIA_SOURCES``, see
``ports.py``); whether an article is live and at which level, of the content source. So
another content source (a WordPress gateway, say) gets protected media by providing both.

A signed URL is bound to one file and an expiry, not to a cookie, so ``<img>`` and
``<video>`` can load it. It is made when the answer is sent: the content source renders
**placeholders** (``placeholder``), which the gated part keeps in its cache, and
``sign_placeholders`` turns them into URLs for each answer. A placeholder carries a mark
keyed with the site's secret, so text an editor types cannot ask for a signature.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import quote, unquote, urlencode

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.utils.html import escape

from masthead.access.policy import FREE, effective_level
from masthead.access.ports import content_source, media_sources

logger = logging.getLogger(__name__)

_URL_SALT = "masthead.access.media.url"
_PLACEHOLDER_SALT = "masthead.access.media.placeholder"
_PLACEHOLDER = re.compile(r"masthead-media:([A-Za-z0-9_-]{20,}):([A-Za-z0-9_.~/%-]+)")

DEFAULT_URL_SECONDS = 1800
DEFAULT_PUBLIC_MAX_AGE = 300


@dataclass(frozen=True)
class MediaUse:
    """One place a file is shown: an article's part, or no article at all (a site asset).

    ``article_id`` None means a file that belongs to no article (a byline portrait, an
    ad, a logo): public. ``gated`` is True for a file in the part after the paywall cut.
    """

    article_id: int | None
    gated: bool = False


SITE_ASSET = MediaUse(None)


@runtime_checkable
class PresigningStorage(Protocol):
    """A storage that hands out its own short-lived URLs (S3, ``masthead.media_s3``)."""

    def presigned_url(
        self, name: str, *, seconds: int, content_type: str, attachment: bool, private: bool
    ) -> str:
        """Return a URL for ``name`` that works for ``seconds`` and answers with these headers."""
        ...


def url_seconds() -> int:
    """Return how long a signed URL works (``PAYWALL_MEDIA_URL_SECONDS``)."""
    return max(int(getattr(settings, "PAYWALL_MEDIA_URL_SECONDS", DEFAULT_URL_SECONDS)), 1)


def public_max_age() -> int:
    """Return the ``max-age`` of a public file (``PAYWALL_MEDIA_PUBLIC_MAX_AGE``)."""
    return max(int(getattr(settings, "PAYWALL_MEDIA_PUBLIC_MAX_AGE", DEFAULT_PUBLIC_MAX_AGE)), 0)


def clean_name(name: str) -> str | None:
    """Return ``name`` when it is a plain relative storage name, else None.

    Nothing that climbs out of the media folder, names it absolutely or hides bytes a
    file system or a proxy reads differently ever reaches the storage.
    """
    if not name or len(name) > 500 or name.startswith("/") or name.endswith("/"):
        return None
    if any(ch in name for ch in "\\\x00\r\n?#") or any(ord(ch) < 32 for ch in name):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return name


def is_public(name: str, now: dt.datetime) -> bool:
    """Return True when anyone may fetch ``name`` at ``now`` without a signature.

    Any failure (a media source or the content source raising) counts as protected.
    """
    # The policy loader imports this app's models; this module is imported while apps
    # load (through ``access.__init__``), so it is imported here, when first needed.
    from masthead.access.policy_loader import load_policy

    try:
        uses = uses_of(name)
        if any(use.article_id is None for use in uses):
            return True
        source = content_source()
        policy = None
        for use in uses:
            if use.article_id is None:
                continue
            facts = source.article_facts(use.article_id, now)
            if facts is None:
                continue
            if not use.gated:
                return True
            policy = policy or load_policy()
            if effective_level(facts, policy) == FREE:
                return True
    except Exception:
        logger.exception("media_lookup_failed")
    return False


def uses_of(name: str) -> list[MediaUse]:
    """Return every use of ``name`` the media sources know; errors propagate."""
    found: list[MediaUse] = []
    for source in media_sources():
        answer: Iterable[object] = source(name)
        found.extend(use for use in answer if isinstance(use, MediaUse))
    return found


def _expiry(now: dt.datetime) -> int:
    # Rounded up to the minute: one reader's answers within a minute share URLs, so the
    # browser's cache still works for a file seen twice.
    return int(math.ceil((now.timestamp() + url_seconds()) / 60) * 60)


def _url_signer() -> signing.Signer:
    return signing.Signer(salt=_URL_SALT)


def media_url(name: str) -> str:
    """Return the site's unsigned URL of ``name`` (``MEDIA_URL`` plus the quoted name)."""
    return f"{settings.MEDIA_URL}{quote(name, safe='/')}"


def signed_url(name: str, now: dt.datetime) -> str:
    """Return a URL for ``name`` that works until a little over ``url_seconds`` from ``now``.

    With a storage that signs its own URLs (S3), the storage's presigned URL; otherwise
    the site's ``/media/<name>?expires=…&signature=…``, checked by ``verify``.
    """
    expires = _expiry(now)
    storage = default_storage
    if isinstance(storage, PresigningStorage):
        content_type, attachment = media_type(name, b"")
        return storage.presigned_url(
            name,
            seconds=max(expires - int(now.timestamp()), 1),
            content_type=content_type,
            attachment=attachment,
            private=True,
        )
    signature = _url_signer().sign(f"{expires}/{name}").rsplit(":", 1)[1]
    return f"{media_url(name)}?{urlencode({'expires': expires, 'signature': signature})}"


def verify(name: str, expires: str, signature: str, now: dt.datetime) -> int | None:
    """Return the expiry when ``signature`` signs ``name`` until ``expires`` and it is ahead.

    None for a tampered, expired or other file's signature. Keys in
    ``SECRET_KEY_FALLBACKS`` still verify, so a key rotation breaks no page already open.
    """
    if not expires.isdigit() or len(expires) > 12 or not signature or len(signature) > 100:
        return None
    try:
        _url_signer().unsign(f"{expires}/{name}:{signature}")
    except signing.BadSignature:
        return None
    moment = int(expires)
    return moment if moment > now.timestamp() else None


def placeholder(name: str) -> str:
    """Return the placeholder a content source renders where a protected file's URL goes.

    It is no URL (nothing answers it) and holds no expiry, so a cached gated part can
    keep it; ``sign_placeholders`` replaces it when the part is sent.
    """
    mark = signing.Signer(salt=_PLACEHOLDER_SALT).sign(name).rsplit(":", 1)[1]
    return f"masthead-media:{mark}:{quote(name, safe='/')}"


# Signed parts by (part, expiry), for the current expiry only: every answer within the
# same minute signs the same part to the same bytes (``_expiry`` rounds to the minute),
# and signing a part's files was a tenth of a hot check's CPU. A storage that presigns
# its own URLs is never memoised (its URLs carry their own clock).
_SIGNED_LIMIT = 512
_signed: dict[str, str] = {}
_signed_expiry = 0


def forget_signed_parts(**kwargs: object) -> None:
    """Drop the memoised signed parts (a setting they depend on changed: tests)."""
    global _signed, _signed_expiry
    _signed, _signed_expiry = {}, 0


setting_changed.connect(forget_signed_parts, dispatch_uid="access.media.forget_signed")


def sign_placeholders(html: str, now: dt.datetime) -> str:
    """Return ``html`` with every placeholder replaced by a signed URL made at ``now``.

    A placeholder whose mark does not verify (typed by hand, or made with a retired key)
    becomes an empty URL: it never yields a signature.
    """
    global _signed, _signed_expiry
    if "masthead-media:" not in html:
        return html
    expires = _expiry(now)
    if expires != _signed_expiry:
        _signed, _signed_expiry = {}, expires
    table = _signed
    signed = table.get(html)
    if signed is None:
        signed = _sign_now(html, now)
        # Only parts signed by the site itself are kept; any change of storage is a
        # setting change, which empties the table.
        if not isinstance(default_storage, PresigningStorage):
            if len(table) >= _SIGNED_LIMIT:
                table.clear()
            table[html] = signed
    return signed


def _sign_now(html: str, now: dt.datetime) -> str:
    signer = signing.Signer(salt=_PLACEHOLDER_SALT)

    def replace(match: re.Match[str]) -> str:
        name = unquote(match.group(2))
        try:
            signer.unsign(f"{name}:{match.group(1)}")
        except signing.BadSignature:
            return ""
        if clean_name(name) is None:
            return ""
        return str(escape(signed_url(name, now)))

    return _PLACEHOLDER.sub(replace, html)


# The allow-list: what a media answer may say it is, by extension, with the first bytes
# each kind starts with. Everything else is a download (octet-stream, attachment).
_SAFE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "avif": ("image/avif", (b"ftyp",)),
    "webm": ("video/webm", (b"\x1a\x45\xdf\xa3",)),
    "mp4": ("video/mp4", (b"ftyp",)),
    "m4v": ("video/mp4", (b"ftyp",)),
    "ogv": ("video/ogg", (b"OggS",)),
    "ogg": ("video/ogg", (b"OggS",)),
    "vtt": ("text/vtt; charset=utf-8", (b"WEBVTT", b"\xef\xbb\xbfWEBVTT")),
}
DOWNLOAD_TYPE = "application/octet-stream"


def media_type(name: str, head: bytes | None) -> tuple[str, bool]:
    """Return the Content-Type to send for ``name`` and whether it must be an attachment.

    Allowed: JPEG, PNG, GIF, WebP and AVIF images, WebM, MP4 and Ogg video, WebVTT text.
    ``head`` (the file's first bytes; None or empty when they cannot be read) must start
    as the extension promises (MP4 and AVIF name ``ftyp`` at byte 4), else the file is a
    download. Never ``text/html``, never SVG: such a file is ``application/octet-stream``
    with ``Content-Disposition: attachment``.
    """
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    known = _SAFE_TYPES.get(extension)
    if known is None:
        return DOWNLOAD_TYPE, True
    content_type, signatures = known
    if head:
        offset_four = {b"ftyp"}
        matches = any(
            head[4:8] == magic if magic in offset_four else head.startswith(magic)
            for magic in signatures
        )
        if extension == "webp":
            matches = matches and head[8:12] == b"WEBP"
        if not matches:
            return DOWNLOAD_TYPE, True
    return content_type, False
