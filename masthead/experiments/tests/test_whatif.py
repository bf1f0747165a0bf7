"""What-if estimates against a hand-computed case, refusals, and the two commands."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from masthead.access import Policy
from masthead.experiments.simulator import Arm, SimulationConfig, simulate
from masthead.experiments.simulator import logs as simlogs
from masthead.experiments.whatif import LoggedExperiment, NotExplored, what_if

BASE = Policy()
TARGET = Policy(anonymous_allowance=5)


def tiny_log() -> LoggedExperiment:
    # Six readers, half on each arm (shares 0.5 / 0.5).
    return LoggedExperiment(
        base_policy=BASE,
        arm_policies=(BASE, TARGET),
        shares=(0.5, 0.5),
        arm=np.array([0, 0, 0, 1, 1, 1]),
        covariate=np.array([0, 0, 1, 0, 1, 1]),
        outcomes={"registered": np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])},
    )


def test_estimates_by_hand() -> None:
    # Target (arm 1): IPS = (1 + 1 + 0) / 0.5 / 6 = 0.6667; SNIPS = 4 / 6 = 0.6667.
    # DR: model m(x=0) = 1 (reader 3), m(x=1) = (1 + 0) / 2 = 0.5; mean of m over the six
    # readers' covariates [1, 1, .5, 1, .5, .5] = 0.75; residuals 0, +.5, -.5 sum to 0.
    # Current (arm 0): IPS = 1 / 0.5 / 6 = 0.3333; SNIPS = 1/3;
    # DR: m(0) = 0.5, m(1) = 0 -> mean of [.5, .5, 0, .5, 0, 0] = 0.25.
    result = what_if(tiny_log(), {"anonymous_allowance": 5}, replicates=50)
    assert result.target_value["ips"].value == pytest.approx(2 / 3)
    assert result.target_value["snips"].value == pytest.approx(2 / 3)
    assert result.target_value["dr"].value == pytest.approx(0.75)
    assert result.baseline_value["ips"].value == pytest.approx(1 / 3)
    assert result.baseline_value["dr"].value == pytest.approx(0.25)
    assert result.effect["ips"].value == pytest.approx(1 / 3)
    assert result.effect["dr"].value == pytest.approx(0.5)
    assert result.target_share == 0.5


def test_bootstrap_intervals_hold_the_estimate() -> None:
    result = what_if(tiny_log(), {"anonymous_allowance": 5}, replicates=200)
    for estimate in result.effect.values():
        assert estimate.low <= estimate.high


def test_an_unexplored_choice_is_refused() -> None:
    with pytest.raises(NotExplored, match=r"anonymous_allowance in \{3, 5\}"):
        what_if(tiny_log(), {"anonymous_allowance": 7})


def test_no_current_arm_no_comparison() -> None:
    log = tiny_log()
    log = LoggedExperiment(
        log.base_policy,
        (Policy(anonymous_allowance=1), TARGET),
        log.shares,
        log.arm,
        log.covariate,
        log.outcomes,
    )
    with pytest.raises(NotExplored, match="current policy"):
        what_if(log, {"anonymous_allowance": 5})


def test_unknown_outcome_and_unknown_setting() -> None:
    with pytest.raises(KeyError):
        what_if(tiny_log(), {"anonymous_allowance": 5}, outcome="revenue")
    with pytest.raises(ValueError):
        what_if(tiny_log(), {"anonymous_alowance": 5})


def test_logs_round_trip(tmp_path) -> None:
    arms = (Arm.of("control", 0.5), Arm.of("w", 0.5, {"walled_sections": frozenset({"sport"})}))
    result = simulate(SimulationConfig(readers=400, days=3, seed=4, arms=arms))
    path = tmp_path / "run.npz"
    simlogs.save(result, path)
    loaded, meta = simlogs.load(path)
    direct = simlogs.logged_experiment(result)
    assert loaded.arm_policies == direct.arm_policies
    assert (loaded.arm == direct.arm).all()
    assert (loaded.outcomes["registered"] == direct.outcomes["registered"]).all()
    assert meta["readers"] == 400


def test_commands_explore_and_refuse(tmp_path, settings) -> None:
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("simulate_readers", readers=3000, days=5, seed=1, stdout=out)
    assert "logs saved to" in out.getvalue()
    assert out.getvalue().strip().splitlines()[-1].startswith("readers=3000 days=5")
    out = io.StringIO()
    call_command(
        "meter_whatif",
        policy=["anonymous_allowance=5"],
        replicates=50,
        simulator_logs="",
        stdout=out,
    )
    assert "dr" in out.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command(
            "meter_whatif", policy=["anonymous_allowance=7"], replicates=50, simulator_logs=""
        )
    assert refused.value.returncode == 2
    assert "never explored anonymous_allowance=7" in str(refused.value)


def test_meter_whatif_without_logs(tmp_path, settings) -> None:
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="simulate_readers first"):
        call_command("meter_whatif", policy=["anonymous_allowance=5"], simulator_logs="")
