"""Statistics for reading a paywall experiment: pure functions on counts.

The Dashboard will be looked at every day, so the headline test must stay valid under
continuous monitoring. ``msprt`` is the mixture sequential probability ratio test with a
normal mixing prior (Johari, Pekelis and Walsh, "Always valid inference", 2017): its
p-value and confidence interval may be read after every new reader without inflating the
error rate, because the mixture likelihood ratio is a non-negative martingale under the
null hypothesis and Ville's inequality bounds the chance it ever reaches ``1/alpha``.
The normal approximation to the difference of two proportions makes the guarantee
asymptotic; ``simulate_readers --verify`` measures how close it is on simulated readers.

``z_test`` is the fixed-horizon test for contrast only: valid when read once, at a sample
size fixed in advance, and badly inflated when read daily. ``srm_test`` checks the
assignment itself, ``mde_always_valid`` and ``mde_fixed_horizon`` say how large an effect
the current sample could detect.

Only the standard library is used (``statistics.NormalDist`` and ``math``); the chi-square
tail is computed here because SciPy is not a dependency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()

#: SRM alarms only on overwhelming evidence: the check runs on every look at every
#: experiment, and a false alarm stops a healthy experiment.
SRM_THRESHOLD = 0.001


@dataclass(frozen=True)
class ArmCounts:
    """Readers exposed to one arm and how many of them converted."""

    exposed: int
    converted: int

    def __post_init__(self) -> None:
        if self.exposed < 0 or not 0 <= self.converted <= self.exposed:
            raise ValueError(f"need 0 <= converted <= exposed, got {self}")

    @property
    def rate(self) -> float:
        """Return the conversion rate (0 for an arm nobody has reached yet)."""
        return self.converted / self.exposed if self.exposed else 0.0


@dataclass(frozen=True)
class Interval:
    """A closed interval for the difference ``rate(b) - rate(a)``."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        """Return True when ``value`` lies in the interval."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class TestResult:
    """One reading of a two-arm comparison of conversion rates.

    ``difference`` is ``rate(b) - rate(a)``; ``statistic`` is the mixture likelihood
    ratio for ``msprt`` and the z score for ``z_test``.
    """

    difference: float
    statistic: float
    p_value: float
    interval: Interval

    def rejects(self, alpha: float) -> bool:
        """Return True when the rates differ at level ``alpha``."""
        return self.p_value <= alpha


@dataclass(frozen=True)
class SrmResult:
    """A sample-ratio-mismatch check: chi-square goodness of fit to the shares."""

    chi_square: float
    degrees_of_freedom: int
    p_value: float
    alarm: bool


def _pooled_variance(a: ArmCounts, b: ArmCounts) -> float:
    """Variance of the difference if both arms shared one rate (the null hypothesis)."""
    pooled = (a.converted + b.converted) / (a.exposed + b.exposed)
    return pooled * (1.0 - pooled) * (1.0 / a.exposed + 1.0 / b.exposed)


def _arm_variance(arm: ArmCounts) -> float:
    # A rate of exactly 0 or 1 would claim a variance of 0 and an interval of width 0
    # after a handful of readers; half a success either way keeps the interval honest.
    rate = arm.rate
    if arm.converted in (0, arm.exposed):
        rate = (arm.converted + 0.5) / (arm.exposed + 1.0)
    return rate * (1.0 - rate) / arm.exposed


def _unpooled_variance(a: ArmCounts, b: ArmCounts) -> float:
    """Variance of the difference with each arm at its own rate (for intervals)."""
    return _arm_variance(a) + _arm_variance(b)


def mixture_boundary(variance: float, tau: float, alpha: float) -> float:
    """Return the half-width of the mSPRT confidence interval at this variance.

    The mixture likelihood ratio reaches ``1/alpha`` exactly when the estimated
    difference is this far from zero, so the same number is the rejection boundary of
    the test and the half-width of its confidence sequence.
    """
    _check_alpha(alpha)
    if tau <= 0:
        raise ValueError("the mixing prior's standard deviation tau must be positive")
    if variance <= 0:
        return 0.0
    spread = variance + tau * tau
    return math.sqrt(
        variance
        * spread
        / (tau * tau)
        * (2.0 * math.log(1.0 / alpha) + math.log(spread / variance))
    )


def log_mixture_likelihood_ratio(difference: float, variance: float, tau: float) -> float:
    """Return log Lambda, the normal-mixture likelihood ratio of ``difference``.

    Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 * d^2 / (2 V (V + tau^2))) is the
    likelihood of the estimate averaged over a N(0, tau^2) prior on the true difference,
    divided by its likelihood at zero. Computed in logs so a decisive result never
    overflows.
    """
    if variance <= 0:
        return 0.0  # nobody converted or everybody did: no evidence either way
    spread = variance + tau * tau
    return 0.5 * math.log(variance / spread) + (tau * tau * difference * difference) / (
        2.0 * variance * spread
    )


