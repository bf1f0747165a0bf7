"""Which arm a reader is on: stored at first meeting, inherited by the account, never moved.

``arm_for`` is access's ``PAYWALL_EXPERIMENT_ARMS`` port. The running experiment is read
at most every ``_TTL_SECONDS`` per process (at once after an experiment is saved).

A visitor's arm is the keyed hash of their visitor id over the arms' shares, which the
admin does not let change while the experiment runs: it is a pure function of the
visitor, so an anonymous check needs no database at all. The exposure row that stores it
(with the reader's counters) is written in batches, one upsert per batch
(``flush_counts``). A logged-in reader's arm is the one stored for their account, looked
up once per process and remembered; an account without one takes its visitor's, and the
login that follows a registration writes that link at once (``link_account``), so the
registration is credited to the arm the reader had.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from masthead.access import ArmChoice, Policy, ReaderFacts
from masthead.experiments.models import Arm, Experiment, Exposure
from masthead.experiments.overrides import clean_overrides
from masthead.experiments.simulator.arms import hash_unit

logger = logging.getLogger(__name__)

_TTL_SECONDS = 10.0
_MAX_REMEMBERED = 200_000
_lock = threading.Lock()


@dataclass(frozen=True)
class LoadedArm:
    """An arm as the hot path needs it: its name, id, upper hash edge and overrides."""

    arm_id: int
    name: str
    edge: float
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Running:
    """The running experiment, loaded once: its id, name, key and arms."""

    experiment_id: int
    name: str
    key: bytes
    ends_at: dt.datetime
    arms: tuple[LoadedArm, ...]

    def arm_at(self, unit: float) -> LoadedArm:
        """Return the arm whose cumulative share covers ``unit`` (in [0, 1))."""
        for arm in self.arms:
            if unit < arm.edge:
                return arm
        return self.arms[-1]

    def arm_named(self, arm_id: int) -> LoadedArm:
        """Return the arm with id ``arm_id``; ``LookupError`` when there is none."""
        for arm in self.arms:
            if arm.arm_id == arm_id:
                return arm
        raise LookupError(arm_id)


# (expires at, running experiment or None), and what the process knows of readers:
# ("v", visitor key) or ("u", user id) -> (exposure id, arm id), per experiment.
_cached: tuple[float, Running | None] | None = None
# (experiment id, user id) -> (visitor key of the account's exposure, arm id).
_known: dict[tuple[int, int], tuple[str, int]] = {}


def forget() -> None:
    """Drop the cached experiment and the remembered readers (tests, saves)."""
    global _cached
    with _lock:
        _cached = None
        _known.clear()


@receiver(post_save, sender=Experiment)
@receiver(post_save, sender=Arm)
@receiver(post_delete, sender=Experiment)
@receiver(post_delete, sender=Arm)
def _experiment_changed(**kwargs: Any) -> None:
    forget()


def load_running(now: dt.datetime) -> Running | None:
    """Return the experiment running at ``now``, checked and ready; errors propagate."""
    global _cached
    clock = time.monotonic()
    cached = _cached
    if cached is not None and cached[0] > clock:
        running = cached[1]
        if running is None or now < running.ends_at:
            return running
    found = (
        Experiment.objects.filter(stopped_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    running = _loaded(found) if found is not None else None
    with _lock:
        _cached = (clock + _TTL_SECONDS, running)
    return running


def _loaded(experiment: Experiment) -> Running:
    arms = list(experiment.arms.all())
    if not arms:
        raise ValueError(f"experiment {experiment.pk} has no arms")
    total = sum(float(arm.share) for arm in arms)
    if abs(total - 100.0) > 1e-6:
        raise ValueError(f"experiment {experiment.pk}: shares add up to {total}, not 100")
    edge = 0.0
    loaded = []
    for arm in arms:
        edge += float(arm.share) / total
        loaded.append(LoadedArm(arm.pk, arm.name, edge, clean_overrides(arm.overrides)))
    return Running(
        experiment.pk,
        experiment.name,
        experiment.hash_key.encode(),
        experiment.ends_at,
        tuple(loaded),
    )


def visitor_key(visitor: str, key: bytes) -> str:
    """Return the stored form of a visitor id: its keyed hash, never the id."""
    return hashlib.blake2b(visitor.encode(), key=key[:64], digest_size=16).hexdigest()


def arm_for(
    user_id: int | None, visitor: str, reader: ReaderFacts, policy: Policy, now: dt.datetime
) -> ArmChoice | None:
    """Return the reader's arm in the running experiment, or None when none runs.

    A logged-in reader keeps the arm of their account; an account without one takes the
    visitor's (the visitor who made it). Nothing is written here: the check's event adds
    the reader to the exposure's batch (``count``).
    """
    running = load_running(now)
    if running is None:
        return None
    _, arm_id = placement(running, user_id, visitor)
    arm = running.arm_named(arm_id)
    arm_policy = dataclasses.replace(policy, **arm.overrides) if arm.overrides else policy
    return ArmChoice(running.experiment_id, running.name, arm.name, arm_policy)


def _hashed(running: Running, vkey: str) -> int:
    return running.arm_at(hash_unit(vkey, running.key[:64])).arm_id


def placement(running: Running, user_id: int | None, visitor: str | None) -> tuple[str, int]:
    """Return the reader's exposure key (keyed hash of a visitor id) and arm id.

    Raise ``LookupError`` for a reader with neither account nor visitor.
    """
    exp = running.experiment_id
    if user_id is None:
        if not visitor:
            raise LookupError("no reader")
        vkey = visitor_key(visitor, running.key)
        return vkey, _hashed(running, vkey)
    known = _known.get((exp, user_id))
    if known is not None:
        return known
    row = (
        Exposure.objects.filter(experiment_id=exp, user_id=user_id)
        .order_by("pk")
        .values_list("visitor_key", "arm_id")
        .first()
    )
    if row is None:
        vkey = visitor_key(visitor or f"user:{user_id}", running.key)
        owner = (
            Exposure.objects.filter(experiment_id=exp, visitor_key=vkey)
            .values_list("user_id", flat=True)
            .first()
        )
        if owner is not None and owner != user_id:
            # This browser's visitor met the experiment under another account: this
            # account gets an exposure of its own, from its own hash.
            vkey = visitor_key(f"user:{user_id}", running.key)
        row = (vkey, _hashed(running, vkey))
    return _remember(exp, user_id, (str(row[0]), int(row[1])))


def _remember(exp: int, user_id: int, value: tuple[str, int]) -> tuple[str, int]:
    with _lock:
        if len(_known) >= _MAX_REMEMBERED:
            _known.clear()
        _known[(exp, user_id)] = value
    return value


def exposure_for(
    user_id: int | None, visitor: str | None, now: dt.datetime
) -> tuple[Running, str, int] | None:
    """Return the running experiment and the reader's exposure key and arm id, or None."""
    running = load_running(now)
    if running is None or (user_id is None and not visitor):
        return None
    vkey, arm_id = placement(running, user_id, visitor)
    return running, vkey, arm_id


