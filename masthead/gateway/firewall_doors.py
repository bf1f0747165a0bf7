"""The origin's doors: which response is which, and how each is rewritten or blocked.

``Firewall.filter_response(path, query, content_type, body)`` gives a ``Verdict`` for one
origin response the gateway is about to pass on:

- ``PASS``: nothing gated in it (the body goes out as it came);
- ``REWRITE``: a known door that carries content (the REST API, feeds, oEmbed, embeds,
  sitemaps, XML-RPC, admin-ajax, search and archive pages): each JSON string, XML text
  node or HTML text that carries a walled article's gated text is replaced by that
  article's preview (JSON, XML) or cut where the gated text begins (HTML);
- ``BLOCK``: a hit anywhere else (a plugin's endpoint, a page the gateway did not
  recognise), a rewrite that still hits, or a body it cannot read (an unknown encoding,
  JSON that does not parse, too large, no index yet). Fail closed.

Search answers are filtered whether or not they hit: a walled article stays in a result
list only when its title and preview alone match every search term, so which posts
contain a gated word can no longer be learned from the list (REST ``?search=``,
``/wp/v2/search``, ``?s=`` pages and search feeds); the total-count headers are dropped.

Every hit is reported (``Reporter``): the article, the door, the action.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from masthead.gateway.firewall import Article, ShingleIndex, path_key, plain_text, words

logger = logging.getLogger("masthead.gateway.firewall")

#: Bodies above this (after decompression) are not scanned: they are blocked.
MAX_BODY_BYTES = 8 * 1024 * 1024


class Door(StrEnum):
    """The origin's ways out, as the firewall tells them apart."""

    REST = "rest"
    FEED = "feed"
    OEMBED = "oembed"
    EMBED = "embed"
    SITEMAP = "sitemap"
    XMLRPC = "xmlrpc"
    ADMIN_AJAX = "admin_ajax"
    SEARCH = "search"
    ARCHIVE = "archive"
    UNKNOWN = "unknown"


class Action(StrEnum):
    """What the gateway does with the response."""

    PASS = "pass"  # noqa: S105 - an action, not a password
    REWRITE = "rewrite"
    BLOCK = "block"


@dataclass(frozen=True)
class Verdict:
    """The firewall's answer for one response.

    ``body`` is what to send (the original bytes for PASS, still in ``content_encoding``;
    the rewritten body or the block page otherwise, never compressed). ``status`` and
    ``content_type`` are set when they must replace the origin's. ``drop_headers`` names
    origin headers that must not go out (search totals).
    """

    action: Action
    door: Door
    body: bytes
    hits: tuple[str, ...] = ()
    reason: str = ""
    status: int | None = None
    content_type: str | None = None
    content_encoding: str = ""
    drop_headers: tuple[str, ...] = ()


Reporter = Callable[[Verdict, str], None]
"""Called once per response with hits (the verdict and the request path)."""


def log_hit(verdict: Verdict, path: str) -> None:
    """The default reporter: one log line per response with hits (no gated text in it)."""
    logger.warning(
        "firewall_hit door=%s action=%s articles=%s reason=%s path=%s",
        verdict.door,
        verdict.action,
        ",".join(verdict.hits),
        verdict.reason or "-",
        path[:200],
    )


# --- telling doors apart ------------------------------------------------------------------

_KNOWN_REST = re.compile(
    r"^/(?:wp/v2/?)?$|^/wp/v2/(?:posts|pages|search|media|categories|tags|users|comments|"
    r"blocks|types|taxonomies|statuses)(?:/|$)|^/oembed/1\.0/"
)
_FEED_PATH = re.compile(r"(?:^|/)feed(?:/(?:rss2?|atom|rdf|rss-http))?/?$")
_SITEMAP_PATH = re.compile(r"^/(?:wp-)?sitemap[\w-]*\.xml$|\.xsl$")
_ARCHIVE_PATH = re.compile(
    r"^/(?:page/\d+/?)?$|^/(?:category|tag|author)/|^/\d{4}/(?:\d{2}/(?:\d{2}/)?)?(?:page/\d+/?)?$"
)
# WordPress's pretty search URLs: /search/WORD/, /search/WORD/page/2/, /search/WORD/feed/rss2/
# (the same query as ?s=WORD, so the same oracle).
_SEARCH_PATH = re.compile(r"^/search/([^/]+)(?:/|$)")
_ARCHIVE_QUERY = ("cat", "tag", "author", "m", "year", "monthnum", "paged", "author_name")
# WordPress's public query variables a theme page answers; any other parameter may be a
# plugin's (a print view, an export), so a page that has one is an unknown door.
_PAGE_QUERY = frozenset(
    {
        *_ARCHIVE_QUERY,
        "s",
        "day",
        "page",
        "order",
        "orderby",
        "category_name",
        "post_type",
        "fbclid",
        "gclid",
    }
)


