"""Which arm a reader is on: stored at first meeting, inherited by the account, never moved.

``arm_for`` is access's ``PAYWALL_EXPERIMENT_ARMS`` port. The running experiment is read
at most every ``_TTL_SECONDS`` per process (at once after an experiment is saved); a
reader's exposure is looked up once and then remembered by the process, since it cannot
change for the experiment's life. Counters (checks, reads, walls) are added up in memory
and written in batches, so an access check under an experiment costs a dictionary look-up
and, for a reader met for the first time, one insert.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
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
_known: dict[tuple[int, str, object], tuple[int, int]] = {}


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
    """Return the reader's arm in the running experiment (stored on first meeting), or None.

    A logged-in reader keeps the arm of their account; an account without one takes the
    visitor's (the visitor who made it), else a new exposure is made from the visitor.
    """
    running = load_running(now)
    if running is None:
        return None
    _, arm_id = _exposure(running, user_id, visitor, now)
    arm = running.arm_named(arm_id)
    arm_policy = dataclasses.replace(policy, **arm.overrides) if arm.overrides else policy
    return ArmChoice(running.experiment_id, running.name, arm.name, arm_policy)


def _exposure(
    running: Running, user_id: int | None, visitor: str, now: dt.datetime
) -> tuple[int, int]:
    exp = running.experiment_id
    if user_id is not None:
        known = _known.get((exp, "u", user_id))
        if known is not None:
            return known
        row = Exposure.objects.filter(experiment_id=exp, user_id=user_id).order_by("pk").first()
        if row is not None:
            return _remember(exp, "u", user_id, (row.pk, row.arm_id))
    vkey = visitor_key(visitor, running.key)
    known = _known.get((exp, "v", vkey))
    if known is None:
        found = (
            Exposure.objects.filter(experiment_id=exp, visitor_key=vkey)
            .values_list("pk", "arm_id", "user_id")
            .first()
        )
        if found is None:
            known = _create(running, vkey, now)
        elif user_id is not None and found[2] not in (None, user_id):
            # This browser's visitor met the experiment under another account: this
            # account gets an exposure of its own, from its own hash, and the visitor's
            # stays with the other account.
            mine = _create(running, visitor_key(f"user:{user_id}", running.key), now)
            Exposure.objects.filter(pk=mine[0], user__isnull=True).update(user_id=user_id)
            return _remember(exp, "u", user_id, mine)
        else:
            known = (found[0], found[1])
        _remember(exp, "v", vkey, known)
    if user_id is not None:
        Exposure.objects.filter(pk=known[0], user__isnull=True).update(user_id=user_id)
        _remember(exp, "u", user_id, known)
    return known


def _create(running: Running, vkey: str, now: dt.datetime) -> tuple[int, int]:
    arm = running.arm_at(hash_unit(vkey, running.key[:64]))
    try:
        with transaction.atomic():
            row = Exposure.objects.create(
                experiment_id=running.experiment_id,
                arm_id=arm.arm_id,
                visitor_key=vkey,
                first_seen_at=now,
                last_seen_at=now,
            )
        return row.pk, arm.arm_id
    except IntegrityError:  # another check made it first: use theirs
        pk, arm_id = Exposure.objects.filter(
            experiment_id=running.experiment_id, visitor_key=vkey
        ).values_list("pk", "arm_id")[0]
        return pk, arm_id


def _remember(exp: int, kind: str, ident: object, value: tuple[int, int]) -> tuple[int, int]:
    with _lock:
        if len(_known) >= _MAX_REMEMBERED:
            _known.clear()
        _known[(exp, kind, ident)] = value
    return value


def exposure_for(
    user_id: int | None, visitor: str | None, now: dt.datetime
) -> tuple[int, int, str] | None:
    """Return the reader's exposure in the running experiment as (id, experiment id, arm).

    Never makes one: a reader the experiment has not met is None.
    """
    running = load_running(now)
    if running is None:
        return None
    exp = running.experiment_id
    known: tuple[int, int] | None = None
    if user_id is not None:
        known = _known.get((exp, "u", user_id))
        if known is None:
            row = (
                Exposure.objects.filter(experiment_id=exp, user_id=user_id)
                .values_list("pk", "arm_id")
                .first()
            )
            known = _remember(exp, "u", user_id, row) if row is not None else None
    if known is None and visitor:
        vkey = visitor_key(visitor, running.key)
        known = _known.get((exp, "v", vkey))
        if known is None:
            row = (
                Exposure.objects.filter(experiment_id=exp, visitor_key=vkey)
                .values_list("pk", "arm_id")
                .first()
            )
            known = _remember(exp, "v", vkey, row) if row is not None else None
    if known is None:
        return None
    try:
        return known[0], exp, running.arm_named(known[1]).name
    except LookupError:
        return None


def link_account(user_id: int, visitor: str | None, now: dt.datetime) -> None:
    """Give account ``user_id`` the visitor's exposure, unless the account has one already.

    Called at login (registration logs the new account in): the reader who registered
    stays on the arm their visitor had, so the conversion is credited where it happened.
    """
    running = load_running(now)
    if running is None or not visitor:
        return
    exp = running.experiment_id
    if Exposure.objects.filter(experiment_id=exp, user_id=user_id).exists():
        return
    vkey = visitor_key(visitor, running.key)
    Exposure.objects.filter(experiment_id=exp, visitor_key=vkey, user__isnull=True).update(
        user_id=user_id
    )
    with _lock:
        _known.pop((exp, "u", user_id), None)


# Counter deltas waiting to be written: exposure id -> [checks, reads, walls], last seen.
_pending: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
_pending_seen: dict[int, dt.datetime] = {}
_pending_section: dict[int, str] = {}
_pending_since = time.monotonic()


def count(
    exposure_id: int, *, checks: int, reads: int, walls: int, section: str, at: dt.datetime
) -> None:
    """Add to an exposure's counters; written in batches (``flush_counts``)."""
    global _pending_since
    with _lock:
        if not _pending:
            _pending_since = time.monotonic()
        deltas = _pending[exposure_id]
        deltas[0] += checks
        deltas[1] += reads
        deltas[2] += walls
        _pending_seen[exposure_id] = at
        if section:
            _pending_section.setdefault(exposure_id, section)
        due = (
            bool(getattr(settings, "ANALYTICS_SYNC", False))
            or len(_pending) >= int(getattr(settings, "EXPERIMENTS_BATCH_SIZE", 200))
            or time.monotonic() - _pending_since > 5.0
        )
    if due:
        flush_counts()


def flush_counts() -> int:
    """Write the pending counters; return how many exposures were updated. Never raises."""
    with _lock:
        taken = dict(_pending)
        seen = dict(_pending_seen)
        sections = dict(_pending_section)
        _pending.clear()
        _pending_seen.clear()
        _pending_section.clear()
    for exposure_id, (checks, reads, walls) in taken.items():
        try:
            Exposure.objects.filter(pk=exposure_id).update(
                checks=F("checks") + checks,
                reads=F("reads") + reads,
                walls=F("walls") + walls,
                last_seen_at=seen[exposure_id],
                # The first section read is a trait fixed before any wall (what-if's
                # covariate): written once, never moved.
                first_section=Case(
                    When(first_section="", then=Value(sections.get(exposure_id, "")[:64])),
                    default=F("first_section"),
                ),
            )
        except Exception:
            logger.warning("experiment_counts_lost exposure=%s", exposure_id, exc_info=True)
    return len(taken)