def msprt(a: ArmCounts, b: ArmCounts, *, tau: float, alpha: float = 0.05) -> TestResult:
    """Return the always-valid test of ``rate(b) == rate(a)`` at this look.

    The p-value is ``min(1, 1/Lambda)`` at this look; across looks take the running
    minimum (``sequential_readings`` does), which stays valid however often it is read.
    The likelihood ratio uses the pooled variance, the variance the null hypothesis
    implies; the interval uses each arm's own variance, since it must hold at any true
    difference. ``tau`` is the prior's standard deviation on the difference: effects
    near ``tau`` are found fastest (``mixing_sd_for_horizon`` picks one).
    """
    _check_alpha(alpha)
    if a.exposed == 0 or b.exposed == 0:
        return TestResult(0.0, 1.0, 1.0, Interval(-1.0, 1.0))
    difference = b.rate - a.rate
    log_ratio = log_mixture_likelihood_ratio(difference, _pooled_variance(a, b), tau)
    p_value = math.exp(-max(log_ratio, 0.0))
    half = mixture_boundary(_unpooled_variance(a, b), tau, alpha)
    interval = Interval(max(difference - half, -1.0), min(difference + half, 1.0))
    return TestResult(difference, math.exp(min(log_ratio, 700.0)), p_value, interval)


def sequential_readings(
    looks: Sequence[tuple[ArmCounts, ArmCounts]], *, tau: float, alpha: float = 0.05
) -> list[TestResult]:
    """Return the always-valid reading after each look, carrying the past forward.

    The p-value is the running minimum of ``1/Lambda`` and the interval the running
    intersection of intervals: both remain valid because the guarantee covers all looks
    at once. (Should the intersection ever be empty, the last interval is kept; that can
    only happen on the rare path where the guarantee has already failed.)
    """
    readings: list[TestResult] = []
    p_value, low, high = 1.0, -1.0, 1.0
    for a, b in looks:
        now = msprt(a, b, tau=tau, alpha=alpha)
        p_value = min(p_value, now.p_value)
        if max(low, now.interval.low) <= min(high, now.interval.high):
            low, high = max(low, now.interval.low), min(high, now.interval.high)
        else:
            low, high = now.interval.low, now.interval.high
        readings.append(TestResult(now.difference, now.statistic, p_value, Interval(low, high)))
    return readings


def mixing_sd_for_horizon(variance_at_horizon: float, alpha: float = 0.05) -> float:
    """Return the prior standard deviation tau that makes the interval tightest at a horizon.

    The mixture's half-width at variance V is sqrt(V) * sqrt((1 + r) / r * (2 ln(1/alpha)
    + ln(1 + r))) with r = tau^2 / V; its factor depends on r only, so the best r is found
    once (golden-section search on log r) and tau = sqrt(r * V). Tuning the prior to the
    sample the experiment expects is the usual way to spend the mixture's power where the
    decision will be made; it does not affect validity, which holds for any fixed tau.
    """
    _check_alpha(alpha)
    if variance_at_horizon <= 0:
        raise ValueError("the variance at the horizon must be positive")
    log_level = 2.0 * math.log(1.0 / alpha)

    def width(log_r: float) -> float:
        r = math.exp(log_r)
        return (1.0 + r) / r * (log_level + math.log1p(r))

    low, high = math.log(1e-3), math.log(1e4)
    golden = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(100):
        left, right = high - golden * (high - low), low + golden * (high - low)
        if width(left) < width(right):
            high = right
        else:
            low = left
    return math.sqrt(math.exp((low + high) / 2.0) * variance_at_horizon)


def z_test(a: ArmCounts, b: ArmCounts, *, alpha: float = 0.05) -> TestResult:
    """Return the fixed-horizon two-proportion z-test of ``rate(b) == rate(a)``.

    Valid only when read once at a sample size fixed in advance: reading it every day
    and stopping at the first p <= alpha is the classic way to find effects that are not
    there. Kept so the Dashboard and ``--verify`` can show that contrast.
    """
    _check_alpha(alpha)
    if a.exposed == 0 or b.exposed == 0:
        return TestResult(0.0, 0.0, 1.0, Interval(-1.0, 1.0))
    difference = b.rate - a.rate
    pooled = _pooled_variance(a, b)
    z = difference / math.sqrt(pooled) if pooled > 0 else 0.0
    p_value = 2.0 * (1.0 - _NORMAL.cdf(abs(z)))
    half = _NORMAL.inv_cdf(1.0 - alpha / 2.0) * math.sqrt(_unpooled_variance(a, b))
    interval = Interval(max(difference - half, -1.0), min(difference + half, 1.0))
    return TestResult(difference, z, p_value, interval)


