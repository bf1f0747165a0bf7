"""Reading an experiment: per-arm figures per reader, always-valid differences, SRM, MDE.

Everything is computed from the exposure and outcome tables, so the page reads the same
however long ago the raw events were pruned. ``read_counts`` is the pure part (counts in,
figures out) that the tests check against hand-computed cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from masthead.experiments import stats
from masthead.experiments.models import Experiment, Exposure, Outcome
from masthead.experiments.overrides import describe

ALPHA = 0.05
POWER = 0.8


@dataclass(frozen=True)
class ArmCounts:
    """What one arm's readers did, summed."""

    name: str
    share: float  # 0..1
    overrides: str
    readers: int
    reads: int
    walls: int
    registrations: int
    subscriptions: int
    revenue_minor: int

    def per_reader(self, total: int) -> float:
        """Return ``total`` divided by the arm's readers (0 with no readers)."""
        return total / self.readers if self.readers else 0.0


@dataclass(frozen=True)
class Difference:
    """One arm against the first: a rate's difference with its always-valid interval."""

    metric: str
    arm: str
    control_rate: float
    arm_rate: float
    difference: float
    low: float
    high: float
    p_value: float

    @property
    def is_clear(self) -> bool:
        """Return True when the interval excludes zero."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Reading:
    """The whole page's figures."""

    arms: tuple[ArmCounts, ...]
    differences: tuple[Difference, ...]
    srm: stats.SrmResult | None
    mde: float | None  # registration rate, first arm against the smallest other arm
    tau: float
    currency: str


def tau_for(experiment: Experiment) -> float:
    """Return the mixing standard deviation fixed by the experiment's plan (never the data)."""
    base = experiment.planned_baseline
    variance = 2 * base * (1 - base) / max(experiment.planned_readers_per_arm, 1)
    return stats.mixing_sd_for_horizon(variance, ALPHA)


def read_counts(
    arms: list[ArmCounts], *, tau: float, baseline: float, currency: str = ""
) -> Reading:
    """Return the figures for arms' counts; the first arm is the one compared against."""
    differences: list[Difference] = []
    control = arms[0] if arms else None
    if control is not None:
        for arm in arms[1:]:
            for metric, a, b in (
                ("registration", control.registrations, arm.registrations),
                ("subscription", control.subscriptions, arm.subscriptions),
            ):
                if control.readers == 0 or arm.readers == 0:
                    continue
                result = stats.msprt(
                    stats.ArmCounts(control.readers, a),
                    stats.ArmCounts(arm.readers, b),
                    tau=tau,
                    alpha=ALPHA,
                )
                differences.append(
                    Difference(
                        metric,
                        arm.name,
                        a / control.readers,
                        b / arm.readers,
                        result.difference,
                        result.interval.low,
                        result.interval.high,
                        result.p_value,
                    )
                )
    srm = None
    if len(arms) > 1 and sum(arm.readers for arm in arms) > 0:
        srm = stats.srm_test([arm.readers for arm in arms], [arm.share for arm in arms])
    mde = None
    if control is not None and len(arms) > 1:
        smallest = min(arm.readers for arm in arms[1:])
        if control.readers > 0 and smallest > 0:
            rate = control.registrations / control.readers or baseline
            found = stats.mde_always_valid(
                control.readers,
                smallest,
                min(max(rate, 1e-4), 0.999),
                tau=tau,
                alpha=ALPHA,
                power=POWER,
            )
            mde = found if math.isfinite(found) else None
    return Reading(tuple(arms), tuple(differences), srm, mde, tau, currency)


def arm_counts(experiment: Experiment) -> tuple[list[ArmCounts], str]:
    """Return each arm's summed counts from the tables, and the revenue's currency."""
    per_arm = {
        row["arm_id"]: row
        for row in Exposure.objects.filter(experiment=experiment)
        .values("arm_id")
        .annotate(readers=Count("pk"), reads=Sum("reads"), walls=Sum("walls"))
    }
    converted = {
        row["exposure__arm_id"]: row
        for row in Outcome.objects.filter(exposure__experiment=experiment)
        .values("exposure__arm_id")
        .annotate(
            registrations=Count(
                "exposure", filter=Q(kind=Outcome.Kind.REGISTRATION), distinct=True
            ),
            subscriptions=Count(
                "exposure", filter=Q(kind=Outcome.Kind.SUBSCRIPTION), distinct=True
            ),
            revenue=Sum("revenue_minor", filter=Q(kind=Outcome.Kind.SUBSCRIPTION)),
        )
    }
    currency = (
        Outcome.objects.filter(exposure__experiment=experiment)
        .exclude(currency="")
        .values_list("currency", flat=True)
        .first()
        or ""
    )
    found = []
    for arm in experiment.arms.all():
        seen = per_arm.get(arm.pk, {})
        won = converted.get(arm.pk, {})
        found.append(
            ArmCounts(
                name=arm.name,
                share=float(arm.share) / 100,
                overrides=describe(arm.overrides),
                readers=int(seen.get("readers") or 0),
                reads=int(seen.get("reads") or 0),
                walls=int(seen.get("walls") or 0),
                registrations=int(won.get("registrations") or 0),
                subscriptions=int(won.get("subscriptions") or 0),
                revenue_minor=int(won.get("revenue") or 0),
            )
        )
    return found, currency


def read_experiment(experiment: Experiment) -> Reading:
    """Return the experiment's figures as they stand."""
    arms, currency = arm_counts(experiment)
    return read_counts(
        arms, tau=tau_for(experiment), baseline=experiment.planned_baseline, currency=currency
    )
