"""S3-compatible storage for protected media: a private bucket reached by presigned URLs.

Needs ``django-storages[s3]`` (not in the pinned requirements; ``docs/deploy.md``). The
bucket stays private: nothing in it is readable without a signature. Pages link every file
at the site (``/media/<name>``, ``url``), where the paywall's media view decides as for
files on disk and redirects to a short-lived presigned URL (``presigned_url``); the gated
part the access check returns carries presigned URLs directly. Each presigned URL asks S3
to answer with the type from the media allow-list, ``attachment`` for anything else, and
the right ``Cache-Control``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from storages.backends.s3 import S3Storage


class ProtectedS3Storage(S3Storage):  # type: ignore[misc]
    """django-storages' S3 storage with site URLs for pages and presigned URLs for files."""

    def url(
        self,
        name: str,
        parameters: dict[str, Any] | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        """Return the site's URL of ``name``: the paywall's media view answers it."""
        return f"{settings.MEDIA_URL}{quote(name, safe='/')}"

    def presigned_url(
        self, name: str, *, seconds: int, content_type: str, attachment: bool, private: bool
    ) -> str:
        """Return a URL S3 answers for ``seconds``, with these response headers."""
        parameters = {
            "ResponseContentType": content_type,
            "ResponseCacheControl": f"{'private' if private else 'public'}, max-age={seconds}",
        }
        if attachment:
            parameters["ResponseContentDisposition"] = "attachment"
        return str(super().url(name, parameters=parameters, expire=seconds))
