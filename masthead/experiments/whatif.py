"""What would a policy change do? Off-policy estimates from a randomised experiment's logs.

An experiment that assigned readers to arms at random, with known shares, explored the
policies of its arms. The value of one of those policies for the whole audience (say,
everyone on ``anonymous_allowance=5``) can then be estimated from the readers who happened
to get it, weighted by the inverse of the chance they had to get it:

- **IPS** (inverse propensity scoring): the mean over all readers of 1[arm = target] * Y / p.
  Unbiased; noisy, because the weights do not sum exactly to the number of readers.
- **SNIPS** (self-normalised): the same sum divided by the sum of the weights. Slightly
  biased in small samples, usually much less variable.
- **DR** (doubly robust): an outcome model's prediction for every reader plus the weighted
  residuals of the readers who got the target. The model here is the target arm's mean
  outcome per first section read (a reader trait recorded at the first visit, before any
  wall, so the arm cannot have changed it); with it DR is the post-stratified mean.

Intervals come from the bootstrap over readers (percentile). A target that no arm ran
cannot be estimated at all: the propensity is zero, so ``NotExplored`` is raised instead
of extrapolating.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from masthead.access import Policy

ESTIMATORS: tuple[str, ...] = ("ips", "snips", "dr")


class NotExplored(ValueError):
    """The logs never ran the asked-for policy, so nothing can be said about it."""


@dataclass(frozen=True)
class LoggedExperiment:
    """What the logs of a randomised experiment hold, one entry per reader.

    ``arm`` is each reader's arm index, ``shares`` the arms' configured traffic shares
    (the propensities), ``covariate`` a small non-negative integer fixed before the first
    decision, ``outcomes`` named per-reader outcomes (registered, subscribed, reads...).
    """

    base_policy: Policy
    arm_policies: tuple[Policy, ...]
    shares: tuple[float, ...]
    arm: NDArray[np.int64]
    covariate: NDArray[np.int64]
    outcomes: Mapping[str, NDArray[np.float64]]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its bootstrap interval."""

    value: float
    low: float
    high: float

    def covers(self, truth: float) -> bool:
        """Return True when ``truth`` lies in the interval."""
        return self.low <= truth <= self.high


@dataclass(frozen=True)
class WhatIf:
    """Estimated value of the target policy, of the current one, and their difference."""

    target: Policy
    baseline: Policy
    outcome: str
    target_share: float
    readers: int
    target_value: dict[str, Estimate]
    baseline_value: dict[str, Estimate]
    effect: dict[str, Estimate]


def target_policy(base: Policy, overrides: Mapping[str, object]) -> Policy:
    """Return ``base`` with ``overrides`` applied (unknown fields raise ValueError)."""
    known = {f.name for f in dataclasses.fields(Policy)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown policy setting(s): {', '.join(unknown)}")
    fields: dict[str, Any] = dict(overrides)
    return dataclasses.replace(base, **fields)


def _explored(log: LoggedExperiment, policy: Policy) -> NDArray[np.bool_]:
    return np.array([p == policy for p in log.arm_policies], np.bool_)


def _unexplored_message(log: LoggedExperiment, overrides: Mapping[str, object]) -> str:
    tried = []
    for name in sorted(overrides):
        values = sorted({repr(getattr(p, name)) for p in log.arm_policies})
        tried.append(f"{name} in {{{', '.join(values)}}}")
    asked = ", ".join(f"{k}={v!r}" for k, v in sorted(overrides.items()))
    return (
        f"the logs never explored {asked}: no arm ran that policy (the arms tried "
        f"{'; '.join(tried) or 'only the current policy'}). An estimate would be an "
        "extrapolation, so none is given; run an experiment with an arm for it."
    )


def _values(
    y: NDArray[np.float64],
    x: NDArray[np.int64],
    on: NDArray[np.bool_],
    share: float,
    weight: NDArray[np.float64],
    cells: int,
) -> NDArray[np.float64]:
    """Return IPS, SNIPS and DR values of one policy under bootstrap weights ``weight``."""
    total = weight.sum()
    ipw = weight * on / share
    ips = float((ipw * y).sum() / total)
    snips = float((ipw * y).sum() / ipw.sum()) if ipw.sum() > 0 else 0.0
    counts = np.bincount(x, weights=weight * on, minlength=cells)
    sums = np.bincount(x, weights=weight * on * y, minlength=cells)
    fitted = np.divide(sums, counts, out=np.full(cells, snips), where=counts > 0)
    model = fitted[x]
    dr = float((weight * (model + on / share * (y - model))).sum() / total)
    return np.array([ips, snips, dr])


def what_if(
    log: LoggedExperiment,
    overrides: Mapping[str, object],
    *,
    outcome: str = "registered",
    replicates: int = 400,
    level: float = 0.95,
    seed: int = 0,
) -> WhatIf:
    """Return IPS, SNIPS and DR estimates of applying ``overrides`` to the current policy.

    The effect is the target's value minus the current policy's value, both estimated
    from the same readers, so the bootstrap keeps their correlation. Raises
    ``NotExplored`` when no arm ran the target (or the current policy, which the effect
    is measured against), and KeyError for an outcome the logs do not hold.
    """
    if outcome not in log.outcomes:
        raise KeyError(f"no outcome {outcome!r}; the logs hold {', '.join(sorted(log.outcomes))}")
    target = target_policy(log.base_policy, overrides)
    on_target_arm = _explored(log, target)
    if not on_target_arm.any():
        raise NotExplored(_unexplored_message(log, overrides))
    on_base_arm = _explored(log, log.base_policy)
    if not on_base_arm.any():
        raise NotExplored("no arm ran the current policy, so there is nothing to compare with")
    shares = np.asarray(log.shares, np.float64)
    y = np.asarray(log.outcomes[outcome], np.float64)
    x = np.asarray(log.covariate, np.int64)
    cells = int(x.max(initial=0)) + 1
    on_t, on_b = on_target_arm[log.arm], on_base_arm[log.arm]
    share_t, share_b = float(shares[on_target_arm].sum()), float(shares[on_base_arm].sum())
    n = len(y)
    if n == 0:
        raise NotExplored("the logs hold no readers")
    ones = np.ones(n)
    point_t = _values(y, x, on_t, share_t, ones, cells)
    point_b = _values(y, x, on_b, share_b, ones, cells)
    rng = np.random.default_rng(seed)
    draws = np.empty((replicates, 2, len(ESTIMATORS)))
    for r in range(replicates):
        weight = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
        draws[r, 0] = _values(y, x, on_t, share_t, weight, cells)
        draws[r, 1] = _values(y, x, on_b, share_b, weight, cells)
    tail = (1.0 - level) / 2.0 * 100.0

    def interval(point: float, sample: NDArray[np.float64]) -> Estimate:
        low, high = np.percentile(sample, [tail, 100.0 - tail])
        return Estimate(point, float(low), float(high))

    return WhatIf(
        target=target,
        baseline=log.base_policy,
        outcome=outcome,
        target_share=share_t,
        readers=n,
        target_value={e: interval(point_t[i], draws[:, 0, i]) for i, e in enumerate(ESTIMATORS)},
        baseline_value={e: interval(point_b[i], draws[:, 1, i]) for i, e in enumerate(ESTIMATORS)},
        effect={
            e: interval(point_t[i] - point_b[i], draws[:, 0, i] - draws[:, 1, i])
            for i, e in enumerate(ESTIMATORS)
        },
    )
