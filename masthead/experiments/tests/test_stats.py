"""The statistics against values worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from masthead.experiments import stats
from masthead.experiments.stats import ArmCounts

A = ArmCounts(1000, 100)  # 10 % of 1,000
B = ArmCounts(1000, 130)  # 13 % of 1,000


def test_msprt_likelihood_ratio_and_p_value_by_hand() -> None:
    # Pooled rate 230/2000 = 0.115; V0 = 0.115 * 0.885 * (1/1000 + 1/1000) = 2.0355e-4.
    # tau = 0.02, tau^2 = 4e-4, V0 + tau^2 = 6.0355e-4, difference d = 0.03.
    # log L = 0.5 ln(2.0355e-4 / 6.0355e-4) + 4e-4 * 9e-4 / (2 * 2.0355e-4 * 6.0355e-4)
    #       = 0.5 * (-1.086917) + 3.6e-7 / 2.457052e-7 = -0.543459 + 1.465170 = 0.921712
    result = stats.msprt(A, B, tau=0.02, alpha=0.05)
    assert result.difference == pytest.approx(0.03)
    assert math.log(result.statistic) == pytest.approx(0.921712, abs=1e-5)
    assert result.p_value == pytest.approx(math.exp(-0.921712), abs=1e-5)  # 0.397837
    assert not result.rejects(0.05)


def test_msprt_interval_by_hand() -> None:
    # Unpooled V = 0.1 * 0.9 / 1000 + 0.13 * 0.87 / 1000 = 9e-5 + 1.131e-4 = 2.031e-4.
    # half = sqrt(V (V + tau^2) / tau^2 * (2 ln 20 + ln((V + tau^2) / V)))
    #      = sqrt(2.031e-4 * 6.031e-4 / 4e-4 * (5.991465 + 1.088386)) = sqrt(2.168016e-3)
    #      = 0.046562
    result = stats.msprt(A, B, tau=0.02, alpha=0.05)
    assert result.interval.low == pytest.approx(0.03 - 0.046562, abs=1e-5)
    assert result.interval.high == pytest.approx(0.03 + 0.046562, abs=1e-5)


def test_msprt_rejects_a_large_difference_and_the_interval_agrees() -> None:
    result = stats.msprt(ArmCounts(5000, 500), ArmCounts(5000, 650), tau=0.02)
    assert result.rejects(0.05)
    assert result.interval.low > 0


def test_msprt_without_readers_or_conversions_says_nothing() -> None:
    empty = stats.msprt(ArmCounts(0, 0), B, tau=0.02)
    assert empty.p_value == 1.0 and empty.interval == stats.Interval(-1.0, 1.0)
    none = stats.msprt(ArmCounts(50, 0), ArmCounts(50, 0), tau=0.02)
    assert none.p_value == 1.0
    # Half a success keeps the interval from collapsing to a point at 0/50 vs 0/50.
    assert none.interval.high - none.interval.low > 0.05


def test_mixture_boundary_by_hand() -> None:
    # V = 1, tau = 1: sqrt(1 * 2 / 1 * (2 ln 20 + ln 2)) = sqrt(2 * 6.684612) = 3.656395
    assert stats.mixture_boundary(1.0, 1.0, 0.05) == pytest.approx(3.656395, abs=1e-6)


def test_the_boundary_is_where_the_likelihood_ratio_reaches_one_over_alpha() -> None:
    variance, tau = 2e-4, 0.015
    edge = stats.mixture_boundary(variance, tau, 0.05)
    log_ratio = stats.log_mixture_likelihood_ratio(edge, variance, tau)
    assert log_ratio == pytest.approx(math.log(20.0), abs=1e-9)


def test_sequential_readings_keep_the_smallest_p_and_intersect_intervals() -> None:
    looks = [
        (ArmCounts(1000, 100), ArmCounts(1000, 130)),
        (ArmCounts(2000, 220), ArmCounts(2000, 230)),  # the gap closes
    ]
    first, second = stats.sequential_readings(looks, tau=0.02)
    alone = stats.msprt(*looks[1], tau=0.02)
    assert alone.p_value > first.p_value
    assert second.p_value == first.p_value  # valid at every look, so it never goes back up
    assert second.interval.low == max(first.interval.low, alone.interval.low)
    assert second.interval.high == min(first.interval.high, alone.interval.high)


def test_mixing_sd_scales_with_the_standard_error_and_minimises_the_width() -> None:
    tau = stats.mixing_sd_for_horizon(1e-4)
    assert stats.mixing_sd_for_horizon(4e-4) == pytest.approx(2 * tau, rel=1e-6)
    width = stats.mixture_boundary(1e-4, tau, 0.05)
    assert width < stats.mixture_boundary(1e-4, tau * 1.1, 0.05)
    assert width < stats.mixture_boundary(1e-4, tau / 1.1, 0.05)


def test_z_test_by_hand() -> None:
    # z = 0.03 / sqrt(2.0355e-4) = 0.03 / 0.0142671 = 2.102741; p = 2 (1 - Phi(z)) = 0.035488
    # CI: 0.03 +- 1.959964 * sqrt(2.031e-4) = 0.03 +- 0.027932
    result = stats.z_test(A, B)
    assert result.statistic == pytest.approx(2.102741, abs=1e-5)
    assert result.p_value == pytest.approx(0.035488, abs=1e-5)
    assert result.interval.low == pytest.approx(0.002068, abs=1e-5)
    assert result.rejects(0.05)


@pytest.mark.parametrize(
    ("statistic", "df", "expected"),
    [
        (3.841458820694124, 1, 0.05),  # the familiar 5 % point
        (16.0, 1, math.erfc(math.sqrt(8.0))),  # df 1: erfc(sqrt(x / 2)) = 6.334248e-5
        (10.0, 2, math.exp(-5.0)),  # df 2: exp(-x / 2)
        (1.0, 2, math.exp(-0.5)),
        (6.0, 4, math.exp(-3.0) * 4.0),  # df 4: exp(-x / 2) (1 + x / 2)
        # df 3: 2 (1 - Phi(sqrt x)) + sqrt(2 x / pi) exp(-x / 2), both sides of a + 1
        (1.0, 3, 2 * (1 - NormalDist().cdf(1.0)) + math.sqrt(2 / math.pi) * math.exp(-0.5)),
        (
            10.0,
            3,
            2 * (1 - NormalDist().cdf(math.sqrt(10.0))) + math.sqrt(20 / math.pi) * math.exp(-5.0),
        ),
        (0.0, 3, 1.0),
    ],
)
def test_chi_square_tail(statistic: float, df: int, expected: float) -> None:
    assert stats.chi_square_sf(statistic, df) == pytest.approx(expected, rel=1e-9, abs=1e-14)


def test_srm_by_hand() -> None:
    # 5,100 / 4,900 against 50/50: chi2 = 2 * 100^2 / 5000 = 4, p = erfc(sqrt 2) = 0.0455
    fine = stats.srm_test([5100, 4900], [0.5, 0.5])
    assert fine.chi_square == pytest.approx(4.0)
    assert fine.p_value == pytest.approx(math.erfc(math.sqrt(2.0)))
    assert not fine.alarm  # p < 0.05 is not enough: the alarm needs p < 0.001
    # 5,200 / 4,800: chi2 = 16, p = 6.33e-5 < 0.001
    assert stats.srm_test([5200, 4800], [0.5, 0.5]).alarm
    # Three arms: expected 500 / 250 / 250; chi2 = 20^2/500 + 20^2/250 + 0 = 2.4, df 2
    three = stats.srm_test([520, 230, 250], [0.5, 0.25, 0.25])
    assert three.degrees_of_freedom == 2
    assert three.p_value == pytest.approx(math.exp(-1.2))


@pytest.mark.parametrize(
    ("counts", "shares"),
    [([10, 10], [0.5, 0.4]), ([10], [1.0]), ([10, 10], [1.0, 0.0]), ([10, -1], [0.5, 0.5])],
)
def test_srm_refuses_bad_input(counts: list[int], shares: list[float]) -> None:
    with pytest.raises(ValueError):
        stats.srm_test(counts, shares)


def test_mde_fixed_horizon_by_hand() -> None:
    # (1.959964 + 0.841621) * sqrt(0.1 * 0.9 * 2 / 5000) = 2.801585 * 0.006 = 0.016810
    assert stats.mde_fixed_horizon(5000, 5000, 0.1) == pytest.approx(0.016810, abs=1e-6)


def test_mde_always_valid_solves_its_equation_and_costs_more_than_one_look() -> None:
    n, p, tau = 5000, 0.1, 0.02
    mde = stats.mde_always_valid(n, n, p, tau=tau)
    pooled = p + mde / 2
    boundary = stats.mixture_boundary(pooled * (1 - pooled) * 2 / n, tau, 0.05)
    spread = p * (1 - p) / n + (p + mde) * (1 - p - mde) / n
    assert mde == pytest.approx(boundary + NormalDist().inv_cdf(0.8) * math.sqrt(spread))
    assert mde > stats.mde_fixed_horizon(n, n, p)
    assert stats.mde_always_valid(4 * n, 4 * n, p, tau=tau / 2) == pytest.approx(mde / 2, rel=0.05)


@pytest.mark.parametrize("bad", [(-1, 0), (5, 6), (3, -1)])
def test_arm_counts_are_checked(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        ArmCounts(*bad)


def test_alpha_is_checked() -> None:
    with pytest.raises(ValueError):
        stats.msprt(A, B, tau=0.02, alpha=1.5)
