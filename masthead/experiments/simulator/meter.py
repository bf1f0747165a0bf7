"""An in-memory meter with the site's rules, on numpy arrays instead of a database.

Same semantics as the SQL and Redis stores: a read is counted once per article and
window; a reader at the allowance is not counted; an anonymous read must also take one
of its network's daily reads, and is refused (``is_network_exhausted``) when none is left.
The reader model opens a new story on every visit except a re-read of the previous one,
so "distinct articles" reduces to a count plus whether the previous story was counted.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Days in a rolling window (the site's rolling window is 30 days; the simulator counts by
#: whole days, so a read exactly 30 days old drops out at midnight rather than to the hour).
ROLLING_DAYS = 30


class MemoryMeter:
    """Per-reader counts in the current window and per-network counts for today."""

    def __init__(self, readers: int, networks: int, days: int, rolling: bool) -> None:
        self.used = np.zeros(readers, np.int32)
        self.net_used = np.zeros(networks, np.int32)
        self._by_day: NDArray[np.int16] | None = (
            np.zeros((readers, days), np.int16) if rolling else None
        )

    def new_day(self) -> None:
        """Give every network its daily allowance back."""
        self.net_used[:] = 0

    def reset(self, readers: NDArray[np.int64]) -> None:
        """Forget the readers' counts: a new calendar window, or a new key (an account)."""
        self.used[readers] = 0
        if self._by_day is not None:
            self._by_day[readers] = 0

    def roll(self, readers: NDArray[np.int64], day: int) -> None:
        """Recount a rolling window for ``day``: the reads of the previous 29 days."""
        if self._by_day is None:
            raise RuntimeError("this meter was built without rolling windows")
        start = max(0, day - (ROLLING_DAYS - 1))
        self.used[readers] = self._by_day[readers, start:day].sum(axis=1)

    def consume(
        self,
        readers: NDArray[np.int64],
        already_counted: NDArray[np.bool_],
        allowance: int,
        networks: NDArray[np.int64] | None,
        network_allowance: int,
        day: int,
    ) -> tuple[NDArray[np.int32], NDArray[np.bool_], NDArray[np.bool_]]:
        """Try to count one story for each reader (each at most once per call).

        Returns ``(used, is_counted, is_network_exhausted)`` after the attempt, as the
        stores' ``MeterState`` would carry them. ``networks`` is None when the network
        allowance does not apply (registered readers, or an allowance of 0). Readers
        earlier in ``readers`` take their network's reads first.
        """
        used = self.used[readers]
        counted = already_counted.copy()
        attempt = ~counted & (used < allowance)
        exhausted = np.zeros(len(readers), np.bool_)
        if networks is not None and network_allowance > 0 and attempt.any():
            where = np.flatnonzero(attempt)
            nets = networks[where]
            order = np.argsort(nets, kind="stable")
            ordered = nets[order]
            rank = np.empty(len(nets), np.int64)
            rank[order] = np.arange(len(nets)) - np.searchsorted(ordered, ordered, "left")
            taken = self.net_used[nets] + rank < network_allowance
            np.add.at(self.net_used, nets[taken], 1)
            exhausted[where[~taken]] = True
            attempt[where[~taken]] = False
        used = used + attempt
        self.used[readers] = used
        if self._by_day is not None:
            self._by_day[readers[attempt], day] += 1
        return used.astype(np.int32), counted | attempt, exhausted