def _theme_query(asked: Mapping[str, list[str]]) -> bool:
    return all(name in _PAGE_QUERY or name.startswith("utm_") for name in asked)


_BINARY = ("image/", "audio/", "video/", "font/")


def _query(query: str | Mapping[str, list[str]]) -> dict[str, list[str]]:
    if isinstance(query, str):
        return parse_qs(query.lstrip("?"), keep_blank_values=True)
    return {name: list(values) for name, values in query.items()}


def rest_route(path: str, query: Mapping[str, list[str]]) -> str | None:
    """The REST route asked for (``/wp/v2/posts``), from the path or ``?rest_route=``."""
    if path.startswith("/wp-json"):
        return unquote(path[len("/wp-json") :]) or "/"
    routes = query.get("rest_route")
    return routes[0] if routes else None


def classify(path: str, query: str | Mapping[str, list[str]]) -> Door:
    """Which door a request went through (by path and query only)."""
    asked = _query(query)
    path = unquote(path)
    route = rest_route(path, asked)
    if route is not None:
        if route.startswith("/oembed/1.0/"):
            return Door.OEMBED
        return Door.REST if _KNOWN_REST.search(route) else Door.UNKNOWN
    if path.rstrip("/").endswith("/embed") or "embed" in asked:
        return Door.EMBED
    if "feed" in asked or _FEED_PATH.search(path):
        return Door.FEED
    if _SITEMAP_PATH.search(path) or "sitemap" in asked:
        return Door.SITEMAP
    if path == "/xmlrpc.php":
        return Door.XMLRPC
    if path == "/wp-admin/admin-ajax.php":
        return Door.ADMIN_AJAX
    if not _theme_query(asked):
        return Door.UNKNOWN
    if "s" in asked or _SEARCH_PATH.search(path):
        return Door.SEARCH
    if _ARCHIVE_PATH.search(path) or any(name in asked for name in _ARCHIVE_QUERY):
        return Door.ARCHIVE
    return Door.UNKNOWN


def body_kind(content_type: str, body: bytes) -> str:
    """``json``, ``xml``, ``html``, ``binary`` or ``text`` from the type (and the body's start)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind.startswith(_BINARY):
        return "binary"
    if "json" in kind:
        return "json"
    if "xml" in kind:
        return "xml"
    if "html" in kind:
        return "html"
    start = body[:64].lstrip()
    if start[:1] in (b"{", b"["):
        return "json"
    if start.startswith(b"<?xml"):
        return "xml"
    if start[:1] == b"<":
        return "html"
    return "text"


def _charset(content_type: str) -> str:
    found = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    return found.group(1) if found else "utf-8"


# --- search terms -------------------------------------------------------------------------

_TERMS = re.compile(r'"[^"]*"?|[^\s",+]+')


@dataclass(frozen=True)
class Search:
    """A search request's terms, folded; ``excluding`` when a term starts with ``-``."""

    terms: tuple[str, ...]
    excluding: bool

    def matches(self, public_words: str) -> bool:
        """Whether an article whose public text is ``public_words`` answers this search."""
        if self.excluding:
            return False  # "-word" excludes by the full text: keep no walled article
        padded = f" {public_words} "
        return all(f" {term} " in padded or term in public_words for term in self.terms)


def search_of(door: Door, path: str, query: Mapping[str, list[str]]) -> Search | None:
    """The search a request makes (REST ``search``, ``/wp/v2/search``, ``?s=``), if any."""
    asked = query.get("s") or query.get("search")
    route = rest_route(unquote(path), query)
    pretty = _SEARCH_PATH.search(unquote(path)) if route is None else None
    if not asked and pretty is not None:
        asked = [pretty.group(1).replace("+", " ")]
    if route is not None and route.rstrip("/") == "/wp/v2/search" and not asked:
        asked = [""]
    if not asked or door is Door.UNKNOWN:
        return None
    raw = [term.strip('"').strip() for term in _TERMS.findall(asked[0])]
    excluding = any(term.startswith("-") for term in raw)
    folded = tuple(" ".join(words(term)) for term in raw if term.strip("-"))
    return Search(tuple(term for term in folded if term), excluding)


