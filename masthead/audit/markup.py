"""What the audit reads out of pages: links, media, forms, the article id, feed links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

_LINK_ATTRS = {"a": "href", "link": "href", "area": "href"}
_MEDIA_ATTRS = {
    "img": ("src", "srcset", "data-src"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "a": ("href",),
}
MEDIA_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg",
    ".mp4", ".webm", ".mp3", ".m4a", ".ogg", ".pdf", ".vtt",
)  # fmt: skip
_XML_LOC = re.compile(r"<(?:loc|link|guid|id)[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\s\]]+)", re.I)
_XML_HREF = re.compile(r"<link[^>]*\bhref=[\"']([^\"']+)[\"']", re.I)
_SITEMAP_LINE = re.compile(r"^\s*sitemap:\s*(\S+)", re.I | re.M)


@dataclass
class Form:
    """A form: where it goes and its fields (hidden values kept)."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)


class _Reader(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []
        self.alternates: list[tuple[str, str]] = []
        self.media: list[str] = []
        self.forms: list[Form] = []
        self.article_id: str | None = None

    def _url(self, value: str) -> str:
        return urldefrag(urljoin(self.base, value.strip()))[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "article" and values.get("data-article-id", "").isdigit():
            self.article_id = self.article_id or values["data-article-id"]
        if tag in _LINK_ATTRS and values.get(_LINK_ATTRS[tag]):
            url = self._url(values[_LINK_ATTRS[tag]])
            self.links.append(url)
            if tag == "link" and "alternate" in values.get("rel", "").split():
                self.alternates.append((values.get("type", ""), url))
        for name in _MEDIA_ATTRS.get(tag, ()):
            raw = values.get(name, "")
            for candidate in raw.split(",") if name == "srcset" else [raw]:
                src = candidate.strip().split(" ")[0]
                if not src:
                    continue
                url = self._url(src)
                if tag != "a" or url.lower().split("?")[0].endswith(MEDIA_SUFFIXES):
                    self.media.append(url)
        if tag == "form":
            self.forms.append(
                Form(
                    self._url(values.get("action") or self.base),
                    values.get("method", "get").lower(),
                )
            )
        if tag in ("input", "button", "textarea", "select") and self.forms and values.get("name"):
            form = self.forms[-1]
            form.fields.setdefault(values["name"], values.get("value", ""))
            form.types[values["name"]] = values.get("type", tag).lower()


@dataclass(frozen=True)
class Page:
    """The parts of one HTML page the audit uses."""

    links: list[str]
    alternates: list[tuple[str, str]]
    media: list[str]
    forms: list[Form]
    article_id: str | None


def read_page(markup: str, base: str) -> Page:
    """Parse ``markup`` (found at ``base``) leniently; broken HTML yields what it can."""
    reader = _Reader(base)
    try:
        reader.feed(markup)
        reader.close()
    except (AssertionError, ValueError):  # html.parser gives up on some garbage
        pass
    return Page(reader.links, reader.alternates, reader.media, reader.forms, reader.article_id)


def xml_links(body: str, base: str) -> list[str]:
    """Return the URLs a sitemap or feed lists (``<loc>``, ``<link>``, ``<guid>``, hrefs)."""
    found = [m.group(1) for m in _XML_LOC.finditer(body)] + _XML_HREF.findall(body)
    return [
        urldefrag(urljoin(base, url.strip()))[0]
        for url in found
        if "://" in url or url.startswith("/")
    ]


def robots_sitemaps(body: str) -> list[str]:
    """Return the ``Sitemap:`` lines of a robots.txt."""
    return _SITEMAP_LINE.findall(body)


def is_media_url(url: str) -> bool:
    """True when the URL's path ends like a media file."""
    return url.lower().split("?")[0].split("#")[0].endswith(MEDIA_SUFFIXES)
