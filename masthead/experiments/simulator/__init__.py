"""A reader simulator driving the real access decision, with its own event store."""

from masthead.experiments.simulator.arms import Arm, assign, check_arms, parse_arm, parse_override
from masthead.experiments.simulator.engine import SimulationConfig, SimulationResult, simulate
from masthead.experiments.simulator.population import PopulationSpec, build_population

__all__ = [
    "Arm",
    "PopulationSpec",
    "SimulationConfig",
    "SimulationResult",
    "assign",
    "build_population",
    "check_arms",
    "parse_arm",
    "parse_override",
    "simulate",
]
