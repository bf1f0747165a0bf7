"""The simulator's own event store: the site's event kinds, kept in columns in memory.

It records what ``masthead.analytics`` records on the site (same kind names, same
fields plus the experiment arm), so the same reading can be applied to both, but it never
writes to the site's tables: a simulated reader must never appear on the Dashboard.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

ACCESS_CHECK = "access_check"
WALL_SHOWN = "wall_shown"
REGISTRATION = "registration"
CHECKOUT_STARTED = "checkout_started"
SUBSCRIPTION_STARTED = "subscription_started"
KINDS: tuple[str, ...] = (
    ACCESS_CHECK,
    WALL_SHOWN,
    REGISTRATION,
    CHECKOUT_STARTED,
    SUBSCRIPTION_STARTED,
)
READER_KINDS: tuple[str, ...] = ("anonymous", "registered", "subscriber")

_COLUMNS: dict[str, type[np.generic]] = {
    "kind": np.int8,
    "day": np.int16,
    "hour": np.int8,
    "reader": np.int32,
    "arm": np.int16,
    "article": np.int64,
    "section": np.int8,
    "granted": np.int8,  # -1 when the event is not a decision
    "reason": np.int16,
    "offer": np.int16,
    "reader_kind": np.int8,
}


class EventLog:
    """Append-only columns of events; reasons and offers are stored as codes."""

    def __init__(
        self, sections: tuple[str, ...], arms: tuple[str, ...], strings: list[str]
    ) -> None:
        self.sections = sections
        self.arms = arms
        #: Reasons and offers by code, filled in by whoever interns them (the engine).
        self.strings = strings
        self._chunks: dict[str, list[NDArray[Any]]] = {name: [] for name in _COLUMNS}
        self._frozen: dict[str, NDArray[Any]] | None = None

    def append(self, kind: str, **columns: NDArray[Any] | int) -> None:
        """Append events of one kind; scalars are broadcast to the length of the arrays."""
        length = max((len(v) for v in columns.values() if isinstance(v, np.ndarray)), default=1)
        if length == 0:
            return
        columns["kind"] = KINDS.index(kind)
        for name, dtype in _COLUMNS.items():
            value = columns.get(name, -1 if name == "granted" else 0)
            self._chunks[name].append(np.broadcast_to(np.asarray(value, dtype), (length,)))
        self._frozen = None

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return all events as one array per column."""
        if self._frozen is None:
            self._frozen = {
                name: np.concatenate(chunks) if chunks else np.empty(0, dtype)
                for (name, chunks), dtype in zip(
                    self._chunks.items(), _COLUMNS.values(), strict=True
                )
            }
            for name, column in self._frozen.items():
                self._chunks[name] = [column]
        return self._frozen

    def __len__(self) -> int:
        return len(self.columns()["kind"])

    def count(self, kind: str) -> int:
        """Return how many events of ``kind`` were recorded."""
        return int((self.columns()["kind"] == KINDS.index(kind)).sum())

    def first_day(self, kind: str, readers: int) -> NDArray[np.int64]:
        """Return, per reader, the first day with an event of ``kind`` (-1 for never)."""
        cols = self.columns()
        mask = cols["kind"] == KINDS.index(kind)
        first = np.full(readers, np.iinfo(np.int64).max, np.int64)
        np.minimum.at(first, cols["reader"][mask].astype(np.int64), cols["day"][mask])
        first[first == np.iinfo(np.int64).max] = -1
        return first

    def rows(self, limit: int | None = None) -> Iterator[dict[str, object]]:
        """Yield events as dicts with the field names the site's ``record()`` takes."""
        cols = self.columns()
        total = len(cols["kind"]) if limit is None else min(limit, len(cols["kind"]))
        for i in range(total):
            granted = int(cols["granted"][i])
            yield {
                "kind": KINDS[int(cols["kind"][i])],
                "day": int(cols["day"][i]),
                "hour": int(cols["hour"][i]),
                "visitor": int(cols["reader"][i]),
                "arm": self.arms[int(cols["arm"][i])],
                "article_id": int(cols["article"][i]) or None,
                "section": self.sections[int(cols["section"][i])],
                "granted": None if granted < 0 else bool(granted),
                "reason": self.strings[int(cols["reason"][i])],
                "offer": self.strings[int(cols["offer"][i])],
                "reader_kind": READER_KINDS[int(cols["reader_kind"][i])],
            }
