"""Proving the statistics on the simulator: ``simulate_readers --verify``.

Every figure comes from full simulations of readers meeting the real ``decide()``:

- ``aa_false_positive_rate``: A/A experiments (two arms, same policy), each read every
  simulated day with the always-valid test; the share that ever rejects at alpha.
- ``naive_false_positive_rate``: the same experiments read daily with the fixed-horizon
  z-test, stopping at the first p <= alpha (what a Dashboard without sequential statistics
  invites).
- ``power_at_mde``: experiments with a lift the size of the predicted minimum detectable
  effect planted in one arm; the share the always-valid test finds (in the right direction).
- ``srm_detected``: experiments with a planted assignment bug; the share the
  sample-ratio-mismatch check flags.
- ``whatif_coverage``: experiments exploring three allowances; the share of seeds whose 95 %
  doubly robust interval for "anonymous_allowance=5 instead of 3" covers the true effect,
  measured by running large populations entirely on each policy.

The design figures (baseline rate, readers per arm, the mixing prior, the MDE) come from
pilot runs with their own seeds, as a publisher would plan from past traffic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from masthead.experiments import stats
from masthead.experiments.simulator.arms import Arm
from masthead.experiments.simulator.engine import SimulationConfig, SimulationResult, simulate
from masthead.experiments.simulator.logs import logged_experiment
from masthead.experiments.whatif import what_if

ALPHA = 0.05
POWER = 0.8
WHATIF_TARGET: dict[str, object] = {"anonymous_allowance": 5}
WHATIF_ARMS = (
    Arm.of("control", 1 / 3),
    Arm.of("allowance_1", 1 / 3, {"anonymous_allowance": 1}),
    Arm.of("allowance_5", 1 / 3, {"anonymous_allowance": 5}),
)
AA_ARMS = (Arm.of("a", 0.5), Arm.of("b", 0.5))
#: The planted assignment bug: one in twenty arm-b readers is served and logged as arm a.
SRM_BUG_SHARE = 0.05


@dataclass(frozen=True)
class VerifySize:
    """How much simulation each check gets."""

    readers: int  # per experiment
    days: int
    aa_experiments: int
    power_experiments: int
    srm_experiments: int
    srm_readers: int
    whatif_seeds: int
    whatif_readers: int
    whatif_replicates: int
    truth_readers: int  # per truth run, each run simulated once per policy
    truth_runs: int
    pilot_runs: int
    bench: bool  # also time 100,000 readers x 30 days


SIZES: dict[str, VerifySize] = {
    "small": VerifySize(
        readers=3_000,
        days=21,
        aa_experiments=200,
        power_experiments=60,
        srm_experiments=3,
        srm_readers=10_000,
        whatif_seeds=30,
        whatif_readers=5_000,
        whatif_replicates=150,
        truth_readers=50_000,
        truth_runs=1,
        pilot_runs=3,
        bench=False,
    ),
    "full": VerifySize(
        readers=10_000,
        days=30,
        aa_experiments=1_000,
        power_experiments=300,
        srm_experiments=20,
        srm_readers=20_000,
        whatif_seeds=100,
        whatif_readers=15_000,
        whatif_replicates=400,
        truth_readers=200_000,
        truth_runs=2,
        pilot_runs=5,
        bench=True,
    ),
}


@dataclass(frozen=True)
class Design:
    """What the experiments are planned with."""

    baseline: float
    readers_per_arm: float
    tau: float
    mde: float


def daily_counts(
    result: SimulationResult, registration_day: NDArray[np.int64] | None = None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return cumulative (readers reached, readers registered) per arm and day."""
    days, arms = result.config.days, len(result.config.arms)
    converted_on = result.registration_day if registration_day is None else registration_day
    reached = result.exposure_day >= 0
    exposed = np.bincount(
        result.arm_of[reached] * days + result.exposure_day[reached], minlength=arms * days
    )
    done = converted_on >= 0
    converted = np.bincount(result.arm_of[done] * days + converted_on[done], minlength=arms * days)
    return (
        np.cumsum(exposed.reshape(arms, days), axis=1),
        np.cumsum(converted.reshape(arms, days), axis=1),
    )


