"""Fragments of public pages, rendered once per content version and reused.

Three **versions** live in the shared cache (Redis in production), each a random token
replaced by every save that changes what it covers:

- the **site generation** (``newsroom:fragments:site``): any save of newsroom content, a
  paywall policy or a house ad. Fragments that show *other* articles (related stories,
  the section menu) and the gating facts remembered per slug are keyed by it;
- an **article version** (``newsroom:fragments:article:<pk>``): the article, its blocks,
  its bylines;
- the **wide version** (``newsroom:fragments:wide``): what many articles' own parts show
  or depend on — sections, the publication, authors, videos, house ads, the policy.

Every save replaces the versions it reaches *and* the site generation, at the save and
once more after its transaction commits (a page rendered in between from the old,
still-committed rows is stored under a version that is dead by then). A page reads the
site generation once per request; the other versions and the gating facts it reads once
per site generation and process. Fragments are kept in this process's memory (bounded,
least recently used first out) and in the shared cache, keyed by the versions they were
rendered under, and each carries the moment it stops being valid (the next ad start or
end, the next scheduled story, and at most ``NEWSROOM_FRAGMENT_SECONDS``).

Fragment caching needs a cache every process shares: with a per-process cache (no Redis)
a save in one process would not reach the others. ``NEWSROOM_FRAGMENT_CACHE`` is
``auto`` (on when the default cache is not per-process), ``on`` or ``off``. A cache that
fails means no fragment caching for that request: the page is rendered whole.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Article, Author, Block, Publication, Section, Video

logger = logging.getLogger(__name__)

T = TypeVar("T")

SITE_KEY = "newsroom:fragments:site"
WIDE_KEY = "newsroom:fragments:wide"
ARTICLE_KEY = "newsroom:fragments:article:{}"
_FRAGMENT_KEY = "newsroom:fragments:entry:{}"
_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
MODES = ("auto", "on", "off")
# Facts remembered per generation and process, at most (a new generation starts afresh).
_REMEMBERED_LIMIT = 20_000


def mode() -> str:
    """Return ``NEWSROOM_FRAGMENT_CACHE``: ``auto``, ``on`` or ``off``."""
    return str(getattr(settings, "NEWSROOM_FRAGMENT_CACHE", "auto"))


def is_enabled() -> bool:
    """Return True when public pages may be served from fragments."""
    chosen = mode()
    if chosen == "auto":
        return settings.CACHES["default"]["BACKEND"] not in _LOCAL_BACKENDS
    return chosen == "on"


def max_age() -> float:
    """Return ``NEWSROOM_FRAGMENT_SECONDS``: the longest any fragment is reused."""
    return float(getattr(settings, "NEWSROOM_FRAGMENT_SECONDS", 300))


# --- Process memory --------------------------------------------------------------------


class Memory:
    """A bounded least-recently-used map of fragments, shared by this process's threads.

    Each entry carries the moment (``time.time()``) it stops being valid; ``limit`` is
    the total size of the values kept, in characters or bytes (``len``).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[Hashable, tuple[float, Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: float) -> Any:
        """Return the value kept under ``key`` and still valid at ``now``, else None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] <= now:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, value: Any, valid_until: float, size: int) -> None:
        """Keep ``value`` (``size`` long) until ``valid_until``; evict the least used."""
        if size > self.limit:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (valid_until, value, size)
            self._size += size
            while self._size > self.limit and self._items:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)

    def _drop(self, key: Hashable) -> None:
        _valid, _value, size = self._items.pop(key)
        self._size -= size


def _memory_limit() -> int:
    return int(getattr(settings, "NEWSROOM_FRAGMENT_MEMORY_MB", 32)) * 1024 * 1024


memory = Memory(_memory_limit())


# --- Versions ----------------------------------------------------------------------------


def _token() -> str:
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


@dataclass
class Generation:
    """One site generation as this process knows it: its token and what was read under it.

    ``facts`` (per slug), ``versions`` (per article) and ``publication`` are read once per
    generation and process: any save that could change them starts a new generation.
    """

    token: str
    facts: dict[str, Any] = field(default_factory=dict)
    versions: dict[int, tuple[str, str] | None] = field(default_factory=dict)
    publication: Publication | None = None


class _Generations:
    """The latest generations this process has seen (a few: requests overlap a save)."""

    def __init__(self) -> None:
        self._known: OrderedDict[str, Generation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> Generation:
        with self._lock:
            found = self._known.get(token)
            if found is None:
                found = self._known[token] = Generation(token)
                while len(self._known) > 4:
                    self._known.popitem(last=False)
            return found

    def clear(self) -> None:
        with self._lock:
            self._known.clear()


_generations = _Generations()


# After a cache failure, pages are rendered whole for this long without asking the cache
# again: an unreachable Redis must not add its timeout to every page.
_PAUSE_SECONDS = 5.0
_paused_until = 0.0


def _pause() -> None:
    global _paused_until
    _paused_until = time.monotonic() + _PAUSE_SECONDS
    logger.warning("fragment_cache_unavailable")


def _read(keys: list[str]) -> dict[str, str] | None:
    """Return the versions at ``keys`` (one round trip), starting any that is missing.

    A version started here is safe to key fragments by at once: a save replaces it at
    its commit, so anything read before that commit dies with it. None when the cache
    fails (and for ``_PAUSE_SECONDS`` after that).
    """
    if time.monotonic() < _paused_until:
        return None
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            for key in missing:
                cache.add(key, _token(), None)
            found.update(cache.get_many(missing))
    except Exception:  # noqa: BLE001 - any cache failure: render the page whole
        _pause()
        return None
    if any(key not in found for key in keys):
        return None
    return {key: str(found[key]) for key in keys}


def current() -> Generation | None:
    """Return the site generation in force now (one cache read), or None.

    None when fragment caching is off or the cache fails: the page is rendered whole.
    """
    if not is_enabled():
        return None
    found = _read([SITE_KEY])
    return None if found is None else _generations.get(found[SITE_KEY])


def article_versions(generation: Generation, article_id: int) -> tuple[str, str] | None:
    """Return (article version, wide version) under ``generation``, or None (cache down).

    Read from the shared cache once per generation and process.
    """
    if article_id in generation.versions:
        return generation.versions[article_id]
    key = ARTICLE_KEY.format(article_id)
    found = _read([key, WIDE_KEY])
    if found is None:
        return None
    versions = (found[key], found[WIDE_KEY])
    if len(generation.versions) >= _REMEMBERED_LIMIT:
        generation.versions.clear()
    generation.versions[article_id] = versions
    return versions


def remembered(generation: Generation, slot: str, name: str, read: Callable[[], T]) -> T:
    """Return ``read()``, read once per ``generation`` under ``slot``/``name`` (facts)."""
    store = generation.facts
    key = f"{slot}:{name}"
    if key not in store:
        if len(store) >= _REMEMBERED_LIMIT:
            store.clear()  # a crawl of made-up slugs must not grow it without end
        store[key] = read()
    return cast(T, store[key])


# --- Fragments ---------------------------------------------------------------------------


def _shared_key(key: tuple[Hashable, ...]) -> str:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
    return _FRAGMENT_KEY.format(digest)


def fragment(
    key: tuple[Hashable, ...],
    now: float,
    render: Callable[[], tuple[T, float] | None],
    size: Callable[[T], int],
) -> T | None:
    """Return the fragment kept under ``key``, else ``render()`` it and keep it.

    ``key`` must hold every version the fragment depends on. ``render`` returns the value
    and the moment it stops being valid (capped at ``now`` + ``max_age()``), or None for
    a value that must not be kept; then None is returned and the caller renders whole.
    Looked up in this process's memory first, then in the shared cache.
    """
    found = memory.get(key, now)
    if found is not None:
        return cast(T, found)
    shared = _shared_key(key)
    try:
        stored = cache.get(shared)
    except Exception:  # noqa: BLE001 - a miss
        logger.warning("fragment_cache_unavailable")
        stored = None
    if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == repr(key):
        _key, valid_until, value = stored
        if valid_until > now:
            memory.put(key, value, valid_until, size(value))
            return cast(T, value)
    made = render()
    if made is None:
        return None
    value, valid_until = made
    valid_until = min(valid_until, now + max_age())
    if valid_until <= now:
        return value
    memory.put(key, value, valid_until, size(value))
    try:
        cache.set(shared, (repr(key), valid_until, value), max(int(valid_until - now) + 1, 1))
    except Exception:  # noqa: BLE001 - kept in memory all the same
        logger.warning("fragment_cache_unavailable")
    return value


def forget() -> None:
    """Forget this process's fragments and generations, and start a new generation."""
    global _paused_until
    _paused_until = 0.0
    memory.clear()
    _generations.clear()
    _set({SITE_KEY: _token()})


# --- Invalidation ------------------------------------------------------------------------


def _set(values: dict[str, str]) -> None:
    try:
        cache.set_many(values, None)
    except Exception:  # noqa: BLE001 - fragments still end at their max age
        logger.warning("fragment_cache_unavailable")


def new_versions(articles: Iterable[int] = (), *, wide: bool = False) -> None:
    """Replace the versions of ``articles`` (and the wide version), and the generation.

    Done now and again once the saving transaction commits (see the module's docstring).
    """
    names = [ARTICLE_KEY.format(pk) for pk in dict.fromkeys(articles) if pk is not None]
    if wide:
        names.append(WIDE_KEY)
    names.append(SITE_KEY)

    def replace() -> None:
        _set({name: _token() for name in names})

    replace()
    transaction.on_commit(replace)


def _article_changed(sender: type[Model], instance: Article, raw: bool = False, **kw: Any) -> None:
    if not raw:
        new_versions([instance.pk])


def _block_changed(sender: type[Model], instance: Block, raw: bool = False, **kw: Any) -> None:
    if not raw:
        new_versions([instance.article_id])


def _authors_changed(
    sender: type[Model], instance: Model, action: str, reverse: bool, pk_set: Any, **kw: Any
) -> None:
    if not action.startswith("post_"):
        return
    # Forward: an article's bylines changed; reverse: an author's list of articles did.
    if isinstance(instance, Article):
        new_versions([instance.pk])
    else:
        new_versions(list(pk_set or []), wide=True)


def _wide_change(sender: type[Model], raw: bool = False, **kw: Any) -> None:
    if not raw:
        new_versions(wide=True)


def connect() -> None:
    """Connect the invalidation handlers (from ``signals.connect``, after the others).

    Last, so that a save's own follow-up writes (the searchable lead-in) are in the
    database before the versions change.
    """
    uid = "newsroom.fragments."
    for signal in (post_save, post_delete):
        kind = "saved" if signal is post_save else "deleted"
        signal.connect(_article_changed, sender=Article, dispatch_uid=f"{uid}article.{kind}")
        signal.connect(_block_changed, sender=Block, dispatch_uid=f"{uid}block.{kind}")
        wide: list[type[Model]] = [Author, Publication, Section, Video]
        # By label: the newsroom imports nothing of access or ads beyond their public API.
        wide += [apps.get_model("access", "PaywallPolicy"), apps.get_model("ads", "HouseAd")]
        for model in wide:
            signal.connect(_wide_change, sender=model, dispatch_uid=f"{uid}{model.__name__}.{kind}")
    m2m_changed.connect(
        _authors_changed, sender=Article.authors.through, dispatch_uid=f"{uid}authors"
    )
    house_ad = apps.get_model("ads", "HouseAd")
    m2m_changed.connect(
        _wide_change, sender=house_ad.sections.through, dispatch_uid=f"{uid}ad_sections"
    )
