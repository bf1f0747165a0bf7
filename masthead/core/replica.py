"""Reads from a PostgreSQL streaming replica, only where a view asks and only for what it names.

With ``MASTHEAD_REPLICA_DATABASE_URL`` set, ``DATABASES["replica"]`` is a hot standby of
the primary and ``ReplicaRouter`` is installed. The router sends nothing to the replica by
itself: a view opts in with ``replica_view(labels)`` (or ``reads_from_replica``), and
then only reads of the models named by ``labels`` go there, only outside a transaction.
Everything else — writes, the meter, sessions, accounts, billing, gifts, events, the
access check, and any read a view did not opt into — goes to the primary.

A replica lags. The opted-in view itself checks, against the primary, that what it read
from the replica is as new as the primary's copy, and raises ``ReplicaBehind`` when it is
not; ``replica_view`` then runs the view again on the primary alone. A replica that fails
(down, a query cancelled by recovery) is handled the same way: the answer comes from the
primary, never an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

# The model labels ("newsroom.Article") the current view may read from the replica.
_scope: ContextVar[frozenset[str]] = ContextVar("masthead_replica_scope", default=frozenset())

View = Callable[..., HttpResponse]


class ReplicaBehind(Exception):
    """The replica's copy of something a view read is older than the primary's."""


def configured() -> bool:
    """True when settings define the replica database."""
    return REPLICA in settings.DATABASES


def in_use() -> bool:
    """True while the current code runs inside a scope that reads from the replica."""
    return bool(_scope.get()) and configured()


@contextmanager
def reads_from_replica(labels: Iterable[str]) -> Iterator[None]:
    """Within the block, reads of the models named by ``labels`` go to the replica.

    The scope is a context variable: it covers this thread or task only, so a request
    that opted in never changes where another request's reads go.
    """
    token = _scope.set(frozenset(labels))
    try:
        yield
    finally:
        _scope.reset(token)


@contextmanager
def primary_only() -> Iterator[None]:
    """Within the block every read goes to the primary, even inside a replica scope.

    For the reads that decide what is gated (an article's level, liveness, paywall cut):
    under replication lag they must never come from the replica.
    """
    with reads_from_replica(()):
        yield


def replica_view(labels: Iterable[str]) -> Callable[[View], View]:
    """Decorate a read-only view so that reads of ``labels`` come from the replica.

    The view must raise ``ReplicaBehind`` when a check against the primary finds the
    replica's copy out of date; it is then run again on the primary, as it is after a
    database error or a 404 (which the replica's lag may cause). Without a replica
    configured the view runs as it is.
    """
    chosen = frozenset(labels)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not configured():
                return view(request, *args, **kwargs)
            try:
                with reads_from_replica(chosen):
                    return view(request, *args, **kwargs)
            except ReplicaBehind:
                logger.info("replica_behind", extra={"path": request.path})
            except Http404:
                # Perhaps only not there *yet* (an author or section created a moment ago):
                # the primary decides what does not exist.
                pass
            except DatabaseError:
                # Fail over to the primary: a replica is an optimisation, never a need.
                logger.warning("replica_unavailable", exc_info=True)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: the replica for opted-in reads, the primary for the rest."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        """The replica for a model the current scope names, outside a transaction."""
        labels = _scope.get()
        if (
            labels
            and model._meta.label in labels
            and configured()
            # Inside a transaction the caller must see its own writes: the primary.
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        # Explicitly the primary, not None: Django would otherwise follow an instance
        # loaded from the replica (its related rows) to the replica outside any scope.
        return PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        """Always the primary (the replica is read-only)."""
        return PRIMARY

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool | None:
        """Rows of either database may be related: they are copies of one database."""
        if {first._state.db, second._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        """Never migrate the replica: it receives the primary's schema by replication."""
        return False if db == REPLICA else None
