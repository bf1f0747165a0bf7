"""Where uploaded media live: a folder every app process shares, or S3-compatible storage."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "masthead.media_s3.ProtectedS3Storage"


def media_storage(kind: str) -> dict[str, Any]:
    """Return the ``STORAGES["default"]`` entry for ``kind`` (``filesystem`` or ``s3``).

    ``s3`` needs ``django-storages[s3]`` installed and reads ``MASTHEAD_S3_BUCKET``,
    ``MASTHEAD_S3_ENDPOINT_URL`` (any S3-compatible service) and ``MASTHEAD_S3_REGION``;
    the keys come from the usual ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` variables or
    the machine's role. The bucket is private and every file is reached through a presigned
    URL (``masthead.media_s3``), so protected media stay protected. Raises
    ``ImproperlyConfigured`` for any other kind, a missing bucket, or
    ``MASTHEAD_S3_CUSTOM_DOMAIN`` (a CDN domain cannot carry S3's signatures).
    """
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"MASTHEAD_MEDIA_STORAGE must be 'filesystem' or 's3', not {kind!r}"
        )
    bucket = os.environ.get("MASTHEAD_S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("MASTHEAD_MEDIA_STORAGE=s3 needs MASTHEAD_S3_BUCKET")
    if os.environ.get("MASTHEAD_S3_CUSTOM_DOMAIN"):
        # django-storages would hand out unsigned URLs on that domain, and a CDN able to
        # read the bucket would serve gated files to anyone: refuse rather than leak.
        raise ImproperlyConfigured(
            "MASTHEAD_S3_CUSTOM_DOMAIN is no longer supported: protected media need presigned "
            "URLs from the bucket's endpoint. Put the CDN in front of the site instead."
        )
    options: dict[str, object] = {
        "bucket_name": bucket,
        # A private bucket: every file is reached through a presigned URL (the paywall's
        # protected media decides who gets one), and an upload never overwrites a file.
        "querystring_auth": True,
        "file_overwrite": False,
        "default_acl": "private",
    }
    for option, variable in (
        ("endpoint_url", "MASTHEAD_S3_ENDPOINT_URL"),
        ("region_name", "MASTHEAD_S3_REGION"),
    ):
        if os.environ.get(variable):
            options[option] = os.environ[variable]
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def media_origins(kind: str) -> list[str]:
    """Return the origins uploads are served from besides the site itself.

    Empty for ``filesystem`` (the site serves ``/media/``). For ``s3``: the custom domain
    when one is set, else the bucket's endpoint in both its addressing styles (path and
    virtual host), so the Content-Security-Policy lets pictures and video load from it.
    """
    if kind != "s3":
        return []
    bucket = os.environ.get("MASTHEAD_S3_BUCKET", "")
    custom = os.environ.get("MASTHEAD_S3_CUSTOM_DOMAIN", "")
    if custom:
        return [f"https://{custom.strip('/')}"]
    endpoint = os.environ.get("MASTHEAD_S3_ENDPOINT_URL", "")
    if endpoint:
        parts = urlsplit(endpoint)
        if not parts.scheme or not parts.netloc:
            raise ImproperlyConfigured(
                f"MASTHEAD_S3_ENDPOINT_URL must be a URL such as https://s3.example.net, "
                f"not {endpoint!r}"
            )
        return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{bucket}.{parts.netloc}"]
    region = os.environ.get("MASTHEAD_S3_REGION", "")
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins
