"""Dropping pages from the shared cache (nginx, a CDN) the moment they must change.

Three pieces:

- :class:`Purger`, the port: ``purge(urls)`` drops each absolute URL from the cache and
  returns the URLs it could not purge. ``CACHE_PURGER`` names the implementation by a
  dotted path (checked at start-up, see ``dotted_paths``); it is called with no arguments.
- :class:`NginxPurger`, nginx's cache-purge module: one ``GET`` per URL on every cache node
  in ``CACHE_PURGE_URLS`` (``http://10.0.0.5:8080/_purge``), the URL's scheme and host in
  the path because they are part of the cache key (deploy/nginx.conf).
- :func:`purge_paths`, what callers use: it turns site paths into absolute URLs for every
  origin the cache keys pages under (``CACHE_PURGE_ORIGINS``, by default each plain host of
  ``ALLOWED_HOSTS`` over http and https), purges them at once, and leaves failures to a
  background thread that retries briefly, then logs. A purge never raises to its caller:
  an editor's save must not fail because a cache node is down.

The callers decide *what* to purge (the newsroom, on saves that change what an anonymous
reader may see); this module knows nothing of articles.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_PURGER = "masthead.core.purge.NginxPurger"
# Failed URLs are tried again after these pauses (seconds), then given up and logged:
# about ten seconds in all, after which the page's own max-age (a minute) is as near.
RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0, 8.0)
# Purged at once in the caller's thread; past this many, the rest go to the background
# thread, so a change touching thousands of articles does not hold the editor's save.
SYNC_LIMIT = 400
_SCHEMES = ("http", "https")


@runtime_checkable
class Purger(Protocol):
    """Something that can drop pages from a shared cache."""

    def purge(self, urls: Sequence[str]) -> list[str]:
        """Drop every absolute URL in ``urls``; return the ones that could not be purged.

        A URL that was not cached counts as purged. Raising counts as every URL failed.
        """
        ...


# --- Settings --------------------------------------------------------------------------


def endpoints() -> list[str]:
    """Return the purge endpoints of the cache nodes (``CACHE_PURGE_URLS``)."""
    return list(getattr(settings, "CACHE_PURGE_URLS", []))


def purger_path() -> str:
    """Return the dotted path of the purger in use (``CACHE_PURGER``)."""
    return str(getattr(settings, "CACHE_PURGER", DEFAULT_PURGER) or DEFAULT_PURGER)


def is_enabled() -> bool:
    """Return True when saves should purge: a purge endpoint or a purger of one's own."""
    return bool(endpoints()) or purger_path() != DEFAULT_PURGER


def origins() -> list[str]:
    """Return the ``scheme://host`` prefixes pages are cached under.

    ``CACHE_PURGE_ORIGINS`` when set; otherwise every plain host of ``ALLOWED_HOSTS``
    (wildcards cannot be listed) over both schemes: purging a key that was never cached
    costs one small request, missing one would leave the old page up.
    """
    configured = list(getattr(settings, "CACHE_PURGE_ORIGINS", []))
    if configured:
        return [origin.rstrip("/") for origin in configured]
    hosts = [
        host.lower()
        for host in settings.ALLOWED_HOSTS
        if host and host != "*" and not host.startswith(".")
    ]
    return [f"{scheme}://{host}" for host in hosts for scheme in _SCHEMES]


def setting_problems() -> list[str]:
    """Return one sentence per purge setting that cannot work (checked at start-up)."""
    problems: list[str] = []
    for endpoint in endpoints():
        parts = urlsplit(endpoint)
        if parts.scheme not in _SCHEMES or not parts.hostname or parts.query or parts.fragment:
            problems.append(
                f"CACHE_PURGE_URLS: {endpoint!r} is not an http(s) URL of a cache node's "
                "purge location (e.g. http://127.0.0.1:8080/_purge)."
            )
            continue
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            problems.append(f"CACHE_PURGE_URLS: {endpoint!r} has a bad port.")
    for origin in getattr(settings, "CACHE_PURGE_ORIGINS", []):
        parts = urlsplit(origin)
        if parts.scheme not in _SCHEMES or not parts.hostname or parts.path not in ("", "/"):
            problems.append(
                f"CACHE_PURGE_ORIGINS: {origin!r} must be scheme://host, "
                "as readers reach the site (e.g. https://news.example.com)."
            )
    timeout = getattr(settings, "CACHE_PURGE_TIMEOUT", 1.0)
    if not isinstance(timeout, int | float) or timeout <= 0:
        problems.append(f"CACHE_PURGE_TIMEOUT must be a positive number, not {timeout!r}.")
    return problems


