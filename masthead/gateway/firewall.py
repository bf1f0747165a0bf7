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

How it is indexed. A shingle is ``k`` consecutive words (8 by default). Each word of the
gated vocabulary gets one character of its own (an internal code point), so a shingle is a
``k``-character string and a body becomes one character per word, words outside the
vocabulary all the same "unknown" character that no shingle holds. pyahocorasick's
automaton of the shingles then finds every one in a single pass over the body. Only every
``stride``-th shingle of the gated part is indexed (memory: about 0.4 KB per shingle), plus
every shingle that straddles the end of the preview and the start of the gated part, plus
the last one. So the index catches any run of ``k + stride - 1`` consecutive gated words
anywhere, and any gated word right after the preview. Shingles that also occur in the
article's own preview (a pull quote repeating the lead-in) are left out, so the preview
never hits; so are those of text declared public (``add_public``: boilerplate).

The class is thread-safe (one lock); the automaton is rebuilt lazily, only after a change.
Sharing one index among worker processes is ``firewall_store``'s job.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import ahocorasick

SHINGLE_WORDS = 8
STRIDE = 4

# A word outside the gated vocabulary: a space, which no shingle contains.
UNKNOWN = " "
_FIRST_CODE = 0x100
_SURROGATES = range(0xD800, 0xE000)

