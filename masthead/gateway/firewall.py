"""The leak firewall's index: the gated text of every walled article, found in any body.

The gateway knows each walled article's gated part. Everything it passes on is scanned for
that text, whatever the door (an API, a feed, a plugin's endpoint): a response that carries
it is rewritten or blocked (``firewall_doors``).

How text is compared. Both sides go through one normaliser (``words``): JSON string
escapes decoded, HTML/XML entities decoded and tags dropped (twice, for the escaped HTML
that feeds carry), case folded, apostrophes dropped inside words, every other run of
punctuation or space made a single word break. What remains is a list of words, so
WordPress's curly quotes, ``&#8217;``, ``\\u2019`` in its JSON and ``<p>`` in its feeds all
compare equal to the text the gateway was given.

How it is indexed. A shingle is ``k`` consecutive words (8 by default), kept as the hash
of the word tuple. Only every ``stride``-th shingle of the gated part is indexed, plus
every shingle that straddles the end of the preview and the start of the gated part, plus
the last one. So the index catches any run of ``k + stride - 1`` consecutive gated words
anywhere, and any gated word right after the preview. Shingles that also occur in the
article's own preview (a pull quote repeating the lead-in) are left out, so the preview
never hits; so are those of text declared public (``add_public``: boilerplate).

How a body is matched. Its words are hashed ``k`` at a time (``zip`` over shifted views,
``map(hash)``: C loops) and the set of hashes is intersected with the index's in one
operation. This was measured against an Aho-Corasick automaton (pyahocorasick) over the
same shingles, with one character per word or short word codes: with a few hundred
thousand shingles the automaton was no faster per 100 KB (its nodes search their children
one by one, and the first levels hold thousands) and took 5 to 8 times the memory
(docs/gateway.md has the figures). Changes are incremental (a dict entry per shingle);
nothing is rebuilt. Hashes are the process's own (``PYTHONHASHSEED``): each worker
builds its index from the articles' text (``firewall_store``), never from another's hashes.

The class is thread-safe (one lock).
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

SHINGLE_WORDS = 8
STRIDE = 4

_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([\\/\"bfnrt]))")
_JSON_SIMPLE = {"\\": "\\", "/": "/", '"': '"', "b": " ", "f": " ", "n": " ", "r": " ", "t": " "}
_TAG = re.compile(r"<[^>]*>")
_APOSTROPHES = re.compile("['\u2019\u2018\u02bc\u0060\u00b4]")
_WORD = re.compile(r"[^\W_]+")


def _json_char(match: re.Match[str]) -> str:
    code, simple = match.groups()
    return chr(int(code, 16)) if code else _JSON_SIMPLE[simple]


def plain_text(text: str) -> str:
    """``text`` with JSON escapes and entities decoded, tags dropped (twice: feeds escape HTML)."""
    if "\\" in text:
        text = _JSON_ESCAPE.sub(_json_char, text)
    for _ in range(2):
        if "&" in text:
            text = html.unescape(text)
        if "<" in text:
            text = _TAG.sub(" ", text)
    return text


def words(text: str) -> list[str]:
    """The normalised words of ``text`` (HTML, XML, JSON or plain; see the module doc)."""
    return _WORD.findall(_APOSTROPHES.sub("", plain_text(text).casefold()))


@dataclass(frozen=True)
class Article:
    """A walled article as the firewall knows it.

    ``gated`` is the part only entitled readers get (HTML or text); ``preview`` the part
    everyone gets (HTML), which also replaces the content when a door is rewritten.
    ``origin_id`` and ``paths`` let a response's items (a REST post, a feed entry, a search
    result) be traced back to the article.
    """

    key: str
    gated: str
    preview: str = ""
    title: str = ""
    origin_id: int | None = None
    paths: tuple[str, ...] = ()


@dataclass
class _Entry:
    article: Article
    patterns: frozenset[int]  # the indexed shingles' hashes
    preview_words: str = ""  # folded title and preview, for search matching


@dataclass(frozen=True)
class Scan:
    """What a scan found: for each article key, how many of its shingles the text holds."""

    hits: Mapping[str, int]

    def __bool__(self) -> bool:
        return bool(self.hits)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the articles hit, most hits first."""
        return tuple(sorted(self.hits, key=lambda key: (-self.hits[key], key)))


def shingle_hashes(text_words: Sequence[str], k: int) -> list[int]:
    """The hash of each run of ``k`` consecutive words, in order (one per start position)."""
    if len(text_words) < k:
        return []
    # zip over k shifted views and hash the tuples: C loops, no Python code per word.
    return list(map(hash, zip(*(text_words[i:] for i in range(k)), strict=False)))


def shingle_starts(length: int, k: int, stride: int, lead: int) -> Iterator[int]:
    """Where the indexed shingles of ``length`` words start.

    ``lead`` is how many preview words open the sequence (at most ``k - 1``): every
    shingle that straddles the boundary is kept, then every ``stride``-th one, then the last.
    """
    last = length - k
    if last < 0:
        return
    for start in range(last + 1):
        if start < lead or (start - lead) % stride == 0 or start == last:
            yield start


