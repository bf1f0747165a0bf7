"""The paywall funnel as plain arithmetic: counts in, conversion rates out (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FUNNEL_LABELS = (
    "Anonymous readers",
    "Saw the registration wall",
    "Registered",
    "Saw the subscription wall",
    "Subscribed",
)


@dataclass(frozen=True)
class FunnelStep:
    """One step: how many people reached it, and what share of the step before and the first.

    A rate is None when the step it is measured against has no one in it.
    """

    label: str
    count: int
    rate_from_previous: float | None
    rate_from_start: float | None


def share(part: int, whole: int) -> float | None:
    """Return ``part / whole``, or None when ``whole`` is zero."""
    return part / whole if whole else None


def funnel_steps(counts: Sequence[int], labels: Sequence[str] = FUNNEL_LABELS) -> list[FunnelStep]:
    """Return the funnel's steps with conversion rates; the first step has no previous rate."""
    if len(counts) != len(labels):
        raise ValueError(f"expected {len(labels)} counts, got {len(counts)}")
    steps = []
    for index, (label, count) in enumerate(zip(labels, counts, strict=True)):
        previous = share(count, counts[index - 1]) if index else None
        steps.append(FunnelStep(label, count, previous, share(count, counts[0])))
    return steps


NO_RATE = "\N{EN DASH}"


def as_percent(rate: float | None) -> str:
    """Return ``rate`` as a percentage with one decimal, or ``NO_RATE`` when it is None."""
    return NO_RATE if rate is None else f"{rate * 100:.1f}%"
