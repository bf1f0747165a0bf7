"""The shapes the demo content is written in, and the small body format its stories use.

A story's body is one string, read chunk by chunk (chunks are separated by blank lines; the
lines of a chunk are joined with spaces, so prose wraps freely in the source):

- ``## Words`` is a subheading;
- ``> Words -- Who said them`` is a pull quote with its attribution;
- ``@image file.jpg | alt text | caption | credit`` is an in-body image from ``media/images``;
- ``@paywall`` is a paywall break placed by hand;
- anything else is a paragraph (Markdown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARAGRAPH = "paragraph"
SUBHEADING = "subheading"
IMAGE = "image"
PULL_QUOTE = "pull_quote"
PAYWALL_BREAK = "paywall_break"
# A double quote opens after the start, a space, a bracket or a dash; any other closes.
_OPENING_QUOTE = re.compile(r'(^|[\s(\[\u2014])"')


@dataclass(frozen=True)
class BlockSpec:
    """One body block as the loader creates it."""

    kind: str
    text: str = ""
    attribution: str = ""
    image: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class PictureSpec:
    """A lead image: a file under ``media/images`` and the words that go with it."""

    file: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class VideoSpec:
    """A lead video with its poster, caption, credit and full transcript."""

    title: str
    file: str
    poster: str
    caption: str
    credit: str
    transcript: str


@dataclass(frozen=True)
class SectionSpec:
    """A section and the access level its articles inherit."""

    slug: str
    name: str
    description: str
    access_level: str


@dataclass(frozen=True)
class AuthorSpec:
    """A byline; ``photo`` is a file under ``media/authors`` or empty."""

    slug: str
    name: str
    role: str
    bio: str
    photo: str = ""


@dataclass(frozen=True)
class StorySpec:
    """An article, timed relative to the moment the demo is loaded.

    ``age_hours`` is how long ago it was published (negative: scheduled for later);
    ``updated_after_hours`` sets the "Updated" time that many hours after publication.
    A draft has no publication time at all.
    """

    slug: str
    headline: str
    summary: str
    section: str
    authors: tuple[str, ...]
    age_hours: float
    body: str
    access_level: str = ""
    status: str = "published"
    lead: PictureSpec | None = None
    video: VideoSpec | None = None
    updated_after_hours: float | None = None
    correction: str = ""
    lead_in_paragraphs: int | None = None

    def blocks(self) -> list[BlockSpec]:
        """Return the body as block specs, in order."""
        return parse_body(self.body)


@dataclass(frozen=True)
class PageSpec:
    """A standing page (About, Privacy, Terms) in Markdown."""

    slug: str
    title: str
    body: str


def typeset(text: str) -> str:
    """Return ``text`` with straight quotes and apostrophes turned typographic.

    The content is written with straight quotes so the source stays plain ASCII; readers
    get curly ones. None of the demo text holds HTML attributes, whose quotes this would
    break.
    """
    text = _OPENING_QUOTE.sub("\\1\u201c", text).replace('"', "\u201d")
    return text.replace("'", "\u2019")


def parse_body(body: str) -> list[BlockSpec]:
    """Return the blocks of a body written in the format this module describes.

    Raise ``ValueError`` for an image line without its four parts, so a typo in the demo
    content fails loudly instead of publishing an uncredited picture.
    """
    chunks = [" ".join(line.strip() for line in chunk.splitlines()) for chunk in body.split("\n\n")]
    return [_block(chunk) for chunk in chunks if chunk.strip()]


def _block(chunk: str) -> BlockSpec:
    chunk = chunk.strip()
    if chunk.startswith("## "):
        return BlockSpec(SUBHEADING, text=chunk[3:])
    if chunk.startswith("> "):
        words, _, who = chunk[2:].rpartition(" -- ")
        return BlockSpec(PULL_QUOTE, text=words or who, attribution=who if words else "")
    if chunk == "@paywall":
        return BlockSpec(PAYWALL_BREAK)
    if chunk.startswith("@image "):
        parts = [part.strip() for part in chunk[len("@image ") :].split(" | ")]
        if len(parts) != 4 or not all(parts):
            raise ValueError(f"an @image line needs file | alt | caption | credit: {chunk!r}")
        file, alt, caption, credit = parts
        return BlockSpec(IMAGE, image=file, alt=alt, caption=caption, credit=credit)
    return BlockSpec(PARAGRAPH, text=chunk)