# --- rewriting ----------------------------------------------------------------------------


def _replacement(index: ShingleIndex, keys: Iterable[str], as_html: bool) -> str:
    previews = []
    for key in keys:
        article = index.article(key)
        if article is not None:
            previews.append(article.preview)
    joined = "\n".join(previews)
    return joined if as_html else " ".join(plain_text(joined).split())


def rewrite_json_value(index: ShingleIndex, value: Any) -> Any:
    """``value`` (parsed JSON) with every string that hits replaced by the preview."""
    if isinstance(value, str):
        if len(value) < 2 * index.k - 1:  # shorter than any shingle could be
            return value
        found = index.scan(value)
        if not found:
            return value
        return _replacement(index, found.keys, "<" in value)
    if isinstance(value, list):
        return [rewrite_json_value(index, item) for item in value]
    if isinstance(value, dict):
        return {name: rewrite_json_value(index, item) for name, item in value.items()}
    return value


_XML_NODE = re.compile(
    r"<!\[CDATA\[(?P<cdata>.*?)\]\]>|(?P<skip><!--.*?-->|<\?.*?\?>|<![^>]*>|<[^>]+>)|(?P<text>[^<]+)",
    re.DOTALL,
)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rewrite_xml(index: ShingleIndex, body: str) -> str:
    """``body`` (RSS, Atom, RDF, sitemap, XML-RPC) with each hitting text node replaced."""
    out: list[str] = []
    for node in _XML_NODE.finditer(body):
        cdata, text = node.group("cdata"), node.group("text")
        if cdata is not None:
            found = index.scan(cdata)
            if found:
                new = _replacement(index, found.keys, "<" in cdata).replace(
                    "]]>", "]]]]><![CDATA[>"
                )
                out.append(f"<![CDATA[{new}]]>")
                continue
        elif text is not None and len(text) >= 2 * index.k - 1:
            decoded = html.unescape(text)
            found = index.scan(decoded)
            if found:
                out.append(_xml_text(_replacement(index, found.keys, "<" in decoded)))
                continue
        out.append(node.group(0))
    return "".join(out)


_HTML_NODE = re.compile(
    r"(?P<skip><!--.*?-->|<(?P<raw>script|style|textarea)\b[^>]*>.*?</(?P=raw)\s*>|<[^>]*>)"
    r"|(?P<text>[^<]+)",
    re.DOTALL | re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u2018\u02bc\u0060\u00b4][^\W_]+)*")


def cut_html(index: ShingleIndex, body: str, keys: Iterable[str]) -> str:
    """``body`` (HTML) with each text run cut where gated text of ``keys`` begins in it.

    The page keeps its markup; a text node that holds gated words keeps only what comes
    before the first of them, then an ellipsis.
    """
    nodes: list[tuple[int, str]] = []  # (index into parts, decoded text) of text nodes
    parts: list[str] = []
    for node in _HTML_NODE.finditer(body):
        if node.group("text") is not None:
            nodes.append((len(parts), html.unescape(node.group("text"))))
        parts.append(node.group(0))
    # The words of all text nodes in order, remembering each word's node and offset.
    spans: list[tuple[int, int]] = []
    stream: list[str] = []
    for number, (_, text) in enumerate(nodes):
        for word in _WORD.finditer(text):
            for piece in words(word.group(0)):
                stream.append(piece)
                spans.append((number, word.start()))
    marks = index.covered(stream, keys)
    cut_at: dict[int, int] = {}
    for position, marked in enumerate(marks):
        if marked:
            number, offset = spans[position]
            cut_at.setdefault(number, offset)
    for number, offset in cut_at.items():
        part, text = nodes[number]
        kept = text[:offset].rstrip()
        parts[part] = html.escape(kept, quote=False) + (" \u2026" if kept else "")
    return "".join(parts)


# --- search results -----------------------------------------------------------------------

_ITEM = re.compile(r"<(item|entry)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_ITEM_REF = re.compile(
    r"<(?:guid|link|id)\b[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)|<link\b[^>]*href=\"([^\"]+)\"",
    re.IGNORECASE,
)
_POST_CLASS = re.compile(
    r"<(?P<tag>[a-zA-Z][\w-]*)\b[^>]*\bclass=\"[^\"]*\bpost-(?P<id>\d+)\b[^\"]*\"[^>]*>"
)