def _looks(
    exposed: NDArray[np.int64], converted: NDArray[np.int64]
) -> list[tuple[stats.ArmCounts, stats.ArmCounts]]:
    return [
        (
            stats.ArmCounts(int(exposed[0, d]), int(converted[0, d])),
            stats.ArmCounts(int(exposed[1, d]), int(converted[1, d])),
        )
        for d in range(exposed.shape[1])
    ]


def sequential_verdict(
    exposed: NDArray[np.int64], converted: NDArray[np.int64], tau: float
) -> tuple[bool, float]:
    """Return (rejected at some daily look, difference at the first rejection or the end)."""
    for reading in stats.sequential_readings(_looks(exposed, converted), tau=tau, alpha=ALPHA):
        if reading.rejects(ALPHA):
            return True, reading.difference
    return False, float(converted[1, -1] / exposed[1, -1] - converted[0, -1] / exposed[0, -1])


def naive_verdict(exposed: NDArray[np.int64], converted: NDArray[np.int64]) -> bool:
    """Return True when a daily fixed-horizon z-test ever reaches p <= alpha."""
    return any(
        stats.z_test(a, b, alpha=ALPHA).rejects(ALPHA) for a, b in _looks(exposed, converted)
    )


def plant_lift(
    result: SimulationResult, arm: int, epsilon: float, rng: np.random.Generator
) -> NDArray[np.int64]:
    """Return registration days with extra registrations planted in ``arm``.

    Each reached reader of the arm who had not registered does so with chance
    ``epsilon``, on a day drawn uniformly between their first visit and the last day; at
    the end the arm's rate is up by epsilon * (1 - its rate), which the caller sets to the
    MDE.
    """
    days = result.config.days
    planted = result.registration_day.copy()
    open_ = (result.arm_of == arm) & (result.exposure_day >= 0) & (planted < 0)
    chosen = np.flatnonzero(open_ & (rng.random(len(planted)) < epsilon))
    first = result.exposure_day[chosen]
    planted[chosen] = first + (rng.random(len(chosen)) * (days - first)).astype(np.int64)
    return planted


def _aa(readers: int, days: int, seed: int, misassigned_share: float = 0.0) -> SimulationResult:
    config = SimulationConfig(
        readers=readers,
        days=days,
        seed=seed,
        arms=AA_ARMS,
        key=f"aa-{seed}".encode(),
        record_events=False,
        misassigned_share=misassigned_share,
    )
    return simulate(config)


def plan(size: VerifySize) -> Design:
    """Return the design from pilot A/A runs: baseline, readers per arm, tau, MDE."""
    rates, per_arm = [], []
    for i in range(size.pilot_runs):
        exposed, converted = daily_counts(_aa(size.readers, size.days, 1_000_000 + i))
        rates.append(converted[:, -1].sum() / exposed[:, -1].sum())
        per_arm.append(exposed[:, -1].mean())
    baseline, n = float(np.mean(rates)), float(np.mean(per_arm))
    variance = baseline * (1 - baseline) * 2 / n
    tau = stats.mixing_sd_for_horizon(variance, ALPHA)
    m = round(n)
    mde = stats.mde_always_valid(m, m, baseline, tau=tau, alpha=ALPHA, power=POWER)
    return Design(baseline, n, tau, mde)


def true_effect(size: VerifySize) -> float:
    """Return the effect of the what-if target on registration, from whole populations.

    Each run simulates one population twice, entirely on the current policy and entirely
    on the target (same seed, so the same readers): the difference of reached readers'
    registration rates, averaged over runs.
    """
    effects = []
    for j in range(size.truth_runs):
        rates = []
        for arm in (Arm.of("all", 1.0), Arm.of("all", 1.0, WHATIF_TARGET)):
            config = SimulationConfig(
                readers=size.truth_readers,
                days=size.days,
                seed=5_000_000 + j,
                arms=(arm,),
                record_events=False,
            )
            result = simulate(config)
            reached = result.exposure_day >= 0
            rates.append(float((result.registration_day[reached] >= 0).mean()))
        effects.append(rates[1] - rates[0])
    return float(np.mean(effects))


