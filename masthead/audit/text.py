"""Text as the oracle sees it: decoded every usual way, lowercased words, word shingles.

A response leaks a passage when it holds one of the passage's shingles (runs of
``size`` consecutive words) after undoing what a client-side paywall or a serializer
does to text: HTML tags and entities (twice: feeds escape HTML inside XML), JSON string
escapes, percent-encoding and base64 runs.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+", re.UNICODE)
_INVISIBLE = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE
)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")
_JSON_TYPES = ("application/json", "application/ld+json", "text/json")


def words(text: str) -> list[str]:
    """Return the lowercased words of plain text."""
    return _WORD.findall(text.lower())


def plain(markup: str) -> str:
    """Return ``markup`` unescaped (twice), untagged, one-spaced."""
    once = html.unescape(_TAG.sub(" ", html.unescape(markup)))
    return " ".join(_TAG.sub(" ", once).split())


def visible(markup: str) -> str:
    """Return the text a browser would show: no scripts, styles, templates or comments."""
    return plain(_INVISIBLE.sub(" ", markup))


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _base64_texts(text: str) -> Iterator[str]:
    for run in _BASE64_RUN.findall(text):
        padded = run + "=" * (-len(run) % 4)
        for decoder in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decoder(padded).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                continue
            yield decoded
            break


def decodings(body: str, content_type: str = "") -> list[str]:
    """Return every reading of a response body the oracle scans, as plain text."""
    readings = [body]
    if content_type in _JSON_TYPES or body.lstrip()[:1] in ("{", "["):
        try:
            readings.append("\n".join(_json_strings(json.loads(body))))
        except ValueError:
            pass
    # Inline JSON in scripts escapes "<" as \u003c and quotes as \"; unescape crudely.
    if "\\u" in body or '\\"' in body:
        readings.append(body.replace('\\"', '"').replace("\\/", "/"))
        readings.append(_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), body))
    if "%" in body:
        readings.append(unquote(body))
    readings.extend(_base64_texts(body))
    return [plain(reading) for reading in readings]


def shingles(tokens: list[str], size: int) -> set[str]:
    """Return the runs of ``size`` consecutive words (all of them when there are fewer)."""
    if len(tokens) < size:
        return {" ".join(tokens)} if len(tokens) >= max(4, size // 2) else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def shingles_of_texts(texts: Iterable[str], size: int) -> set[str]:
    """Return the shingles of several plain texts, each shingled on its own."""
    found: set[str] = set()
    for text in texts:
        found |= shingles(words(text), size)
    return found


class Passages:
    """The gated shingles of every walled article, and which article each belongs to."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.owner: dict[str, set[str]] = {}

    def add(self, article: str, gated_text: str, public: set[str]) -> int:
        """Learn ``article``'s gated text, leaving out shingles its public page shows."""
        added = 0
        for shingle in shingles(words(gated_text), self.size) - public:
            self.owner.setdefault(shingle, set()).add(article)
            added += 1
        return added

    def forget(self, common: set[str]) -> None:
        """Drop shingles that are public somewhere (boilerplate, shared quotes)."""
        for shingle in common:
            self.owner.pop(shingle, None)

    def scan(self, readings: Iterable[str]) -> dict[str, list[str]]:
        """Return, per article, the gated shingles found in the given plain texts."""
        hits: dict[str, list[str]] = {}
        for shingle in shingles_of_texts(readings, self.size):
            for article in self.owner.get(shingle, ()):
                hits.setdefault(article, []).append(shingle)
        return hits


def rare_words(gated_text: str, public_text: str, limit: int = 2) -> list[str]:
    """Return words only the gated part has (long, alphabetic), for the search oracle."""
    public = set(words(public_text))
    seen: list[str] = []
    for word in words(gated_text):
        if len(word) >= 8 and word.isalpha() and word not in public and word not in seen:
            seen.append(word)
    # The longest words are the least likely to appear anywhere else on the site.
    return sorted(seen, key=len, reverse=True)[:limit]