# --- nginx -----------------------------------------------------------------------------


def nginx_purge_target(endpoint: str, url: str) -> str:
    """Return the path and query to ask of ``endpoint`` to purge the absolute ``url``.

    ``http://127.0.0.1:8080/_purge`` and ``https://News.example.com:443/a/?b=1`` give
    ``/_purge/https/news.example.com/a/?b=1``: nginx keys pages by ``$scheme$host`` (the
    host lower-case, without its port) and the path.
    """
    page = urlsplit(url)
    base = urlsplit(endpoint).path.rstrip("/")
    host = (page.hostname or "").lower()
    target = f"{base}/{page.scheme}/{host}{quote(page.path or '/', safe='/%-._~')}"
    return f"{target}?{page.query}" if page.query else target


class NginxPurger:
    """Purge through nginx's cache-purge module on every node of ``CACHE_PURGE_URLS``.

    200 means purged and 404 means nothing was cached: both are done. Anything else, or
    no answer within ``CACHE_PURGE_TIMEOUT``, fails the URL. A node that cannot be reached
    fails the rest of its URLs at once rather than waiting out a timeout for each.
    """

    def __init__(self, nodes: Sequence[str] | None = None, timeout: float | None = None) -> None:
        self.nodes = list(endpoints() if nodes is None else nodes)
        self.timeout = float(
            getattr(settings, "CACHE_PURGE_TIMEOUT", 1.0) if timeout is None else timeout
        )

    def purge(self, urls: Sequence[str]) -> list[str]:
        """Purge ``urls`` on every node; return those that failed on any node."""
        failed: dict[str, None] = {}
        for node in self.nodes:
            for url in self._purge_on(node, urls):
                failed[url] = None
        return list(failed)

    def _purge_on(self, node: str, urls: Sequence[str]) -> list[str]:
        parts = urlsplit(node)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
        failed: list[str] = []
        try:
            for index, url in enumerate(urls):
                try:
                    status = self._ask(connection, nginx_purge_target(node, url))
                except (OSError, http.client.HTTPException) as exc:
                    # The node is down or stuck: fail what is left instead of waiting
                    # out a timeout for every URL; the retry tries them all again.
                    logger.warning("cache_purge_node_unreachable node=%s error=%s", node, exc)
                    failed.extend(urls[index:])
                    break
                if status not in (200, 404):
                    logger.warning("cache_purge_refused node=%s status=%s", node, status)
                    failed.append(url)
        finally:
            connection.close()
        return failed

    @staticmethod
    def _ask(connection: http.client.HTTPConnection, target: str) -> int:
        connection.request("GET", target, headers={"User-Agent": "masthead-purge"})
        answer = connection.getresponse()
        answer.read()  # drain it, so the connection can carry the next request
        if answer.will_close:
            connection.close()
        return answer.status


# --- Dispatching -----------------------------------------------------------------------

_purgers: dict[str, Purger] = {}
_purgers_lock = threading.Lock()


def current_purger() -> Purger:
    """Return the purger ``CACHE_PURGER`` names (made once per dotted path and process)."""
    path = purger_path()
    with _purgers_lock:
        found = _purgers.get(path)
        if found is None:
            found = import_string(path)()
            _purgers[path] = found
        return found


def forget_purgers() -> None:
    """Drop the purgers made so far (tests change ``CACHE_PURGER`` and its endpoints)."""
    with _purgers_lock:
        _purgers.clear()


@dataclass(order=True)
class _Job:
    due: float
    order: int
    urls: list[str] = field(compare=False)
    attempt: int = field(compare=False, default=0)


