"""The simulator's logs as a randomised experiment: per-reader table, saved and loaded.

``simulate_readers`` saves its last run here and ``meter_whatif`` reads it, until
experiments run on the site and their exposures and outcomes are stored in the database.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np

from masthead.access import Policy
from masthead.experiments.simulator.arms import Arm
from masthead.experiments.simulator.engine import SimulationResult
from masthead.experiments.whatif import LoggedExperiment

OUTCOMES: tuple[str, ...] = ("registered", "subscribed", "reads", "walls", "left")


def logged_experiment(result: SimulationResult) -> LoggedExperiment:
    """Return the readers the experiment reached, their arms, covariate and outcomes.

    Only readers who visited at least once count: a reader who never came met no policy.
    Their first visit happened before any decision, so the arm cannot change who counts.
    """
    reached = result.exposure_day >= 0
    outcomes = {
        "registered": (result.registration_day[reached] >= 0).astype(np.float64),
        "subscribed": (result.subscription_day[reached] >= 0).astype(np.float64),
        "reads": result.reads[reached].astype(np.float64),
        "walls": result.walls[reached].astype(np.float64),
        "left": (result.left_day[reached] >= 0).astype(np.float64),
    }
    return LoggedExperiment(
        base_policy=result.config.base_policy,
        arm_policies=tuple(result.policies()),
        shares=tuple(arm.share for arm in result.config.arms),
        arm=result.arm_of[reached],
        covariate=result.first_section[reached],
        outcomes=outcomes,
    )


def _jsonable(value: object) -> object:
    return sorted(value) if isinstance(value, frozenset) else value


def _policy_value(name: str, value: object) -> object:
    default = getattr(Policy(), name)
    return frozenset(value) if isinstance(default, frozenset) and isinstance(value, list) else value


def save(result: SimulationResult, path: Path) -> None:
    """Write the run's per-reader table and its arms to ``path`` (an ``.npz`` file)."""
    log = logged_experiment(result)
    meta = {
        "readers": result.config.readers,
        "days": result.config.days,
        "seed": result.config.seed,
        "base_policy": {
            f.name: _jsonable(getattr(log.base_policy, f.name)) for f in dataclasses.fields(Policy)
        },
        "arms": [
            {
                "name": arm.name,
                "share": arm.share,
                "overrides": {k: _jsonable(v) for k, v in arm.overrides},
            }
            for arm in result.config.arms
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        arrays: dict[str, Any] = {f"outcome_{k}": v for k, v in log.outcomes.items()}
        arrays.update(meta=np.array(json.dumps(meta)), arm=log.arm, covariate=log.covariate)
        np.savez_compressed(out, **arrays)


def load(path: Path) -> tuple[LoggedExperiment, dict[str, object]]:
    """Return the logged experiment saved at ``path`` and its description."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        fields: dict[str, Any] = {k: _policy_value(k, v) for k, v in meta["base_policy"].items()}
        base = Policy(**fields)
        arms = [
            Arm.of(
                a["name"], a["share"], {k: _policy_value(k, v) for k, v in a["overrides"].items()}
            )
            for a in meta["arms"]
        ]
        log = LoggedExperiment(
            base_policy=base,
            arm_policies=tuple(arm.policy(base) for arm in arms),
            shares=tuple(arm.share for arm in arms),
            arm=data["arm"].astype(np.int64),
            covariate=data["covariate"].astype(np.int64),
            outcomes={
                name: data[f"outcome_{name}"].astype(np.float64)
                for name in OUTCOMES
                if f"outcome_{name}" in data
            },
        )
    return log, meta
