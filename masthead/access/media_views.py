"""``GET /media/<name>``: uploaded files, public ones to anyone, protected ones by signature.

The view reads no cookie and no session: whether a file is served depends only on the
file, the time and the URL's signature, so the answer is the same for every reader and
a cache can never hand one reader's answer to another.

- A protected file without a valid signature: 404, exactly as a file that does not exist.
- A public file: ``Cache-Control: public, max-age=PAYWALL_MEDIA_PUBLIC_MAX_AGE``.
- A signed URL: ``Cache-Control: private, max-age=<seconds left>``, never in a shared cache.

How the bytes leave: with ``PAYWALL_MEDIA_ACCEL_REDIRECT`` set (production behind nginx),
an empty answer whose ``X-Accel-Redirect`` names nginx's ``internal`` location; with a
storage that presigns (S3), a redirect to a presigned URL that ends with the signature;
otherwise (the demo, tests) the app streams the file itself. Every answer carries
``X-Content-Type-Options: nosniff`` and a type from the allow-list (``media.media_type``).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.utils import timezone

from masthead.access import media

logger = logging.getLogger(__name__)

_HEAD_BYTES = 16


def _not_found() -> HttpResponse:
    response = HttpResponse("Not found.\n", status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_media(request: HttpRequest, name: str) -> HttpResponseBase:
    """Answer ``/media/<name>``: the file when it is public now or the URL is signed, else 404."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponseNotAllowed(["GET", "HEAD"])
        response["Cache-Control"] = "private, no-store"
        return response
    clean = media.clean_name(name)
    if clean is None:
        return _not_found()
    now = timezone.now()
    expires = request.GET.get("expires")
    signature = request.GET.get("signature")
    signed_until: int | None = None
    if expires is not None or signature is not None:
        # A URL that claims a signature is judged by it alone: a bad one never falls back
        # to "public", so a tampered URL fails the same way for every file.
        signed_until = media.verify(clean, expires or "", signature or "", now)
        if signed_until is None:
            return _not_found()
    elif not media.is_public(clean, now):
        return _not_found()
    try:
        if not default_storage.exists(clean):
            return _not_found()
    except Exception:
        logger.exception("media_storage_failed")
        return _not_found()
    seconds_left = None if signed_until is None else max(int(signed_until - now.timestamp()), 0)
    return _file_answer(clean, seconds_left)


def _cache_control(seconds_left: int | None) -> str:
    if seconds_left is None:
        return f"public, max-age={media.public_max_age()}"
    return f"private, max-age={seconds_left}"


def _file_answer(name: str, seconds_left: int | None) -> HttpResponseBase:
    storage = default_storage
    response: HttpResponseBase
    if isinstance(storage, media.PresigningStorage):
        content_type, attachment = media.media_type(name, None)
        seconds = seconds_left if seconds_left is not None else media.url_seconds()
        target = storage.presigned_url(
            name,
            seconds=max(seconds, 1),
            content_type=content_type,
            attachment=attachment,
            private=seconds_left is not None,
        )
        response = HttpResponseRedirect(target)
        # The redirect itself must not outlive the presigned URL it points to.
        response["Cache-Control"] = (
            "private, no-store" if seconds_left is not None else "public, max-age=60"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    with storage.open(name, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    content_type, attachment = media.media_type(name, head)
    accel = str(getattr(settings, "PAYWALL_MEDIA_ACCEL_REDIRECT", "") or "")
    if accel:
        response = HttpResponse(b"", content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(name, safe="/")
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Content-Type"] = content_type
    response["Cache-Control"] = _cache_control(seconds_left)
    response["X-Content-Type-Options"] = "nosniff"
    if attachment:
        response["Content-Disposition"] = "attachment"
    elif "Content-Disposition" in response:
        del response["Content-Disposition"]
    return response