class ShingleIndex:
    """The gated text of every walled article, looked up shingle by shingle."""

    def __init__(self, k: int = SHINGLE_WORDS, stride: int = STRIDE) -> None:
        if k < 2 or stride < 1:
            raise ValueError("k must be at least 2 and stride at least 1")
        self.k = k
        self.stride = stride
        self._lock = threading.RLock()
        self._entries: dict[str, _Entry] = {}
        self._shingles: dict[int, tuple[str, ...]] = {}  # shingle hash -> article keys
        self._by_origin_id: dict[int, str] = {}
        self._by_path: dict[str, str] = {}
        self._public: set[int] = set()

    # --- what it holds -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        """The keys of the indexed articles."""
        with self._lock:
            return list(self._entries)

    def article(self, key: str) -> Article | None:
        """The indexed article called ``key``, or None."""
        entry = self._entries.get(key)
        return entry.article if entry else None

    def by_origin_id(self, origin_id: int) -> Article | None:
        """The walled article with this origin id (a WordPress post id), or None."""
        key = self._by_origin_id.get(origin_id)
        return self.article(key) if key else None

    def by_path(self, path: str) -> Article | None:
        """The walled article at this path (``/2026/11/03/slug/``), or None."""
        key = self._by_path.get(path_key(path))
        return self.article(key) if key else None

    def preview_words(self, key: str) -> str:
        """The title and preview of ``key`` as folded words joined by spaces ('' if unknown)."""
        entry = self._entries.get(key)
        return entry.preview_words if entry else ""

    @property
    def shingle_count(self) -> int:
        """How many distinct shingles the index holds."""
        return len(self._shingles)

    def _sequence(self, article: Article) -> tuple[list[str], int]:
        """The words an article's shingles are taken from, and how many are preview words."""
        preview_words = words(article.preview)
        context = preview_words[-(self.k - 1) :] if preview_words else []
        return [*context, *words(article.gated)], len(context)

    # --- changes -------------------------------------------------------------------------

    def add(self, article: Article) -> None:
        """Index ``article``, replacing what was indexed under its key."""
        sequence, context = self._sequence(article)
        preview_words = words(article.preview)
        hashes = shingle_hashes(sequence, self.k)
        own_preview = set(shingle_hashes(preview_words, self.k))
        patterns = (
            frozenset(
                hashes[start]
                for start in shingle_starts(len(sequence), self.k, self.stride, context)
            )
            - own_preview
        )
        with self._lock:
            self._drop(article.key)
            for pattern in patterns:
                self._shingles[pattern] = (*self._shingles.get(pattern, ()), article.key)
            self._entries[article.key] = _Entry(
                article, patterns, " ".join([*words(article.title), *preview_words])
            )
            if article.origin_id is not None:
                self._by_origin_id[article.origin_id] = article.key
            for path in article.paths:
                self._by_path[path_key(path)] = article.key

    def remove(self, key: str) -> bool:
        """Forget the article ``key``; return whether it was indexed."""
        with self._lock:
            return self._drop(key)

    def _drop(self, key: str) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        for pattern in entry.patterns:
            holders = tuple(holder for holder in self._shingles.get(pattern, ()) if holder != key)
            if holders:
                self._shingles[pattern] = holders
            else:
                self._shingles.pop(pattern, None)
        if entry.article.origin_id is not None:
            self._by_origin_id.pop(entry.article.origin_id, None)
        for path in entry.article.paths:
            if self._by_path.get(path_key(path)) == key:
                del self._by_path[path_key(path)]
        return True

    def replace_all(self, articles: Iterable[Article]) -> None:
        """Rebuild from scratch with exactly ``articles`` (swapped in at once)."""
        fresh = ShingleIndex(self.k, self.stride)
        for article in articles:
            fresh.add(article)
        with self._lock:
            self._entries = fresh._entries
            self._shingles = fresh._shingles
            self._by_origin_id = fresh._by_origin_id
            self._by_path = fresh._by_path

    def add_public(self, text: str) -> None:
        """Declare ``text`` public (site boilerplate): its shingles never count as hits."""
        public = shingle_hashes(words(text), self.k)
        with self._lock:
            self._public.update(public)

    # --- matching ------------------------------------------------------------------------

    def scan(self, text: str) -> Scan:
        """Find the walled articles whose gated text ``text`` carries."""
        return self.scan_words(words(text))

    def scan_words(self, text_words: Sequence[str]) -> Scan:
        """``scan`` for text already split into normalised words (``words``)."""
        hashes = set(shingle_hashes(text_words, self.k))
        hits: dict[str, int] = {}
        with self._lock:
            found = self._shingles.keys() & hashes
            if found and self._public:
                found -= self._public
            for pattern in found:
                for key in self._shingles[pattern]:
                    hits[key] = hits.get(key, 0) + 1
        return Scan(hits)

    def covered(self, text_words: Sequence[str], keys: Iterable[str]) -> list[bool]:
        """For each of ``text_words``, whether it lies in a shingle of ``keys``' gated text.

        Every shingle counts here, not only the indexed ones: this marks what a rewrite
        must remove once a scan has named the articles. A shingle that straddles the
        preview's end marks only its gated words.
        """
        first_gated: dict[int, int] = {}
        for key in keys:
            article = self.article(key)
            if article is None:
                continue
            sequence, context = self._sequence(article)
            for start, shingle in enumerate(shingle_hashes(sequence, self.k)):
                offset = max(0, context - start)
                first_gated[shingle] = min(offset, first_gated.get(shingle, offset))
        marks = [False] * len(text_words)
        for start, shingle in enumerate(shingle_hashes(text_words, self.k)):
            first = first_gated.get(shingle)
            if first is not None:
                for position in range(start + first, start + self.k):
                    marks[position] = True
        return marks


def path_key(path: str) -> str:
    """A path compared without its scheme, host, query or trailing slash."""
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", path.strip(), flags=re.IGNORECASE)
    path = path.split("?", 1)[0].split("#", 1)[0]
    return path.rstrip("/") or "/"
