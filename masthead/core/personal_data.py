"""Who keeps what about an account: each app registers how to export it and erase it.

The account's owner (``accounts``) answers "download my data" and "delete my account",
but the data lives in apps it may not import (``analytics`` sits beside it in the layers)
or should not know about in detail (the meter behind ``access``). Each such app registers
a ``Holder`` in its ``AppConfig.ready``; ``accounts`` asks every holder, by name, without
importing any of them. A new app that keeps anything per account registers here, and its
data joins the export and the erasure at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holder:
    """One app's part of an account's data.

    ``export(user_id)`` returns JSON-ready data for the account's download; ``erase(user_id)``
    removes or anonymises it and returns how many records it changed.
    """

    name: str
    export: Callable[[int], Any]
    erase: Callable[[int], int]


_lock = threading.Lock()
_holders: dict[str, Holder] = {}


def register(holder: Holder) -> None:
    """Add ``holder`` (by name: registering the same name again replaces it)."""
    with _lock:
        _holders[holder.name] = holder


def holders() -> list[Holder]:
    """Return the registered holders, by name."""
    with _lock:
        return [_holders[name] for name in sorted(_holders)]


def export_all(user_id: int) -> dict[str, Any]:
    """Return every holder's export for ``user_id``, keyed by holder name."""
    return {holder.name: holder.export(user_id) for holder in holders()}


def erase_all(user_id: int) -> dict[str, int]:
    """Erase ``user_id`` from every holder; return the records each changed.

    A holder that raises stops the erasure (and, inside the deleting transaction, the
    deletion): an account is not reported deleted while its data stays behind.
    """
    erased = {holder.name: holder.erase(user_id) for holder in holders()}
    logger.info("personal_data_erased %s", " ".join(f"{k}={v}" for k, v in erased.items()))
    return erased
