"""An in-process event buffer, emptied in batches by a background flusher thread.

The request thread only appends to a deque under a lock (a few microseconds); the flusher
wakes every ``ANALYTICS_FLUSH_SECONDS`` (or as soon as a batch is full) and writes what it
holds with one ``bulk_create``. A failed write is logged and its batch dropped; a full
buffer drops its oldest event and counts it. At interpreter exit the rest is flushed.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections

logger = logging.getLogger(__name__)

Row = dict[str, Any]
Writer = Callable[[Sequence[Row]], None]
FALLBACK_INTERVAL = 2.0


@dataclass
class BufferStats:
    """Counters a test or an operator can read: events written, dropped and failed."""

    written: int = 0
    dropped: int = 0
    failed: int = 0


class EventBuffer:
    """A bounded buffer of event rows with a lazily started flusher thread."""

    def __init__(self, write: Writer, interval: Callable[[], float]) -> None:
        self._write = write
        self._interval = interval
        self._rows: deque[Row] = deque()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._wake = threading.Event()
        self._pid = 0
        self._thread: threading.Thread | None = None
        self.stats = BufferStats()
        # After a fork (gunicorn --preload) the child has no flusher thread, locks that may
        # have been held by the parent's threads, and a copy of rows the parent will write
        # itself: start afresh.
        os.register_at_fork(after_in_child=self._forget_parent)

    def _forget_parent(self) -> None:
        self._rows = deque()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._wake = threading.Event()
        self._pid = 0
        self._thread = None

    def add(self, row: Row, *, capacity: int, batch_size: int) -> None:
        """Append ``row``; drop the oldest row (and count it) when ``capacity`` is reached."""
        self._ensure_flusher()
        with self._lock:
            if len(self._rows) >= capacity:
                self._rows.popleft()
                self.stats.dropped += 1
            self._rows.append(row)
            is_batch_full = len(self._rows) >= batch_size
        if is_batch_full:
            self._wake.set()

    def pending(self) -> int:
        """Return how many rows wait to be written."""
        with self._lock:
            return len(self._rows)

    def flush(self) -> int:
        """Write every buffered row now; return how many were taken (written or failed).

        Never raises: a store failure is logged and the batch is counted in ``failed``.
        """
        with self._flush_lock:
            with self._lock:
                rows = list(self._rows)
                self._rows.clear()
            if rows:
                self._write_logged(rows)
            return len(rows)

    def _write_logged(self, rows: list[Row]) -> None:
        try:
            self._write(rows)
        except Exception as exc:  # noqa: BLE001 - recording must never take anything down
            self.stats.failed += len(rows)
            logger.warning("analytics: dropped %d events, the store failed: %s", len(rows), exc)
        else:
            self.stats.written += len(rows)

    def _is_flusher_running(self) -> bool:
        thread = self._thread
        return self._pid == os.getpid() and thread is not None and thread.is_alive()

    def _ensure_flusher(self) -> None:
        if self._is_flusher_running():
            return
        with self._start_lock:
            if self._is_flusher_running():
                return
            thread = threading.Thread(target=self._run, name="analytics-flusher", daemon=True)
            thread.start()
            self._thread, self._pid = thread, os.getpid()

    def _run(self) -> None:
        while True:
            try:
                interval = self._interval()
            except Exception:  # noqa: BLE001 - an unreadable setting must not stop flushing
                interval = FALLBACK_INTERVAL
            self._wake.wait(interval)
            self._wake.clear()
            self.flush()
            # The flusher owns its own connection: let Django close it when it is broken
            # or older than CONN_MAX_AGE, as a request would.
            try:
                close_old_connections()
            except Exception as exc:  # noqa: BLE001 - keep the flusher alive
                logger.warning("analytics: could not recycle the connection: %s", exc)


def _flush_at_exit(buffer: EventBuffer) -> None:
    if buffer.pending():
        buffer.flush()


def make_buffer(write: Writer, interval: Callable[[], float]) -> EventBuffer:
    """Return a buffer whose remaining rows are flushed when the interpreter exits."""
    buffer = EventBuffer(write, interval)
    atexit.register(_flush_at_exit, buffer)
    return buffer
