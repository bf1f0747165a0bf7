"""Cutting the origin's automatic excerpts of walled posts back to the preview.

WordPress makes an excerpt of the first 55 words wherever a post has none of its own: in
archives, search results, the front page and the REST API. When a walled post's lead-in
is shorter, those words run into the gated part. The sync works out, per walled post, the
excerpt as WordPress writes it (the needle) and the same excerpt stopped where the lead-in
stops; every text the gateway passes on has the one replaced by the other.
"""

from __future__ import annotations

import html
import json
import re

_ELLIPSIS = re.compile(r"\s*(\[(&hellip;|&#8230;|…)\]|&hellip;|&#8230;|…)\s*$")
_TAGS = re.compile(r"<[^>]+>")


def _normal(word: str) -> str:
    text = html.unescape(word)
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return text


def excerpt_cut(excerpt_html: str, preview_text: str) -> tuple[str, str] | None:
    """Return ``(needle, replacement)`` when the excerpt says more than the preview; else None.

    The needle is the excerpt's text as WordPress wrote it (entities and all, without its
    paragraph tags and trailing "[…]"); the replacement keeps the words the preview has.
    """
    inner = _TAGS.sub("", excerpt_html).strip()
    inner = _ELLIPSIS.sub("", inner).strip()
    if not inner:
        return None
    words = inner.split()
    preview = [_normal(word) for word in preview_text.split()]
    kept = 0
    while kept < len(words) and kept < len(preview) and _normal(words[kept]) == preview[kept]:
        kept += 1
    if kept == len(words):
        return None
    return inner, " ".join(words[:kept]) + (" &hellip;" if kept else "")


def cut_excerpts(text: str, cuts: list[tuple[str, str]]) -> str:
    """Replace each needle (as HTML, and as JSON writes it) by its replacement."""
    for needle, replacement in cuts:
        if needle in text:
            text = text.replace(needle, replacement)
        as_json = json.dumps(needle)[1:-1].replace("/", "\\/")
        if as_json != needle and as_json in text:
            text = text.replace(as_json, json.dumps(replacement)[1:-1].replace("/", "\\/"))
    return text