def link_account(user_id: int, visitor: str | None, now: dt.datetime) -> None:
    """Give account ``user_id`` the visitor's exposure, unless the account has one already.

    Called at login (registration logs the new account in): the reader who registered
    stays on the arm their visitor had, and the row is written now, so the registration
    event that follows finds it.
    """
    running = load_running(now)
    if running is None or not visitor:
        return
    with _lock:
        _known.pop((running.experiment_id, user_id), None)
    vkey, arm_id = placement(running, user_id, visitor)
    _upsert([_Pending(running.experiment_id, vkey, arm_id, user_id, "", now, now)])
    _remember(running.experiment_id, user_id, (vkey, arm_id))


@dataclass
class _Pending:
    """One exposure's counters waiting to be written."""

    experiment_id: int
    visitor_key: str
    arm_id: int
    user_id: int | None
    first_section: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    checks: int = 0
    reads: int = 0
    walls: int = 0


_pending: dict[tuple[int, str], _Pending] = {}
_pending_since = time.monotonic()


def count(
    met: tuple[Running, str, int],
    user_id: int | None,
    *,
    checks: int,
    reads: int,
    walls: int,
    section: str,
    at: dt.datetime,
) -> None:
    """Add to an exposure's counters (making it if new); written in batches."""
    global _pending_since
    running, vkey, arm_id = met
    with _lock:
        if not _pending:
            _pending_since = time.monotonic()
        key = (running.experiment_id, vkey)
        row = _pending.get(key)
        if row is None:
            row = _pending[key] = _Pending(
                running.experiment_id, vkey, arm_id, user_id, section[:64], at, at
            )
        row.checks += checks
        row.reads += reads
        row.walls += walls
        row.last_seen = max(row.last_seen, at)
        row.user_id = row.user_id or user_id
        row.first_section = row.first_section or section[:64]
        due = (
            bool(getattr(settings, "ANALYTICS_SYNC", False))
            or len(_pending) >= int(getattr(settings, "EXPERIMENTS_BATCH_SIZE", 200))
            or time.monotonic() - _pending_since > 5.0
        )
    if due:
        flush_counts()


