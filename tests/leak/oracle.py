"""The leak oracle: does a response carry gated text the reader may not have?

A response is searched whole: the body, every header (a redirect's ``Location`` included)
and the cookies it sets. The body is searched as sent and again after undoing the
encodings a careless channel might use to smuggle text past a plain substring search:
HTML entities, percent-encoding, JSON ``\\u`` escapes and base64 runs (a client-side
paywall's favourite hiding place).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from django.http import HttpResponseBase

MARKER = re.compile(r"GATEDMARK-[a-z0-9]+-[a-z0-9-]+")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{24,}={0,2}")


@dataclass(frozen=True, order=True)
class Leak:
    """One forbidden marker found in one response."""

    where: str
    marker: str
    status: int

    def __str__(self) -> str:
        return f"{self.marker} in {self.where} (HTTP {self.status})"


def _decoded_base64(text: str) -> Iterable[str]:
    for run in _BASE64_RUN.findall(text):
        padded = run + "=" * (-len(run) % 4)
        for decoder in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                yield decoder(padded).decode("utf-8", "ignore")
            except (binascii.Error, ValueError):
                continue


def readings(text: str) -> list[str]:
    """Return ``text`` as sent and as decoded by each encoding a leak could hide in."""
    views = [text, html.unescape(text), unquote(text)]
    try:
        views.append(json.dumps(json.loads(text), ensure_ascii=False))
    except ValueError:
        pass
    views.extend(_decoded_base64(text))
    return views


def markers_in(text: str) -> set[str]:
    """Return every gated marker found in any reading of ``text``."""
    found: set[str] = set()
    for view in readings(text):
        found.update(MARKER.findall(view))
    # ``GATEDMARK-x-3z`` closes block 3; report it as the block's marker.
    return {m[:-1] if m.endswith("z") and m[-2].isdigit() else m for m in found}


def response_text(response: HttpResponseBase) -> str:
    """Return the body of ``response`` as text, streaming bodies included."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content  # type: ignore[attr-defined]
    return raw.decode("utf-8", "replace")


def leaks_in(
    response: HttpResponseBase, forbidden: set[str], where: str, body: str | None = None
) -> list[Leak]:
    """Return the forbidden markers ``response`` carries in its body, headers or cookies.

    ``body`` may be passed when the caller already read a streaming body.
    """
    text = response_text(response) if body is None else body
    found = {("body", m) for m in markers_in(text)}
    for name, value in response.items():
        found |= {(f"header {name}", m) for m in markers_in(value)}
    for cookie in response.cookies.values():
        found |= {(f"cookie {cookie.key}", m) for m in markers_in(cookie.value)}
    return sorted(
        Leak(f"{where}: {part}", marker, response.status_code)
        for part, marker in found
        if marker in forbidden
    )