def chi_square_sf(statistic: float, degrees_of_freedom: int) -> float:
    """Return P(X >= statistic) for X chi-square with ``degrees_of_freedom``.

    That is the regularised upper incomplete gamma Q(k/2, x/2), by its series below
    ``a + 1`` and by Lentz's continued fraction above (Numerical Recipes, 6.2): both
    converge fast there, and SciPy is not a dependency.
    """
    if degrees_of_freedom < 1:
        raise ValueError("a chi-square needs at least one degree of freedom")
    if statistic <= 0:
        return 1.0
    a, x = degrees_of_freedom / 2.0, statistic / 2.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        denominator = a
        for _ in range(10_000):
            denominator += 1.0
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * h)


def srm_test(
    counts: Sequence[int], shares: Sequence[float], *, threshold: float = SRM_THRESHOLD
) -> SrmResult:
    """Return the sample-ratio-mismatch check of arm sizes against configured shares.

    A mismatch means the assignment or the logging is broken (a redirect that loses
    readers, a bot filter applied to one arm), and then no comparison of the arms can be
    trusted, whatever its p-value. Pearson's chi-square goodness of fit; the alarm needs
    p below ``threshold`` (0.001 by default) because the check is repeated at every look.
    """
    if len(counts) != len(shares) or len(counts) < 2:
        raise ValueError("need one share per arm and at least two arms")
    if any(share <= 0 for share in shares) or not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
        raise ValueError(f"shares must be positive and add up to 1, got {list(shares)}")
    if any(count < 0 for count in counts):
        raise ValueError("counts cannot be negative")
    total = sum(counts)
    if total == 0:
        return SrmResult(0.0, len(counts) - 1, 1.0, False)
    chi_square = sum(
        (count - total * share) ** 2 / (total * share)
        for count, share in zip(counts, shares, strict=True)
    )
    p_value = chi_square_sf(chi_square, len(counts) - 1)
    return SrmResult(chi_square, len(counts) - 1, p_value, p_value < threshold)


def mde_fixed_horizon(
    exposed_a: int, exposed_b: int, baseline: float, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Return the smallest difference a one-look z-test at these sizes detects with ``power``.

    (z_{1 - alpha/2} + z_power) * sqrt(p (1 - p) (1/n_a + 1/n_b)), the textbook figure;
    shown next to the always-valid one to say what monitoring costs.
    """
    variance = _baseline_variance(exposed_a, exposed_b, baseline)
    z_alpha = _NORMAL.inv_cdf(1.0 - alpha / 2.0)
    return (z_alpha + _NORMAL.inv_cdf(power)) * math.sqrt(variance)


def mde_always_valid(
    exposed_a: int,
    exposed_b: int,
    baseline: float,
    *,
    tau: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """Return the smallest difference ``msprt`` detects with ``power`` by these sizes.

    The test rejects once the estimate clears the mixture boundary c (``mixture_boundary``
    at the pooled variance); an estimate with standard error s clears it with probability
    ``power`` when the true difference d = c + z_power * s. Both c and s grow with d (the
    treated arm's rate is baseline + d), so d is found by fixed-point iteration from the
    baseline-only figure. Looks made before this size can only add rejections, so the
    figure errs on the safe side.
    """
    _baseline_variance(exposed_a, exposed_b, baseline)  # validates the arguments
    z_power = _NORMAL.inv_cdf(power)
    difference = 0.0
    for _ in range(50):
        treated = min(baseline + difference, 1.0 - 1e-9)
        pooled = baseline + difference / 2.0
        null_variance = pooled * (1.0 - pooled) * (1.0 / exposed_a + 1.0 / exposed_b)
        spread = baseline * (1.0 - baseline) / exposed_a + treated * (1.0 - treated) / exposed_b
        updated = mixture_boundary(null_variance, tau, alpha) + z_power * math.sqrt(spread)
        if abs(updated - difference) < 1e-12:
            break
        difference = updated
    return difference


def _baseline_variance(exposed_a: int, exposed_b: int, baseline: float) -> float:
    if exposed_a <= 0 or exposed_b <= 0:
        raise ValueError("both arms need readers before an effect can be detected")
    if not 0.0 < baseline < 1.0:
        raise ValueError("the baseline rate must lie strictly between 0 and 1")
    return baseline * (1.0 - baseline) * (1.0 / exposed_a + 1.0 / exposed_b)


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