def _article_of_url(index: ShingleIndex, url: str) -> Article | None:
    parts = urlsplit(html.unescape(url))
    shortlink = parse_qs(parts.query).get("p")
    if shortlink and shortlink[0].isdigit():
        return index.by_origin_id(int(shortlink[0]))
    return index.by_path(parts.path)


def _hidden(index: ShingleIndex, search: Search, article: Article | None) -> bool:
    return article is not None and not search.matches(index.preview_words(article.key))


def filter_search_json(index: ShingleIndex, search: Search, value: Any) -> Any:
    """A REST result list without the walled posts whose preview does not match.

    An item that names no post (``_fields=title``) is dropped too: it cannot be told
    apart from a walled one. ``?_envelope`` answers are filtered inside, and lose the
    totals they carry among their headers.
    """
    if isinstance(value, dict) and isinstance(value.get("body"), list):
        headers = value.get("headers")
        if isinstance(headers, dict):
            value["headers"] = {
                name: entry
                for name, entry in headers.items()
                if name.lower() not in ("x-wp-total", "x-wp-totalpages")
            }
        value["body"] = filter_search_json(index, search, value["body"])
        return value
    if not isinstance(value, list):
        return value
    kept = []
    for item in value:
        if not isinstance(item, dict):
            kept.append(item)
            continue
        article = None
        named = False
        if item.get("type") in ("term", "post-format"):
            named = True
        elif isinstance(item.get("id"), int):
            named = True
            article = index.by_origin_id(item["id"])
        link = item.get("link") or item.get("url")
        if article is None and isinstance(link, str):
            named = True
            article = _article_of_url(index, link)
        if named and not _hidden(index, search, article):
            kept.append(item)
    return kept


def filter_search_feed(index: ShingleIndex, search: Search, body: str) -> str:
    """A search feed without the items of walled posts whose preview does not match."""

    def keep(item: re.Match[str]) -> str:
        for reference in _ITEM_REF.finditer(item.group(0)):
            article = _article_of_url(index, reference.group(1) or reference.group(2))
            if article is not None:
                return "" if _hidden(index, search, article) else item.group(0)
        return item.group(0)

    return _ITEM.sub(keep, body)


def _element_end(body: str, tag: str, start: int) -> int:
    """Where the element opened at ``start`` ends (after its closing tag; balanced)."""
    pattern = re.compile(rf"<(/?){re.escape(tag)}\b[^>]*>", re.IGNORECASE)
    depth = 0
    for found in pattern.finditer(body, start):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end()
    return len(body)


def filter_search_html(index: ShingleIndex, search: Search, body: str) -> str:
    """A search page without the entries (``class="post-ID"``) of non-matching walled posts."""
    out: list[str] = []
    position = 0
    while True:
        found = _POST_CLASS.search(body, position)
        if found is None:
            break
        article = index.by_origin_id(int(found.group("id")))
        if _hidden(index, search, article):
            out.append(body[position : found.start()])
            position = _element_end(body, found.group("tag"), found.start())
        else:
            out.append(body[position : found.end()])
            position = found.end()
    out.append(body[position:])
    return "".join(out)


# --- the filter ---------------------------------------------------------------------------

_BLOCK_HTML = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Not available</title>"
    "<h1>Not available</h1><p>This address is not available. The article is on the site.</p>"
)
_BLOCK_JSON = '{"error": "not available through this address"}'


def _decompress(body: bytes, encoding: str, limit: int) -> bytes | None:
    """``body`` decoded from gzip or deflate, at most ``limit`` + 1 bytes; None if unreadable."""
    try:
        if encoding in ("gzip", "x-gzip"):
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        else:
            return None
        return decoder.decompress(body, limit + 1)
    except (zlib.error, gzip.BadGzipFile):
        return None


