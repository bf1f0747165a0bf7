"""The demo's experiment: five free stories against three, running on the demo traffic.

``running_experiment`` makes it once (or returns whichever experiment runs now); the demo
traffic (``traffic.py``) splits its readers between the arms with the experiment's own
keyed hash, meters each arm with its own allowance, and ``store_exposures`` writes what
they did to the experiment's tables, so the experiments page shows a running experiment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from masthead.experiments.assignment import visitor_key
from masthead.experiments.models import Arm, Experiment, Exposure, Outcome
from masthead.experiments.overrides import clean_overrides
from masthead.experiments.simulator.arms import hash_unit

NAME = "Five free stories"
ARMS: tuple[tuple[str, int, dict[str, object]], ...] = (
    ("control", 50, {}),
    ("five-free", 50, {"anonymous_allowance": 5}),
)
DAYS_BEFORE = 28
DAYS_AFTER = 14
DEMO_HASH_KEY = "masthead-demo-experiment-20261204"


def running_experiment(now: dt.datetime | None = None) -> Experiment:
    """Return the experiment running now, making the demo's one when none runs."""
    now = now or timezone.now()
    found = Experiment.objects.filter(
        stopped_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).first()
    if found is not None:
        return found
    with transaction.atomic():
        made = Experiment.objects.create(
            name=NAME
            if not Experiment.objects.filter(name=NAME).exists()
            else f"{NAME} {now:%Y%m%d%H%M}",
            description="Does a more generous meter for anonymous readers bring more "
            "registrations? (Demo traffic.)",
            starts_at=now - dt.timedelta(days=DAYS_BEFORE),
            ends_at=now + dt.timedelta(days=DAYS_AFTER),
            planned_readers_per_arm=2000,
            planned_baseline=0.05,
            # A fixed key keeps the demo's traffic the same on every machine; a real
            # experiment's key is random and secret.
            hash_key=DEMO_HASH_KEY,
        )
        for position, (name, share, overrides) in enumerate(ARMS):
            Arm.objects.create(
                experiment=made, name=name, share=share, overrides=overrides, position=position
            )
    return made


@dataclass
class Tally:
    """What one demo reader did under their arm."""

    arm: Arm
    visitor: str
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    first_section: str = ""
    checks: int = 0
    reads: int = 0
    walls: int = 0
    outcomes: list[tuple[str, dt.datetime, str]] = field(default_factory=list)

    def saw(self, at: dt.datetime, section: str) -> None:
        """Note a visit at ``at`` to ``section``."""
        if self.first_seen is None:
            self.first_seen, self.first_section = at, section
        self.last_seen = at


class DemoArms:
    """The demo experiment's arms as the demo traffic needs them."""

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.key = experiment.hash_key.encode()
        self.arms = list(experiment.arms.all())
        total = sum(float(arm.share) for arm in self.arms)
        edges, edge = [], 0.0
        for arm in self.arms:
            edge += float(arm.share) / total
            edges.append(edge)
        self.edges = edges

    def arm_for(self, visitor: str) -> Arm:
        """Return the arm the site's own assignment would give ``visitor``."""
        unit = hash_unit(visitor_key(visitor, self.key), self.key[:64])
        for arm, edge in zip(self.arms, self.edges, strict=True):
            if unit < edge:
                return arm
        return self.arms[-1]

    def allowance(self, arm: Arm, default: int) -> int:
        """Return the anonymous allowance under ``arm``."""
        value = clean_overrides(arm.overrides).get("anonymous_allowance", default)
        return int(value) if isinstance(value, int) else default


def store_exposures(
    experiment: Experiment, tallies: Iterable[Tally], plans: dict[str, tuple[int, str]]
) -> int:
    """Write the readers who met the experiment and their conversions; return how many."""
    made = 0
    known = set(
        Exposure.objects.filter(experiment=experiment).values_list("visitor_key", flat=True)
    )
    for tally in tallies:
        key = visitor_key(tally.visitor, experiment.hash_key.encode())
        if tally.first_seen is None or tally.last_seen is None or key in known:
            continue
        exposure = Exposure.objects.create(
            experiment=experiment,
            arm=tally.arm,
            visitor_key=key,
            first_section=tally.first_section[:64],
            first_seen_at=tally.first_seen,
            last_seen_at=tally.last_seen,
            checks=tally.checks,
            reads=tally.reads,
            walls=tally.walls,
        )
        made += 1
        for kind, at, plan in tally.outcomes:
            revenue, currency = plans.get(plan, (None, ""))
            Outcome.objects.create(
                exposure=exposure,
                kind=kind,
                at=at,
                plan=plan,
                revenue_minor=revenue if kind == Outcome.Kind.SUBSCRIPTION else None,
                currency=currency if kind == Outcome.Kind.SUBSCRIPTION else "",
            )
    return made
