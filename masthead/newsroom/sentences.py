"""Cut a paragraph's sanitised HTML between two sentences, for a short story's preview.

A story too short to keep whole paragraphs on both sides of the gate shows the first
sentences of its first paragraph and keeps the rest behind the gate (``rendering``).
The cut is made only where no inline element is open (inside the paragraph's ``<p>``,
or between two ``<p>`` of one block), so both halves stay well-formed HTML and every
character of the text lands in exactly one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKENS = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")
_VOID = {"br", "hr", "img", "wbr"}
# A full stop, question or exclamation mark (and closing quotes or brackets), white
# space, then what opens a sentence: a capital, a digit or an opening quote.
_CLOSERS = "\"')]\u201d\u2019"
_OPENERS = "\"'([\u201c\u2018"
_BOUNDARY = re.compile(
    "(?<=[.!?])[" + re.escape(_CLOSERS) + "]*\\s+(?=[" + re.escape(_OPENERS) + "]?[A-Z0-9])"
)
# Words whose full stop does not end a sentence ("Mr. Ortiz", "St. Paul").
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gov", "sen", "rep", "gen", "col", "lt",
    "sgt", "capt", "prof", "rev", "no", "vs", "etc", "inc", "co", "corp", "ltd", "mt",
    "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "a.m", "p.m",
}  # fmt: skip
# Never more than this many sentences in a short story's preview.
MAX_PREVIEW_SENTENCES = 3


@dataclass(frozen=True)
class SentenceCut:
    """A paragraph cut in two: ``head`` (public preview) and ``tail`` (gated)."""

    head: str
    tail: str
    sentences: int
    head_sentences: int


def _ends_with_abbreviation(text: str) -> bool:
    words = text.rstrip(_CLOSERS + " \n\t").rstrip(".!?").split()
    if not words:
        return False
    last = words[-1].lower().lstrip(_OPENERS)
    # An initial ("J. Smith") or a known short form.
    return len(last) == 1 or last in _ABBREVIATIONS


def _boundaries(html: str) -> list[tuple[int, int]]:
    """Return (end of head, start of tail) offsets of every cut point in ``html``."""
    found: list[tuple[int, int]] = []
    open_tags: list[str] = []
    offset = 0
    for token in _TOKENS.split(html):
        start = offset
        offset += len(token)
        if token.startswith("<"):
            match = _TAG_NAME.match(token)
            name = match.group(1).lower() if match else ""
            if token.startswith("</"):
                if name in open_tags:
                    del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
                if name == "p" and not open_tags:
                    found.append((offset, offset))
            elif name and name not in _VOID and not token.endswith("/>"):
                open_tags.append(name)
            continue
        if open_tags != ["p"]:
            continue
        for boundary in _BOUNDARY.finditer(token):
            if not _ends_with_abbreviation(token[: boundary.start()]):
                found.append((start + boundary.start(), start + boundary.end()))
    # A cut after the last closing tag would leave nothing behind it.
    tail_start = len(html.rstrip())
    return [cut for cut in found if cut[1] < tail_start]


def cut_after_first_sentences(html: str) -> SentenceCut | None:
    """Return ``html`` cut after its first sentences, or None when it is one sentence.

    The head takes half the sentences, rounded down, at least one and at most
    ``MAX_PREVIEW_SENTENCES``; the rest (always at least half) is the tail.
    """
    cuts = _boundaries(html)
    if not cuts:
        return None
    sentences = len(cuts) + 1
    taken = max(1, min(MAX_PREVIEW_SENTENCES, sentences // 2))
    head_end, tail_start = cuts[taken - 1]
    head, tail = html[:head_end].rstrip(), html[tail_start:].lstrip()
    if not head.endswith("</p>"):
        # Cut inside the paragraph: close it in the head and reopen it in the tail.
        head, tail = head + "</p>", "<p>" + tail
    return SentenceCut(head=head, tail=tail, sentences=sentences, head_sentences=taken)