def verify(size: VerifySize, progress: Callable[[str], None] = lambda _: None) -> dict[str, float]:
    """Run every check at ``size`` and return the figures (see the module docstring)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    figures: dict[str, float] = {}
    design = plan(size)
    progress(
        f"design: baseline={design.baseline:.4f} readers_per_arm={design.readers_per_arm:.0f} "
        f"tau={design.tau:.4f} predicted_mde={design.mde:.4f}"
    )
    sequential = naive = srm_false = 0
    for seed in range(size.aa_experiments):
        result = _aa(size.readers, size.days, seed)
        exposed, converted = daily_counts(result)
        sequential += sequential_verdict(exposed, converted, design.tau)[0]
        naive += naive_verdict(exposed, converted)
        srm_false += stats.srm_test(exposed[:, -1].tolist(), (0.5, 0.5)).alarm
        if (seed + 1) % 100 == 0:
            progress(f"A/A {seed + 1}/{size.aa_experiments}: sequential={sequential} naive={naive}")
    figures["aa_false_positive_rate"] = sequential / size.aa_experiments
    figures["naive_false_positive_rate"] = naive / size.aa_experiments
    figures["srm_false_alarm_rate"] = srm_false / size.aa_experiments

    epsilon = design.mde / (1.0 - design.baseline)
    found = 0
    for i in range(size.power_experiments):
        seed = 2_000_000 + i
        result = _aa(size.readers, size.days, seed)
        planted = plant_lift(result, 1, epsilon, np.random.default_rng(seed))
        rejected, difference = sequential_verdict(*daily_counts(result, planted), design.tau)
        found += rejected and difference > 0
    figures["power_at_mde"] = found / size.power_experiments
    figures["predicted_mde"] = round(design.mde, 5)
    progress(f"power at the MDE: {found}/{size.power_experiments}")

    alarms = 0
    for i in range(size.srm_experiments):
        result = _aa(size.srm_readers, size.days, 3_000_000 + i, misassigned_share=SRM_BUG_SHARE)
        exposed, _ = daily_counts(result)
        alarms += stats.srm_test(exposed[:, -1].tolist(), (0.5, 0.5)).alarm
    figures["srm_detected"] = alarms / size.srm_experiments
    progress(f"SRM: {alarms}/{size.srm_experiments} planted bugs flagged")

    truth = true_effect(size)
    covered = 0
    for i in range(size.whatif_seeds):
        seed = 4_000_000 + i
        config = SimulationConfig(
            readers=size.whatif_readers,
            days=size.days,
            seed=seed,
            arms=WHATIF_ARMS,
            key=f"whatif-{seed}".encode(),
            record_events=False,
        )
        log = logged_experiment(simulate(config))
        estimate = what_if(log, WHATIF_TARGET, replicates=size.whatif_replicates, seed=seed)
        covered += estimate.effect["dr"].covers(truth)
    figures["whatif_true_effect"] = round(truth, 5)
    figures["whatif_coverage"] = covered / size.whatif_seeds
    progress(f"what-if: {covered}/{size.whatif_seeds} intervals cover {truth:.4f}")

    if size.bench:
        cpu = time.process_time()
        bench = simulate(SimulationConfig(readers=100_000, days=30, seed=7, arms=WHATIF_ARMS))
        figures["simulate_100k_readers_30_days_s"] = round(bench.seconds, 2)
        figures["simulate_100k_readers_30_days_cpu_s"] = round(time.process_time() - cpu, 2)
    figures["aa_experiments"] = size.aa_experiments
    # Wall time depends on who else shares the machine; CPU time is the work itself.
    figures["cpu_seconds"] = round(time.process_time() - cpu_started, 1)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures
