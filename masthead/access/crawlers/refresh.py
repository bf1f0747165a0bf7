"""Fetching fresh crawler range files: download, validate, replace atomically.

A failed download, a non-200 answer, a timeout or a body that is not a valid range file
leaves the old file exactly as it was; only a validated body replaces it, through a
temporary file and ``os.replace`` so a reader never sees half a file.
"""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from masthead.access.crawlers.ranges import RangeFileError, parse_ranges, ranges_dir

logger = logging.getLogger(__name__)

# The published files are tens of kilobytes; anything far larger is not one of them.
MAX_BYTES = 5 * 1024 * 1024

# Where the engines publish their lists (override with CRAWLERS_RANGE_URLS).
DEFAULT_RANGE_URLS = {
    "google-common-crawlers.json": (
        "https://developers.google.com/static/crawling/ipranges/common-crawlers.json"
    ),
    "google-user-triggered-fetchers.json": (
        "https://developers.google.com/static/crawling/ipranges/user-triggered-fetchers.json"
    ),
    "google-user-triggered-fetchers-google.json": (
        "https://developers.google.com/static/crawling/ipranges/user-triggered-fetchers-google.json"
    ),
    "google-user-triggered-agents.json": (
        "https://developers.google.com/static/crawling/ipranges/user-triggered-agents.json"
    ),
    "bingbot.json": "https://www.bing.com/toolbox/bingbot.json",
}


class RefreshError(Exception):
    """One range file could not be refreshed; the old file is untouched."""


@dataclass(frozen=True)
class Refreshed:
    """A range file written: where, and how many prefixes it holds."""

    path: Path
    prefixes: int


def configured_urls() -> Mapping[str, str]:
    """Return ``CRAWLERS_RANGE_URLS`` (file name to URL), or the engines' own URLs."""
    urls: Mapping[str, str] | None = getattr(settings, "CRAWLERS_RANGE_URLS", None)
    return DEFAULT_RANGE_URLS if urls is None else urls


def _download(url: str, timeout: float) -> bytes:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise RefreshError(f"{url}: only http and https URLs are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "Masthead range refresh"})  # noqa: S310 -- scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 -- scheme checked above
            body: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"{url}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RefreshError(f"{url}: {exc}") from exc
    if len(body) > MAX_BYTES:
        raise RefreshError(f"{url}: larger than {MAX_BYTES} bytes")
    return body


def _write_atomically(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(body)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def refresh_one(filename: str, url: str, *, timeout: float) -> Refreshed:
    """Download ``url``, validate it and write it as ``filename`` in the ranges dir.

    Raise ``RefreshError`` (leaving any existing file untouched) when the name is not a
    plain file name, the download fails or times out, or the body is not a range file.
    """
    if Path(filename).name != filename or not filename.endswith(".json"):
        raise RefreshError(f"{filename!r} is not a plain .json file name")
    body = _download(url, timeout)
    try:
        networks = parse_ranges(body)
    except RangeFileError as exc:
        raise RefreshError(f"{url}: {exc}") from exc
    path = ranges_dir() / filename
    try:
        _write_atomically(path, body)
    except OSError as exc:
        raise RefreshError(f"{path}: {exc}") from exc
    logger.info("crawler ranges %s refreshed: %d prefixes", filename, len(networks))
    return Refreshed(path=path, prefixes=len(networks))