_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([\\/\"bfnrt]))")
_JSON_SIMPLE = {"\\": "\\", "/": "/", '"': '"', "b": " ", "f": " ", "n": " ", "r": " ", "t": " "}
_TAG = re.compile(r"<[^>]*>")
_APOSTROPHES = re.compile("['\u2019\u2018\u02bc\u0060\u00b4]")
_NON_WORD = re.compile(r"[\W_]+")


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
    folded = _APOSTROPHES.sub("", plain_text(text).casefold())
    return _NON_WORD.sub(" ", folded).split()


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
    codes: str  # the preview's last k-1 words, then the gated part, one code per word
    context: int = 0  # how many of those codes are preview words
    patterns: frozenset[str] = field(default_factory=frozenset)
    preview_words: str = ""  # folded preview text, for search matching


@dataclass(frozen=True)
class Scan:
    """What a scan found: for each article key, the shingles of it the text holds."""

    hits: Mapping[str, int]

    def __bool__(self) -> bool:
        return bool(self.hits)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the articles hit, most hits first."""
        return tuple(sorted(self.hits, key=lambda key: (-self.hits[key], key)))


class Vocabulary:
    """One character per word of the gated texts (assigned once, never reused)."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}
        self._next = _FIRST_CODE

    def __len__(self) -> int:
        return len(self._codes)

    def code(self, word: str) -> str:
        """The word's character, assigned now if the word is new."""
        known = self._codes.get(word)
        if known is not None:
            return known
        if self._next in _SURROGATES:
            self._next = _SURROGATES.stop
        if self._next > 0x10FFFF:
            raise OverflowError("vocabulary full: rebuild the index")
        made = chr(self._next)
        self._next += 1
        self._codes[word] = made
        return made

    def encode(self, text_words: Iterable[str]) -> str:
        """Codes of ``text_words``, assigning new ones (for indexed text)."""
        return "".join([self.code(word) for word in text_words])

    def lookup(self, text_words: Iterable[str]) -> str:
        """Codes of ``text_words``, ``UNKNOWN`` for words not in the vocabulary (for bodies)."""
        get = self._codes.get
        return "".join([get(word, UNKNOWN) for word in text_words])


def shingle_starts(length: int, k: int, stride: int, lead: int) -> Iterator[int]:
    """Where the indexed shingles of a code string of ``length`` start.

    ``lead`` is how many preview words open the string (at most ``k - 1``): every shingle
    that straddles the boundary is kept, then every ``stride``-th one, then the last.
    """
    last = length - k
    if last < 0:
        return
    for start in range(last + 1):
        if start < lead or (start - lead) % stride == 0 or start == last:
            yield start


class ShingleIndex:
    """The gated text of every walled article, matched over bodies in one automaton pass."""

    def __init__(self, k: int = SHINGLE_WORDS, stride: int = STRIDE) -> None:
        if k < 2 or stride < 1:
            raise ValueError("k must be at least 2 and stride at least 1")
        self.k = k
        self.stride = stride
        self._lock = threading.RLock()
        self._vocabulary = Vocabulary()
        self._entries: dict[str, _Entry] = {}
        self._by_origin_id: dict[int, str] = {}
        self._by_path: dict[str, str] = {}
        self._public: set[str] = set()
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
        self._built = True

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
        """How many shingles the automaton holds."""
        return len(self._automaton)

    # --- changes -------------------------------------------------------------------------

    def add(self, article: Article) -> None:
        """Index ``article``, replacing what was indexed under its key."""
        preview_words = words(article.preview)
        gated_words = words(article.gated)
        with self._lock:
            self._drop(article.key)
            context = preview_words[-(self.k - 1) :] if preview_words else []
            codes = self._vocabulary.encode([*context, *gated_words])
            own_preview = self._vocabulary.lookup(preview_words)
            excluded = {own_preview[i : i + self.k] for i in range(len(own_preview) - self.k + 1)}
            patterns = (
                frozenset(
                    codes[start : start + self.k]
                    for start in shingle_starts(len(codes), self.k, self.stride, len(context))
                )
                - excluded
            )
            for pattern in patterns:
                holders = self._automaton.get(pattern, ())
                self._automaton.add_word(pattern, (*holders, article.key))
            self._entries[article.key] = _Entry(
                article,
                codes,
                len(context),
                patterns,
                " ".join([*words(article.title), *preview_words]),
            )
            if article.origin_id is not None:
                self._by_origin_id[article.origin_id] = article.key
            for path in article.paths:
                self._by_path[path_key(path)] = article.key
            self._built = False

    def remove(self, key: str) -> bool:
        """Forget the article ``key``; return whether it was indexed."""
        with self._lock:
            dropped = self._drop(key)
            self._built = self._built and not dropped
            return dropped

    def _drop(self, key: str) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        for pattern in entry.patterns:
            holders = tuple(holder for holder in self._automaton.get(pattern, ()) if holder != key)
            if holders:
                self._automaton.add_word(pattern, holders)
            else:
                self._automaton.remove_word(pattern)
        if entry.article.origin_id is not None:
            self._by_origin_id.pop(entry.article.origin_id, None)
        for path in entry.article.paths:
            if self._by_path.get(path_key(path)) == key:
                del self._by_path[path_key(path)]
        return True

    def replace_all(self, articles: Iterable[Article]) -> None:
        """Rebuild from scratch with exactly ``articles`` (a fresh vocabulary too)."""
        fresh = ShingleIndex(self.k, self.stride)
        for article in articles:
            fresh.add(article)
        fresh._public = set(self._public)
        fresh._ensure_built()
        with self._lock:
            self._vocabulary = fresh._vocabulary
            self._entries = fresh._entries
            self._by_origin_id = fresh._by_origin_id
            self._by_path = fresh._by_path
            self._automaton = fresh._automaton
            self._built = True

    def add_public(self, text: str) -> None:
        """Declare ``text`` public (site boilerplate): its shingles never count as hits."""
        with self._lock:
            codes = self._vocabulary.lookup(words(text))
            self._public.update(
                codes[i : i + self.k]
                for i in range(len(codes) - self.k + 1)
                if UNKNOWN not in codes[i : i + self.k]
            )

    # --- matching ------------------------------------------------------------------------

    def _ensure_built(self) -> None:
        if not self._built:
            if len(self._automaton):
                self._automaton.make_automaton()
            self._built = True

    def encode(self, text: str) -> str:
        """``text`` as one code per word (``UNKNOWN`` outside the vocabulary)."""
        return self._vocabulary.lookup(words(text))

    def scan(self, text: str) -> Scan:
        """Find the walled articles whose gated text ``text`` carries."""
        return self.scan_codes(self.encode(text))

    def scan_codes(self, codes: str) -> Scan:
        """``scan`` for text already encoded (``encode``)."""
        hits: dict[str, int] = {}
        with self._lock:
            self._ensure_built()
            if not len(self._automaton) or len(codes) < self.k:
                return Scan(hits)
            public = self._public
            for end, holders in self._automaton.iter(codes):
                if public and codes[end - self.k + 1 : end + 1] in public:
                    continue
                for key in holders:
                    hits[key] = hits.get(key, 0) + 1
        return Scan(hits)

    def covered(self, codes: str, keys: Iterable[str]) -> list[bool]:
        """For each word of ``codes``, whether it lies in any shingle of ``keys``' gated text.

        Every shingle counts here, not only the indexed ones: this marks what a rewrite
        must remove once a scan has named the articles.
        """
        # Each shingle, with where its first gated word sits in it: a shingle that
        # straddles the preview's end marks only its gated words, not the preview's.
        first_gated: dict[str, int] = {}
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is None:
                    continue
                gated = entry.codes
                for start in range(len(gated) - self.k + 1):
                    shingle = gated[start : start + self.k]
                    offset = max(0, entry.context - start)
                    first_gated[shingle] = min(offset, first_gated.get(shingle, offset))
        marks = [False] * len(codes)
        for start in range(len(codes) - self.k + 1):
            first = first_gated.get(codes[start : start + self.k])
            if first is not None:
                for position in range(start + first, start + self.k):
                    marks[position] = True
        return marks


def path_key(path: str) -> str:
    """A path compared without its scheme, host, query or trailing slash."""
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", path.strip(), flags=re.IGNORECASE)
    path = path.split("?", 1)[0].split("#", 1)[0]
    return path.rstrip("/") or "/"