@dataclass
class Firewall:
    """The leak firewall over one index; ``filter_response`` per origin response."""

    index: ShingleIndex
    reporter: Reporter = log_hit
    max_body_bytes: int = MAX_BODY_BYTES
    block_status: int = 403
    ready: Callable[[], bool] = field(default=lambda: True)

    def filter_response(
        self,
        path: str,
        query: str | Mapping[str, list[str]],
        content_type: str,
        body: bytes,
        content_encoding: str = "",
    ) -> Verdict:
        """Decide what may go out for one origin response (see the module's docstring)."""
        asked = _query(query)
        door = classify(path, asked)
        try:
            verdict = self._filter(path, asked, door, content_type, body, content_encoding)
        except Exception:  # fail closed: a bug here must never let the body through
            logger.exception("firewall_error path=%s", path[:200])
            verdict = self._block(door, content_type, (), "error")
        if verdict.hits or verdict.action is Action.BLOCK:
            try:
                self.reporter(verdict, path)
            except Exception:  # counting a hit must never break the answer
                logger.warning("firewall_report_failed", exc_info=True)
        return verdict

    def _block(self, door: Door, content_type: str, hits: tuple[str, ...], reason: str) -> Verdict:
        as_json = "json" in content_type or door in (Door.REST, Door.OEMBED)
        return Verdict(
            Action.BLOCK,
            door,
            (_BLOCK_JSON if as_json else _BLOCK_HTML).encode(),
            hits=hits,
            reason=reason,
            status=self.block_status,
            content_type="application/json" if as_json else "text/html; charset=utf-8",
        )

    def _filter(
        self,
        path: str,
        query: dict[str, list[str]],
        door: Door,
        content_type: str,
        body: bytes,
        content_encoding: str,
    ) -> Verdict:
        original = body
        encoding = content_encoding.strip().lower()
        kind = body_kind(content_type, b"")
        if kind == "binary":
            # Images, sound, video and fonts carry no article text; gated media go
            # through the protected-media service instead.
            return Verdict(Action.PASS, door, original, content_encoding=content_encoding)
        if encoding not in ("", "identity"):
            decoded = _decompress(body, encoding, self.max_body_bytes)
            if decoded is None:
                return self._block(door, content_type, (), f"encoding {encoding}")
            body = decoded
        if len(body) > self.max_body_bytes:
            return self._block(door, content_type, (), "too_large")
        if not self.ready():
            return self._block(door, content_type, (), "index_unavailable")
        kind = body_kind(content_type, body)
        text = body.decode(_charset(content_type), errors="replace")
        search = search_of(door, path, query)
        found = self.index.scan(text)
        if not found and search is None:
            return Verdict(Action.PASS, door, original, content_encoding=content_encoding)
        hits = found.keys
        if found and door is Door.UNKNOWN:
            return self._block(door, content_type, hits, "unknown_door")
        rewritten = self._rewrite(door, kind, text, hits, search)
        if rewritten is None:
            return self._block(door, content_type, hits, f"unreadable {kind}")
        if self.index.scan(rewritten):
            return self._block(door, content_type, hits, "rewrite_still_hits")
        if not hits and rewritten == text:
            # A search that changed nothing: pass the origin's bytes untouched.
            return Verdict(
                Action.PASS,
                door,
                original,
                content_encoding=content_encoding,
                drop_headers=("X-WP-Total", "X-WP-TotalPages"),
            )
        return Verdict(
            Action.REWRITE,
            door,
            rewritten.encode("utf-8"),
            hits=hits,
            reason="search" if search is not None else "",
            content_type=_with_utf8(content_type) if "charset" in content_type.lower() else None,
            drop_headers=("X-WP-Total", "X-WP-TotalPages") if search is not None else (),
        )

    def _rewrite(
        self, door: Door, kind: str, text: str, hits: tuple[str, ...], search: Search | None
    ) -> str | None:
        """The rewritten body, or None when it cannot be read as its kind."""
        if kind == "json":
            try:
                value = json.loads(text)
            except ValueError:
                return None
            if hits:
                value = rewrite_json_value(self.index, value)
            if search is not None:
                value = filter_search_json(self.index, search, value)
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if kind == "xml":
            rewritten = rewrite_xml(self.index, text) if hits else text
            if search is not None:
                rewritten = filter_search_feed(self.index, search, rewritten)
            return rewritten
        if kind == "html":
            rewritten = text
            if search is not None:
                rewritten = filter_search_html(self.index, search, rewritten)
            if hits:
                rewritten = cut_html(self.index, rewritten, hits)
            return rewritten
        return None


def _with_utf8(content_type: str) -> str:
    return re.sub(r"charset=[\w.-]+", "charset=utf-8", content_type, flags=re.IGNORECASE)


def filter_response(
    index: ShingleIndex,
    path: str,
    query: str | Mapping[str, list[str]],
    content_type: str,
    body: bytes,
    content_encoding: str = "",
) -> Verdict:
    """``Firewall(index).filter_response(...)`` with the default reporter (a log line)."""
    return Firewall(index).filter_response(path, query, content_type, body, content_encoding)


__all__ = [
    "Action",
    "Door",
    "Firewall",
    "Reporter",
    "Search",
    "Verdict",
    "classify",
    "cut_html",
    "filter_response",
    "path_key",
    "rewrite_json_value",
    "rewrite_xml",
]