class Dispatcher:
    """Runs purges now and keeps what failed, or must be repeated, for later.

    ``purger`` is asked for on every run (so settings changes apply); ``clock`` is
    ``time.monotonic``. With ``background`` the jobs kept for later run on a daemon
    thread of their own; without it they wait for :meth:`run_due` (tests).
    """

    def __init__(
        self,
        purger: Callable[[], Purger] = current_purger,
        *,
        clock: Callable[[], float] = time.monotonic,
        background: bool = True,
    ) -> None:
        self._purger = purger
        self._clock = clock
        self._background = background
        self._jobs: list[_Job] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def purge(self, urls: Sequence[str], *, again_after: float = 0.0) -> list[str]:
        """Purge ``urls`` now (up to ``SYNC_LIMIT``); return those not purged yet.

        What fails is retried after ``RETRY_DELAYS``; what was over the limit runs on the
        background thread at once; with ``again_after`` > 0 every URL is purged once more
        after that many seconds (a reader's request that read the old row before the
        save committed may have stored the old page just after this purge).
        """
        urls = list(dict.fromkeys(urls))
        if not urls:
            return []
        now_part, later_part = urls[:SYNC_LIMIT], urls[SYNC_LIMIT:]
        failed = self._attempt(now_part)
        if failed:
            self._keep(failed, attempt=1, delay=RETRY_DELAYS[0])
        if later_part:
            self._keep(later_part, attempt=0, delay=0.0)
        if again_after > 0:
            self._keep(urls, attempt=len(RETRY_DELAYS), delay=again_after)
        return failed + later_part

    def run_due(self) -> int:
        """Run every kept job whose time has come; return how many ran."""
        ran = 0
        while True:
            with self._wake:
                if not self._jobs or self._jobs[0].due > self._clock():
                    return ran
                job = heapq.heappop(self._jobs)
            ran += 1
            failed = self._attempt(job.urls)
            if not failed:
                continue
            if job.attempt < len(RETRY_DELAYS):
                self._keep(failed, attempt=job.attempt + 1, delay=RETRY_DELAYS[job.attempt])
            else:
                logger.error(
                    "cache_purge_failed urls=%d first=%s: the pages refresh when their "
                    "max-age ends",
                    len(failed),
                    failed[0],
                )

    def pending(self) -> list[tuple[float, list[str]]]:
        """Return the kept jobs as (seconds from now, urls), soonest first (for tests)."""
        now = self._clock()
        with self._wake:
            return [(job.due - now, list(job.urls)) for job in sorted(self._jobs)]

    def drain(self, timeout: float) -> bool:
        """Run kept jobs as they fall due until none is left or ``timeout`` seconds pass.

        For short-lived processes (a one-shot management command): the background thread
        is a daemon and dies with the process, taking the repeats and retries with it.
        Returns True when nothing is left.
        """
        deadline = self._clock() + timeout
        while True:
            self.run_due()
            with self._wake:
                if not self._jobs:
                    return True
                wait = min(self._jobs[0].due, deadline) - self._clock()
            if self._clock() >= deadline:
                return False
            time.sleep(max(0.01, min(wait, 0.5)))

    def clear(self) -> None:
        """Forget every kept job (tests)."""
        with self._wake:
            self._jobs.clear()

    def _attempt(self, urls: list[str]) -> list[str]:
        try:
            failed = list(self._purger().purge(urls))
        except Exception:  # a broken purger must not reach the caller
            logger.exception("cache_purge_error")
            return list(urls)
        if failed:
            logger.warning("cache_purge_incomplete failed=%d of %d", len(failed), len(urls))
        return failed

    def _keep(self, urls: list[str], *, attempt: int, delay: float) -> None:
        with self._wake:
            due = self._clock() + delay
            heapq.heappush(self._jobs, _Job(due, next(self._order), list(urls), attempt))
            self._wake.notify()
        if self._background:
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        with self._wake:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._loop, name="masthead-cache-purge", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        while True:
            self.run_due()
            with self._wake:
                wait = (self._jobs[0].due - self._clock()) if self._jobs else 60.0
                if wait > 0:
                    self._wake.wait(timeout=wait)


dispatcher = Dispatcher()


def repeat_seconds() -> float:
    """Return ``CACHE_PURGE_REPEAT_SECONDS``: when to purge once more after a save."""
    return float(getattr(settings, "CACHE_PURGE_REPEAT_SECONDS", 2.0))


def urls_for(paths: Iterable[str]) -> list[str]:
    """Return the absolute URLs of site ``paths`` under every cached origin."""
    return [f"{origin}{path}" for path in paths for origin in origins()]


def purge_paths(paths: Iterable[str], *, again_after: float | None = None) -> None:
    """Purge the site ``paths`` from every cache node now; never raise.

    ``again_after`` defaults to ``CACHE_PURGE_REPEAT_SECONDS``.
    """
    if not is_enabled():
        return
    try:
        repeat = repeat_seconds() if again_after is None else again_after
        dispatcher.purge(urls_for(paths), again_after=repeat)
    except Exception:  # purging is best effort; the save stands
        logger.exception("cache_purge_error")