def flush_counts() -> int:
    """Write the pending exposures and counters; return how many rows. Never raises."""
    with _lock:
        taken = list(_pending.values())
        _pending.clear()
    if not taken:
        return 0
    try:
        _upsert(taken)
    except Exception:
        logger.warning("experiment_counts_lost rows=%s", len(taken), exc_info=True)
    return len(taken)


def _upsert(rows: list[_Pending]) -> None:
    """Insert the exposures, or add to the stored ones: one statement per batch.

    A stored row keeps its arm, its account once set, and its first section; the counters
    add up. (``INSERT ... ON CONFLICT DO UPDATE``: PostgreSQL, and SQLite since 3.24.)
    """
    table = Exposure._meta.db_table
    params: list[Any]
    if connection.vendor == "postgresql":
        # One array per column, so the statement has ten placeholders whatever the batch
        # size. With a VALUES row per exposure (ten placeholders each), psycopg's
        # client-side binding re-parsed a 2,000-placeholder statement on every flush:
        # about 0.1 ms of CPU per exposure, in the request that happened to flush.
        source = (
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::bigint[], "
            "%s::text[], %s::timestamptz[], %s::timestamptz[], %s::bigint[], %s::bigint[], "
            "%s::bigint[])"
        )
        params = [
            [row.experiment_id for row in rows],
            [row.arm_id for row in rows],
            [row.visitor_key for row in rows],
            [row.user_id for row in rows],
            [row.first_section for row in rows],
            [row.first_seen for row in rows],
            [row.last_seen for row in rows],
            [row.checks for row in rows],
            [row.reads for row in rows],
            [row.walls for row in rows],
        ]
    else:
        adapt = connection.ops.adapt_datetimefield_value
        params = []
        for row in rows:
            params += [
                row.experiment_id,
                row.arm_id,
                row.visitor_key,
                row.user_id,
                row.first_section,
                adapt(row.first_seen),
                adapt(row.last_seen),
                row.checks,
                row.reads,
                row.walls,
            ]
        source = "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    # Only the table's name is formatted in, from the model; every value is a parameter.
    sql = (
        f"INSERT INTO {table} (experiment_id, arm_id, visitor_key, user_id, first_section, "
        "first_seen_at, last_seen_at, checks, reads, walls) "
        + source
        + " ON CONFLICT (experiment_id, visitor_key) DO UPDATE SET "
        f"checks = {table}.checks + excluded.checks, "
        f"reads = {table}.reads + excluded.reads, "
        f"walls = {table}.walls + excluded.walls, "
        f"last_seen_at = CASE WHEN excluded.last_seen_at > {table}.last_seen_at "
        f"THEN excluded.last_seen_at ELSE {table}.last_seen_at END, "
        f"user_id = COALESCE({table}.user_id, excluded.user_id), "
        f"first_section = CASE WHEN {table}.first_section = '' "
        f"THEN excluded.first_section ELSE {table}.first_section END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
