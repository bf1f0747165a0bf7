"""An account's events: exported with its data, and stripped of its id when it is deleted.

Deleting an account does not delete its events: it cuts them loose from the account.
``user_id`` becomes NULL, and the events that named the reader only by account (a
logged-in reader's events carry no visitor key) get one random pseudonym instead, shared
by that account's events and kept nowhere else. Why not delete the rows, or only null the
id:

- The funnel, the meter table and the daily visitor counts count distinct people as "the
  visitor key, else ``u<user id>``" (``rollup.person``). Deleting the rows, or leaving them
  with neither key, would change the figures of past periods the publisher has already
  read: the same month would show fewer registrations after a reader left than before.
  With the pseudonym, every count stays exactly as it was.
- The pseudonym is 128 random bits made at deletion and stored only on those rows: it
  cannot be derived from the account id (an HMAC of the id could, by anyone holding the
  key, by trying every id), so nothing leads from the person or the account to the rows.
- What remains is what an anonymous reader's events hold (kinds, times, articles,
  sections), and raw events are pruned once their days are rolled up; the daily
  aggregates never held ids.

Events of the deleted account still waiting in another process's buffer (a few seconds'
worth, ``ANALYTICS_FLUSH_SECONDS``) are stripped the same way when they are written
(``strip_deleted_accounts``), with a pseudonym of their own: the erasure leaves a short-lived
note in the shared cache (``ERASED_NOTE_SECONDS``) that the writers look up once per batch.
The note is the cache's, not the database's: after an hour nothing says the account existed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

from masthead.analytics.models import Event
from masthead.analytics.recording import flush

logger = logging.getLogger(__name__)

EXPORTED_FIELDS = ("kind", "at", "article_id", "section", "granted", "reason", "offer")
# Far longer than any buffer holds an event, far shorter than anything is kept.
ERASED_NOTE_SECONDS = 3600


def _note_key(user_id: int) -> str:
    return f"analytics:erased:{user_id}"


def new_pseudonym() -> str:
    """Return a random stand-in for a deleted account, the width of a visitor key."""
    return secrets.token_hex(16)


def export_events(user_id: int) -> list[dict[str, Any]]:
    """Return the account's events, oldest first, as JSON-ready dicts."""
    flush()
    rows = Event.objects.filter(user_id=user_id).order_by("at", "pk").values(*EXPORTED_FIELDS)
    return [{**row, "at": row["at"].isoformat()} for row in rows]


def forget_account(user_id: int) -> int:
    """Strip ``user_id`` from its events (see the module's docstring); return rows changed."""
    flush()  # this process's buffered events first, so none is written with the id later
    try:
        cache.set(_note_key(user_id), True, ERASED_NOTE_SECONDS)
    except Exception:  # noqa: BLE001 - without the cache only other processes' stragglers stay
        logger.warning("analytics: could not note an erased account in the cache")
    mine = Event.objects.filter(user_id=user_id)
    changed = mine.filter(visitor="").update(user_id=None, visitor=new_pseudonym())
    changed += mine.update(user_id=None)
    return changed


def forget_erasure_note(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Drop the erased-account note when an account with that id is made (``post_save``).

    Ids are not reused by a live database's sequences, but a database that is rebuilt (the
    test suite, a restored backup) can hand an erased id to a new account within the hour;
    that account's events must keep its id.
    """
    if not created or instance.pk is None:
        return
    try:
        cache.delete(_note_key(int(instance.pk)))
    except Exception:  # noqa: BLE001 - at worst the new account's first events lose the id
        logger.warning("analytics: could not clear an erased-account note")


def strip_deleted_accounts(rows: Sequence[dict[str, Any]]) -> None:
    """Null the ids of accounts deleted while their events were buffered, in place."""
    named = {row["user_id"] for row in rows if row.get("user_id") is not None}
    if not named:
        return
    try:
        noted = cache.get_many([_note_key(user_id) for user_id in named])
    except Exception:  # noqa: BLE001 - a cache outage must not lose the batch
        return
    pseudonyms = {user_id: new_pseudonym() for user_id in named if _note_key(user_id) in noted}
    for row in rows:
        if row.get("user_id") in pseudonyms:
            if not row.get("visitor"):
                row["visitor"] = pseudonyms[row["user_id"]]
            row["user_id"] = None
