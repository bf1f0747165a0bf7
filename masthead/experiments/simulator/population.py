"""The reader model: a population whose every reader has known, hidden parameters.

The simulator and its tests know the ground truth the statistics try to recover: how
often each reader comes (habit), what they read (interest by section), how they answer a
registration wall and a subscription wall, how price-sensitive they are, and how likely a
wall they do not answer drives them away for good. Every reader starts anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from masthead.access import FREE, METERED, REGISTERED, SUBSCRIBER

SECTIONS: tuple[str, ...] = ("news", "politics", "business", "sport", "culture", "opinion")
LEVEL_ORDER: tuple[str, ...] = (FREE, METERED, REGISTERED, SUBSCRIBER)

#: The share of each section's stories at each level (free, metered, registered,
#: subscriber): most stories are metered, politics and business hold the premium ones.
LEVEL_MIX: dict[str, tuple[float, float, float, float]] = {
    "news": (0.20, 0.70, 0.05, 0.05),
    "politics": (0.05, 0.70, 0.10, 0.15),
    "business": (0.05, 0.65, 0.10, 0.20),
    "sport": (0.25, 0.65, 0.05, 0.05),
    "culture": (0.15, 0.70, 0.10, 0.05),
    "opinion": (0.10, 0.75, 0.05, 0.10),
}

#: A story's age when read, in hours: news is read fresh (geometric, mean about 8 h).
AGE_HOURS_P = 0.12
MAX_AGE_HOURS = 71
#: Chance that a visit goes back to the reader's previous story instead of a new one.
REREAD_RATE = 0.08


@dataclass(frozen=True)
class PopulationSpec:
    """The knobs of the reader model (defaults give a regional daily's audience)."""

    readers: int
    habit_median: float = 0.35  # visits per day of the median reader
    habit_sigma: float = 1.0  # lognormal spread: a few readers come many times a day
    habit_cap: float = 8.0
    shared_network_share: float = 0.15  # readers behind an office or campus network
    readers_per_shared_network: int = 150
    #: False builds a population without differences between readers (every hidden
    #: parameter at its median), for checking that nothing claims gains it cannot have.
    heterogeneous: bool = True


@dataclass
class Population:
    """The hidden ground truth, one entry per reader (arrays of length ``size``)."""

    visitor_ids: list[str]
    habit: NDArray[np.float64]
    interest_cdf: NDArray[np.float64]  # (readers, sections): cumulative interest
    price_sensitivity: NDArray[np.float64]
    registration_propensity: NDArray[np.float64]  # chance to register per registration wall
    subscription_propensity: NDArray[np.float64]  # chance to subscribe per subscription wall
    wall_aversion: NDArray[np.float64]  # chance to leave for good after an unanswered wall
    network: NDArray[np.int64]

    @property
    def size(self) -> int:
        """Return the number of readers."""
        return len(self.visitor_ids)


def _sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-x))
    return result


def build_population(spec: PopulationSpec, rng: np.random.Generator, label: str) -> Population:
    """Return a population drawn from ``spec`` with ``rng``; ``label`` prefixes visitor ids.

    Engaged readers (high habit) answer walls more often and leave less often; price
    sensitivity lowers the subscription propensity only, so the two walls draw different
    readers. Each reader also carries idiosyncratic noise on each propensity.
    """
    n = spec.readers
    if n <= 0:
        raise ValueError("a population needs at least one reader")
    sections = len(SECTIONS)
    if spec.heterogeneous:
        habit = np.minimum(
            rng.lognormal(np.log(spec.habit_median), spec.habit_sigma, n), spec.habit_cap
        )
        interest = rng.dirichlet(np.full(sections, 0.6), n)
        price = rng.beta(2.0, 2.0, n)
        noise = rng.normal(0.0, 0.5, (3, n))
    else:
        habit = np.full(n, spec.habit_median)
        interest = np.full((n, sections), 1.0 / sections)
        price = np.full(n, 0.5)
        noise = np.zeros((3, n))
    engagement = (np.log(habit) - np.log(spec.habit_median)) / spec.habit_sigma
    registration = _sigmoid(-2.8 + 0.6 * engagement + noise[0])
    subscription = _sigmoid(-4.8 + 0.7 * engagement - 3.0 * (price - 0.5) + noise[1])
    aversion = _sigmoid(-2.0 - 0.5 * engagement + noise[2])
    network = np.arange(n, dtype=np.int64)
    shared = rng.random(n) < spec.shared_network_share
    groups = max(1, int(shared.sum()) // max(spec.readers_per_shared_network, 1))
    network[shared] = n + rng.integers(0, groups, int(shared.sum()))
    cdf = np.cumsum(interest, axis=1)
    cdf[:, -1] = 1.0  # so a uniform draw always lands in some section
    return Population(
        visitor_ids=[f"{label}-{i}" for i in range(n)],
        habit=habit,
        interest_cdf=cdf,
        price_sensitivity=price,
        registration_propensity=registration,
        subscription_propensity=subscription,
        wall_aversion=aversion,
        network=network,
    )
